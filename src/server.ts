import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import { type GraphQLFormattedError } from 'graphql';
import http from 'node:http';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { type Context, createContext } from './context';
import { ErrorCode } from './errors';
import { buildAppSchema } from './schema';

export interface AppServer {
  app: express.Express;
  httpServer: http.Server;
  apollo: ApolloServer<Context>;
  /** Stops accepting requests, lets in-flight ones finish, and stops Apollo. */
  stop(): Promise<void>;
}

/**
 * In production an unexpected error's message may carry SQL text or internal paths: clients
 * get a generic message and the code, the server log gets the detail.
 */
export function formatError(config: Config) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (code === ErrorCode.INTERNAL_SERVER_ERROR || code === undefined) {
      process.stderr.write(
        `[graphql] unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      if (config.isProduction) {
        return {
          message: 'Internal server error',
          locations: formatted.locations,
          path: formatted.path,
          extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
        };
      }
    }
    return formatted;
  };
}

async function databaseAnswers(dataSource: DataSource, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      dataSource.query('SELECT 1').then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The HTTP app: GraphQL at /graphql, /healthz (the process is up) and /readyz (the database
 * answers). Tests build the same server and reach it with `apollo.executeOperation` or HTTP.
 */
export async function createServer(
  dataSource: DataSource,
  config: Config,
  plugins: ApolloServerPlugin<Context>[] = [],
): Promise<AppServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<Context>({
    schema: await buildAppSchema(),
    formatError: formatError(config),
    includeStacktraceInErrorResponses: !config.isProduction,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ...plugins],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await databaseAnswers(dataSource, 2000);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'database unavailable' });
  });
  app.use(
    '/graphql',
    cors<cors.CorsRequest>(),
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, { context: async () => createContext(dataSource, config) }),
  );

  return {
    app,
    httpServer,
    apollo,
    async stop() {
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
