import 'reflect-metadata';
import { loadConfig } from './config';
import { openDatabase } from './db/openDatabase';
import { createServer } from './server';

const log = (line: string) => process.stdout.write(`[rightsgraph] ${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const database = await openDatabase(config, log);
  const server = await createServer(database.dataSource, config);
  await new Promise<void>((resolve) => server.httpServer.listen(config.port, config.host, resolve));
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log(
    `GraphQL at http://localhost:${port}/graphql (${database.embedded ? 'embedded PGlite' : 'DATABASE_URL'}), ready in ${Date.now() - started} ms`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: draining requests and closing the database`);
    try {
      await server.stop();
      await database.close();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`shutdown failed: ${String(error)}\n`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `rightsgraph failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
