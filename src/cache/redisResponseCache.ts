import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import { createHash, randomUUID } from 'node:crypto';
import type { Context } from '../context';
import type { Logger } from '../logger';
import { REDIS_COMMAND_TIMEOUT_MS } from '../rateLimitStore';
import { withTimeout } from '../redisClient';
import type { DataChanges } from './dataChanges';
import { CACHE_HEADER, cacheable, requestKey } from './responseCache';

/** The part of a node-redis client the shared cache uses. */
export interface RedisCommands {
  readonly isReady: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: 'ready', listener: () => void): unknown;
}

export interface RedisResponseCacheOptions {
  redis: RedisCommands;
  /** Prefix of every key, e.g. `rightsgraph:rc:`. */
  prefix: string;
  ttlMs: number;
  /** The largest answer stored, in bytes of JSON. */
  maxEntryBytes: number;
  /** The newest release the database holds, which every answer without `asOf` is computed from. */
  currentRelease(): Promise<number>;
  logger: Logger;
}

/** After a failure, how long before this instance tries to make the cache usable again. */
const RETRY_MS = 1000;

const withRedisTimeout = <T>(work: Promise<T>): Promise<T> => withTimeout(work, REDIS_COMMAND_TIMEOUT_MS);

/**
 * The response cache shared by every instance through Redis (RESPONSE_CACHE=redis).
 *
 * An answer is stored under `<prefix>r<release>:<token>:<sha256 of the request key>`, the
 * request key being the in-process cache's (stripped text, operation name, variables):
 * - `release` is the newest release, read from the database whenever this instance hears of a
 *   change, so a new release makes every older entry unreachable;
 * - `token` is a random value kept in Redis at `<prefix>token` and replaced by every instance
 *   that hears of a change (the same LISTEN/NOTIFY as the in-process cache), and on every
 *   (re)connection to Redis. It covers what changes data without a release (a curator
 *   renaming a city or an indicator) and whatever happened while nobody could tell Redis. It is
 *   random rather than a counter, so an evicted or flushed token never brings old entries back.
 *
 * An instance answers from the cache only once it has replaced the token itself for the
 * newest change it heard of, and keys an answer by what it read before computing it: an
 * answer computed from older data is stored under a key nobody reads any more. With N
 * instances one change replaces the token N times within milliseconds; a few extra misses.
 *
 * Bounded: entries expire after ttlMs and answers over maxEntryBytes are not stored; Redis's
 * own maxmemory bounds the total (docs/scaling.md). Redis down or slow (a command over
 * REDIS_COMMAND_TIMEOUT_MS): the answer is computed as without a cache, the outage is logged
 * once, and the cache is used again after the next token replacement succeeds.
 */
export function redisResponseCachePlugin(changes: DataChanges, options: RedisResponseCacheOptions) {
  const { redis, prefix, logger } = options;
  const tokenKey = `${prefix}token`;
  /** The release this instance read for `generation`, once it has replaced the token for it. */
  let ready: { generation: number; release: number } | null = null;
  let renewing: Promise<void> | null = null;
  let notBefore = 0;
  let down = false;

  const failed = (error: unknown) => {
    ready = null;
    notBefore = Date.now() + RETRY_MS;
    if (down) return;
    down = true;
    logger.warn({ err: error }, 'response cache: redis unavailable; computing every answer until it is back');
  };

  /** Reads the release and replaces the token, again while changes keep arriving meanwhile. */
  const renew = (): Promise<void> => {
    renewing ??= (async () => {
      for (;;) {
        const generation = changes.generation;
        try {
          const release = await options.currentRelease();
          await withRedisTimeout(redis.sendCommand(['SET', tokenKey, randomUUID()]));
          if (changes.generation !== generation) continue;
          ready = { generation, release };
          if (down) logger.info('response cache: redis available again');
          down = false;
        } catch (error) {
          failed(error);
        }
        return;
      }
    })().finally(() => (renewing = null));
    return renewing;
  };

  changes.subscribe(() => {
    ready = null;
    void renew();
  });
  redis.on('ready', () => {
    ready = null;
    void renew();
  });

  /** The key prefix to use now, or null when the cache cannot vouch for an answer. */
  const current = async (): Promise<string | null> => {
    if (!changes.trusted) return null;
    if (!redis.isReady) {
      failed(new Error('redis is not connected'));
      return null;
    }
    if (ready?.generation !== changes.generation) {
      if (Date.now() >= notBefore) void renew();
      return null;
    }
    const release = ready.release;
    const token = await withRedisTimeout(redis.sendCommand(['GET', tokenKey]));
    if (typeof token !== 'string') {
      // Evicted or flushed: whatever is stored is of unknown age; start afresh.
      ready = null;
      void renew();
      return null;
    }
    return `${prefix}r${release}:${token}:`;
  };

  /** Settles once the cache is usable, or after waitMs (Redis down: the server starts anyway). */
  const usable = async (waitMs: number): Promise<void> => {
    const deadline = Date.now() + waitMs;
    while (ready?.generation !== changes.generation && Date.now() < deadline) {
      if (redis.isReady) await renew();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (!redis.isReady) failed(new Error(`redis is not connected ${waitMs} ms after start`));
  };

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      let key: string | null = null;
      let generation = -1;
      let status: 'HIT' | 'MISS' | 'BYPASS' = 'BYPASS';
      return {
        async responseForOperation({ operation, request, queryHash, contextValue }) {
          if (!cacheable(operation, contextValue)) return null;
          const requestText = requestKey(request, queryHash);
          if (requestText === null) return null;
          generation = changes.generation;
          try {
            const version = await current();
            if (version === null) return null;
            key = version + createHash('sha256').update(requestText).digest('base64url');
            const stored = await withRedisTimeout(redis.sendCommand(['GET', key]));
            if (typeof stored === 'string') {
              status = 'HIT';
              return {
                http: { status: undefined, headers: new HeaderMap() },
                body: { kind: 'single', singleResult: JSON.parse(stored) as FormattedExecutionResult },
              };
            }
            status = 'MISS';
          } catch (error) {
            key = null;
            failed(error);
          }
          return null;
        },
        async willSendResponse({ response, operation }) {
          if (operation?.operation === 'mutation') changes.changed();
          response.http.headers.set(CACHE_HEADER, status);
          if (status !== 'MISS' || key === null || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors?.length || !changes.trusted || changes.generation !== generation) return;
          const json = JSON.stringify(result);
          if (Buffer.byteLength(json) > options.maxEntryBytes) return;
          try {
            await withRedisTimeout(redis.sendCommand(['SET', key, json, 'PX', String(options.ttlMs)]));
          } catch (error) {
            failed(error);
          }
        },
      };
    },
  };
  return { plugin, usable };
}
