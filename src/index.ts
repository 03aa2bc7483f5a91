import 'reflect-metadata';
import net from 'node:net';
import { loadConfig } from './config';
import { openDatabase } from './db/openDatabase';
import { createLogger } from './logger';
import { nodeSupportNotice } from './nodeSupport';
import { createServer } from './server';
import { StartupError, startupMessage } from './startupError';

/**
 * Fails before anything migrates when the port cannot be had: a server that migrated and
 * seeded and then died on EADDRINUSE with a stack trace was the old answer.
 */
async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? 'is in use by another process'
          : error.code === 'EACCES'
            ? 'needs privileges this process lacks'
            : `cannot be used (${error.code ?? error.message})`;
      reject(new StartupError(`port ${port} on ${host} ${why}; set PORT (and HOST) to a free one`));
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new StartupError(`cannot listen on ${host}:${port} (${error.code ?? error.message}); set PORT and HOST`)),
    );
    server.listen(port, host, resolve);
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  await checkPortFree(config.host, config.port);
  const database = await openDatabase(config, (line) => logger.info(line), {
    role: 'server',
    warn: (line) => logger.warn(line),
  });
  let server;
  try {
    server = await createServer(database.dataSource, config, [], logger, { embedded: database.embedded });
    await listen(server.httpServer, config.port, config.host);
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await database.close();
    throw error;
  }
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { port, database: database.description, readyMs: Date.now() - started },
    `GraphQL at http://localhost:${port}/graphql`,
  );
  const nodeNotice = nodeSupportNotice(process.version);
  if (nodeNotice) logger.warn({ node: process.version }, nodeNotice);

  let stopping = false;
  const running = server;
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
      await running.stop();
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
  process.stderr.write(`rightsgraph failed to start: ${startupMessage(error)}\n`);
  process.exit(1);
});
