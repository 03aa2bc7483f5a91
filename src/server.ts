import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import express from 'express';
import http from 'node:http';
import type { DataSource } from 'typeorm';
import { createApolloServer } from './apolloServer';
import { DataChanges, type EmbeddedWriters } from './cache/dataChanges';
import { redisResponseCachePlugin } from './cache/redisResponseCache';
import { attachRankingCache, RankingCache } from './cache/rankingCache';
import { attachReferenceCache, ReferenceCache, referenceCachePlugin } from './cache/referenceCache';
import { responseCachePlugin } from './cache/responseCache';
import { holdComputePool } from './compute/computePool';
import { type Config, listenProblem } from './config';
import type { Context } from './context';
import { databaseAnswers, DatabaseHealth } from './db/databaseHealth';
import type { EmbeddedPostgres } from './db/embedded';
import { ReadReplicas } from './db/readReplicas';
import { replicaReadsPlugin } from './db/replicaReads';
import { postgresAnswers } from './db/scratchDatabase';
import { mountRoutes } from './httpRoutes';
import { rateLimiter } from './limits';
import { createLogger, type Logger } from './logger';
import { authOf } from './modules/auth/apiKeys';
import { queryOne, sql } from './modules/common/sqlTag';
import { connectRedis } from './redisClient';
import { StartupError } from './startupError';

// Where these lived before the server was split by concern; tests and tools import them from here.
export { isDatabaseUnavailable } from './errorCauses';
export { formatError, hidesSuggestions } from './formatError';
export { jsonErrorHandler } from './jsonErrorHandler';

export interface AppServer {
  app: express.Express;
  httpServer: http.Server;
  apollo: ApolloServer<Context>;
  /** Stops accepting requests, lets in-flight ones finish, and stops Apollo. */
  stop(): Promise<void>;
}

/** Connections on the embedded socket beyond this process's own pool belong to other processes. */
function embeddedWriters(embedded: EmbeddedPostgres, dataSource: DataSource): EmbeddedWriters {
  const pool = (dataSource.driver as unknown as { master?: { totalCount: number } }).master;
  return {
    foreign: () => embedded.connectionCount() - (pool?.totalCount ?? 0),
    onConnection: (listener) => embedded.onConnection(listener),
  };
}

/**
 * The response cache the configuration asks for: in this process's memory (RESPONSE_CACHE_MB,
 * 0 for none), or shared through Redis (RESPONSE_CACHE=redis); none, or either.
 */
async function responseCache(
  dataSource: DataSource,
  config: Config,
  changes: DataChanges,
  logger: Logger,
  replicas: ReadReplicas | null,
): Promise<{ cache: ApolloServerPlugin<Context>[]; cacheReady: Promise<void>; closeCache(): Promise<void> }> {
  const problem = listenProblem(config);
  if (problem) throw new StartupError(problem);
  if (config.responseCache === 'redis') {
    const redis = connectRedis(config.responseCacheRedisUrl);
    const shared = redisResponseCachePlugin(changes, {
      redis: redis.client,
      prefix: config.responseCachePrefix,
      ttlMs: config.responseCacheTtlMs,
      maxEntryBytes: config.responseCacheMaxEntryBytes,
      // With replicas, the release of the newest change heard of, which they serve once `fresh`.
      currentRelease: async () =>
        replicas?.knownRelease ??
        (await queryOne<{ id: number }>(dataSource, sql`SELECT coalesce(max(id), 0)::int AS id FROM release`))?.id ??
        0,
      logger,
    });
    await changes.start();
    // As the rate limiter does (and at the same time): a moment for Redis at start, never longer.
    return { cache: [shared.plugin], cacheReady: shared.usable(2000), closeCache: redis.close };
  }
  const none = { cacheReady: Promise.resolve(), closeCache: async () => undefined };
  if (config.responseCacheBytes === 0) return { cache: [], ...none };
  const plugin = responseCachePlugin(changes, {
    maxBytes: config.responseCacheBytes,
    ttlMs: config.responseCacheTtlMs,
    // A waiting request gives up when the one it waits for would have timed out.
    waitMs: config.statementTimeoutMs || 60_000,
  });
  await changes.start();
  return { cache: [plugin], ...none };
}

