import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../src/config';
import { type AppServer, createServer } from '../../src/server';

export interface HttpTestServer {
  server: AppServer;
  config: Config;
  /** The origin the server listens on, e.g. http://127.0.0.1:54321 */
  origin: string;
  /** The GraphQL endpoint, `${origin}/graphql`. */
  graphqlUrl: string;
  close(): Promise<void>;
}

/**
 * The real HTTP server (Express, body parsing, Apollo's HTTP handling) on an ephemeral port of
 * 127.0.0.1, for tests that must see what a client sees on the wire. The caller owns the data
 * source and closes it after the server.
 */
export async function startHttpServer(
  dataSource: DataSource,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<HttpTestServer> {
  const config = loadConfig({ NODE_ENV: 'test', ...options.env });
  const server = await createServer(dataSource, config);
  await new Promise<void>((resolve, reject) => {
    server.httpServer.once('error', reject);
    server.httpServer.listen(0, '127.0.0.1', () => {
      server.httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = server.httpServer.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    server,
    config,
    origin,
    graphqlUrl: `${origin}/graphql`,
    close: () => server.stop(),
  };
}
