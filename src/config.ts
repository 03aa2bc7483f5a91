import os from 'node:os';
import path from 'node:path';
import { StartupError } from './startupError';

/**
 * Every environment variable the server reads, parsed and validated in one place. The README's
 * configuration table documents the same list; keep the two in step.
 */
export interface Config {
  nodeEnv: string;
  isProduction: boolean;
  host: string;
  port: number;
  /** A Postgres URL; when absent the server runs on embedded PGlite. */
  databaseUrl: string | undefined;
  /**
   * A direct URL to Postgres (not through a pooler) for the change notifications (LISTEN) and,
   * behind a pooler, the migrations at start; defaults to databaseUrl.
   */
  databaseListenUrl: string | undefined;
  /**
   * DATABASE_URL reaches Postgres through a transaction-mode pooler (PgBouncer): send no startup
   * parameters (statement_timeout, jit come from the role instead, docs/scaling.md).
   */
  databasePooled: boolean;
  /** Streaming standbys of DATABASE_URL that answer GraphQL queries (src/db/readReplicas.ts); empty: none. */
  databaseReplicaUrls: string[];
  /** How often the replicas are asked how far they have replayed, and a failed one is retried at first. */
  replicaPollMs: number;
  /** Where embedded PGlite keeps its files between restarts. */
  embeddedDataDir: string;
  /** How long a CLI waits for the server that holds the embedded database to answer. */
  embeddedOwnerWaitMs: number;
  /** Seed the demo data when the database has none (always true for embedded mode). */
  seedOnStart: boolean;
  defaultPageSize: number;
  maxPageSize: number;
  logSql: boolean;
  /** Largest request body POST /imports accepts. */
  importMaxBytes: number;
  /** Postgres statement_timeout for API connections (imports run without one). */
  statementTimeoutMs: number;
  maxQueryDepth: number;
  maxQueryCost: number;
  maxAliases: number;
  maxQueryTokens: number;
  rateLimitPerMinute: number;
  /** Share rate-limit counts between instances through Redis. */
  redisUrl: string | undefined;
  /** Whether the schema can be introspected (and field suggestions shown). */
  introspection: boolean;
  /** Serve Apollo's landing page at GET /graphql in a browser. */
  landingPage: boolean;
  logLevel: string;
  /** How long SIGTERM waits for in-flight requests before closing anyway. */
  shutdownTimeoutMs: number;
  /** Express's `trust proxy`: false, or the number of proxies in front of the server. */
  trustProxy: false | number;
  /** Memory for cached answers to anonymous queries (src/cache/); 0 turns the cache off. */
  responseCacheBytes: number;
  /** A cached answer's longest life, though every data change already empties the cache. */
  responseCacheTtlMs: number;
  /** Where cached answers live: this process's memory, or a Redis every instance shares. */
  responseCache: 'memory' | 'redis';
  /** The Redis of RESPONSE_CACHE=redis: REDIS_URL, else the local default. */
  responseCacheRedisUrl: string;
  /** The prefix of the shared cache's keys, so several deployments can share one Redis. */
  responseCachePrefix: string;
  /** The largest answer the shared cache stores (its JSON); larger ones are computed each time. */
  responseCacheMaxEntryBytes: number;
  /** Worker threads of the analyses' bootstraps, permutations and placebo refits (src/compute/). */
  computeThreads: number;
  /** Hold indicators, sources and the newest release in process between requests (src/cache/referenceCache.ts). */
  referenceCache: boolean;
  /** Bytes of full rankings held in process between requests (src/cache/rankingCache.ts); 0: none. */
  rankingCacheBytes: number;
  /** Origins whose pages may call /graphql and /export from a browser: '*' (any) or a list. */
  corsOrigins: '*' | string[];
}

/** CORS_ORIGINS: `*`, or origins separated by commas (`https://a.example,https://b.example`). */
function originsFrom(env: NodeJS.ProcessEnv): '*' | string[] {
  const raw = env.CORS_ORIGINS?.trim();
  if (!raw || raw === '*') return '*';
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = null;
    }
    // An origin is scheme://host[:port], exactly as a browser sends it: no path, no slash.
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(
        `CORS_ORIGINS must be * or origins such as https://example.org, separated by commas; got "${origin}"`,
      );
    }
    return origin;
  });
}