/**
 * The HTTP app: Apollo (src/apolloServer.ts) and the routes around it (src/httpRoutes.ts), with
 * what they share: the database's health, the response cache and the rate limiter. Tests build
 * the same server and reach it with `apollo.executeOperation` or HTTP.
 */
export async function createServer(
  dataSource: DataSource,
  config: Config,
  plugins: ApolloServerPlugin<Context>[] = [],
  logger: Logger = createLogger(config.logLevel),
  options: { embedded?: EmbeddedPostgres } = {},
): Promise<AppServer> {
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy, the client address (for rate limits) is in X-Forwarded-For.
  if (config.trustProxy !== false) app.set('trust proxy', config.trustProxy);
  // The app until the routes are mounted, then mountRoutes' handler (POST /graphql past Express).
  let handle: http.RequestListener = app;
  const httpServer = http.createServer((req, res) => handle(req, res));
  // With DATABASE_URL other processes may write too: listen for their changes (on
  // DATABASE_LISTEN_URL, Postgres itself, when DATABASE_URL is a pooler). Embedded PGlite
  // is reached by other processes only through this process's socket (see DataChanges).
  const changes = new DataChanges(
    config.databaseListenUrl ?? null,
    logger,
    options.embedded ? embeddedWriters(options.embedded, dataSource) : undefined,
  );
  // With DATABASE_REPLICA_URLS, queries read from the standbys (src/db/readReplicas.ts), which
  // need the change notifications even without a cache, to know how far they must have replayed.
  const replicas = config.databaseReplicaUrls.length > 0 ? new ReadReplicas(dataSource, config, changes, logger) : null;
  const { cache, cacheReady, closeCache } = await responseCache(dataSource, config, changes, logger, replicas);
  // Reference rows held in process, refreshed by the same notifications (issue 15); the
  // listener is started once, by the response cache when there is one. Not with replicas: the
  // held rows are read from the primary, which may be ahead of the standby a query reads.
  const references = config.referenceCache && !replicas ? new ReferenceCache(changes) : null;
  // Full rankings held in process on the same terms, and not with replicas for the same reason.
  const rankings =
    config.rankingCacheBytes > 0 && !replicas ? new RankingCache(changes, config.rankingCacheBytes) : null;
  const detachReferences = references ? attachReferenceCache(dataSource, references) : () => undefined;
  const detachRankings = rankings ? attachRankingCache(dataSource, rankings) : () => undefined;
  if ((references || rankings || replicas) && cache.length === 0) await changes.start();
  if (replicas) await replicas.start();
  // The probe asks on a connection of its own: the pool's may be ones the database closed.
  const databaseUrl = (dataSource.options as { url?: string }).url;
  const health = new DatabaseHealth(
    () => (databaseUrl ? postgresAnswers(databaseUrl, 2000) : databaseAnswers(dataSource, 2000)),
    logger,
  );
  const apollo = await createApolloServer(httpServer, config, {
    logger,
    health,
    plugins: [
      ...cache,
      ...(references || rankings ? [referenceCachePlugin(changes)] : []),
      ...(replicas ? [replicaReadsPlugin(replicas)] : []),
      ...plugins,
    ],
  });
  await apollo.start();

  const limiter = rateLimiter(config, logger, (res) => {
    const auth = authOf(res);
    return auth.kind === 'key' ? String(auth.keyId) : null;
  });
  // With REDIS_URL, the first requests are counted in Redis, not in process while it connects,
  // and with RESPONSE_CACHE=redis the shared cache is usable from the first request.
  await Promise.all([limiter.ready, cacheReady]);
  // The analyses' worker threads (src/compute/): no thread starts before the first task, and
  // they end with stop().
  const releaseComputePool = holdComputePool(config.computeThreads);
  handle = mountRoutes(app, { dataSource, config, apollo, logger, health, changes, limiter: limiter.middleware });

  return {
    app,
    httpServer,
    apollo,
    async stop() {
      await apollo.stop();
      health.stop();
      await changes.stop();
      await replicas?.stop();
      await closeCache();
      detachReferences();
      detachRankings();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await limiter.close();
      // After Apollo has drained: no request is left to run a task.
      await releaseComputePool();
    },
  };
}
