import 'reflect-metadata';
import { loadConfig } from './config';
import { openDatabase } from './db/openDatabase';
import { createLogger } from './logger';
import { createServer } from './server';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, (line) => logger.info(line));
  const server = await createServer(database.dataSource, config, [], logger);
  await new Promise<void>((resolve) => server.httpServer.listen(config.port, config.host, resolve));
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { port, database: database.embedded ? 'embedded PGlite' : 'DATABASE_URL', readyMs: Date.now() - started },
    `GraphQL at http://localhost:${port}/graphql`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new connections, draining requests in flight');
    // Bounded: a request stuck past the timeout must not keep the process from stopping.
    const timer = setTimeout(() => {
      logger.warn(
        { timeoutMs: config.shutdownTimeoutMs },
        'requests still in flight after the shutdown timeout; closing anyway',
      );
      void database.close().finally(() => process.exit(0));
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      await server.stop();
      await database.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
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