function choiceFrom<T extends string>(env: NodeJS.ProcessEnv, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new StartupError(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StartupError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function boolFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new StartupError(`${name} must be true or false, got "${raw}"`);
}

/**
 * What stops a server (not the command-line tools, which cache nothing) on this configuration:
 * LISTEN through a transaction-mode pooler hears nothing reliably (the notifications go to
 * whichever client holds the server connection then), and a cache that cannot hear of changes
 * would serve stale answers. So a pooled server names a direct URL or turns the cache off.
 */
export function listenProblem(config: Config): string | null {
  const cacheOn =
    config.responseCache === 'redis' ||
    config.responseCacheBytes > 0 ||
    config.referenceCache ||
    config.rankingCacheBytes > 0;
  if (!config.databasePooled || !cacheOn || config.databaseListenUrl !== config.databaseUrl) return null;
  return (
    'DATABASE_POOLED=true: set DATABASE_LISTEN_URL to a direct URL of Postgres (the response cache LISTENs for ' +
    'data changes, which a transaction-mode pooler does not deliver), or turn the caches off with RESPONSE_CACHE_MB=0, ' +
    'REFERENCE_CACHE=false and RANKING_CACHE_MB=0'
  );
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const defaultPageSize = intFrom(env, 'DEFAULT_PAGE_SIZE', 25, 1, 1000);
  const maxPageSize = intFrom(env, 'MAX_PAGE_SIZE', 100, 1, 10000);
  if (defaultPageSize > maxPageSize) {
    throw new StartupError(`DEFAULT_PAGE_SIZE (${defaultPageSize}) must not exceed MAX_PAGE_SIZE (${maxPageSize})`);
  }
  const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  const databaseListenUrl = env.DATABASE_LISTEN_URL ? env.DATABASE_LISTEN_URL : databaseUrl;
  const databasePooled = boolFrom(env, 'DATABASE_POOLED', false);
  // Off under test by default: tests change data behind the server's back and count statements.
  // RESPONSE_CACHE=redis turns the shared cache on whatever this says (it bounds memory only).
  const responseCacheBytes = intFrom(env, 'RESPONSE_CACHE_MB', nodeEnv === 'test' ? 0 : 64, 0, 16_384) * 1024 * 1024;
  const responseCache = choiceFrom(env, 'RESPONSE_CACHE', ['memory', 'redis'] as const, 'memory');
  if (databasePooled && !databaseUrl) throw new StartupError('DATABASE_POOLED=true needs DATABASE_URL (the pooler)');
  const databaseReplicaUrls = (env.DATABASE_REPLICA_URLS ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (databaseReplicaUrls.length > 0 && !databaseUrl) {
    throw new StartupError('DATABASE_REPLICA_URLS needs DATABASE_URL (the primary they replicate)');
  }
  return {
    nodeEnv,
    isProduction: nodeEnv === 'production',
    host: env.HOST ?? '0.0.0.0',
    port: intFrom(env, 'PORT', 4000, 0, 65535),
    databaseUrl,
    databaseListenUrl,
    databasePooled,
    databaseReplicaUrls,
    replicaPollMs: intFrom(env, 'REPLICA_POLL_MS', 1000, 50, 60_000),
    embeddedDataDir: path.resolve(env.EMBEDDED_DATA_DIR ?? '.data/pglite'),
    embeddedOwnerWaitMs: intFrom(env, 'EMBEDDED_OWNER_WAIT_MS', 30_000, 0, 600_000),
    seedOnStart: boolFrom(env, 'SEED_ON_START', databaseUrl === undefined),
    defaultPageSize,
    maxPageSize,
    logSql: boolFrom(env, 'LOG_SQL', false),
    importMaxBytes: intFrom(env, 'IMPORT_MAX_BYTES', 100 * 1024 * 1024, 1024, 2 ** 31 - 1),
    statementTimeoutMs: intFrom(env, 'STATEMENT_TIMEOUT_MS', 10_000, 0, 3_600_000),
    maxQueryDepth: intFrom(env, 'MAX_QUERY_DEPTH', 10, 2, 100),
    maxQueryCost: intFrom(env, 'MAX_QUERY_COST', 20_000, 10, 1_000_000),
    maxAliases: intFrom(env, 'MAX_ALIASES', 30, 1, 1000),
    maxQueryTokens: intFrom(env, 'MAX_QUERY_TOKENS', 2000, 100, 100_000),
    rateLimitPerMinute: intFrom(env, 'RATE_LIMIT_PER_MINUTE', 1200, 1, 1_000_000),
    redisUrl: env.REDIS_URL === '' ? undefined : env.REDIS_URL,
    introspection: boolFrom(env, 'INTROSPECTION', true),
    landingPage: boolFrom(env, 'LANDING_PAGE', nodeEnv !== 'production'),
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    shutdownTimeoutMs: intFrom(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    trustProxy: env.TRUST_PROXY ? intFrom(env, 'TRUST_PROXY', 0, 0, 10) || false : false,
    responseCacheBytes,
    responseCacheTtlMs: intFrom(env, 'RESPONSE_CACHE_TTL_SECONDS', 300, 1, 86_400) * 1000,
    responseCache,
    responseCacheRedisUrl: env.REDIS_URL ? env.REDIS_URL : 'redis://127.0.0.1:6379',
    responseCachePrefix: env.RESPONSE_CACHE_PREFIX ?? 'rightsgraph:rc:',
    responseCacheMaxEntryBytes: intFrom(env, 'RESPONSE_CACHE_ENTRY_KB', 1024, 1, 512 * 1024) * 1024,
    // Off by default behind a pooler without a direct URL to listen on (see listenProblem).
    referenceCache: boolFrom(env, 'REFERENCE_CACHE', !(databasePooled && databaseListenUrl === databaseUrl)),
    // The same default, on the same grounds. 32 MB holds ~300 rankings of 2,000 cities (52 bytes a city).
    rankingCacheBytes:
      intFrom(env, 'RANKING_CACHE_MB', databasePooled && databaseListenUrl === databaseUrl ? 0 : 32, 0, 16_384) *
      1024 *
      1024,
    corsOrigins: originsFrom(env),
    // One thread fewer than the cores, at least one: the event loop keeps a core to answer the
    // other queries while the threads compute.
    computeThreads: intFrom(env, 'COMPUTE_THREADS', Math.max(1, os.availableParallelism() - 1), 1, 256),
  };
}
