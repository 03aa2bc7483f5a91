import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { ValidationRule } from 'graphql';
import { createClient } from 'redis';
import type { Config } from './config';
import { ErrorCode, requestError } from './errors';
import { sendHttpError } from './httpErrors';
import type { Logger } from './logger';
import { BreakerRedisStore } from './rateLimitStore';

/**
 * Whether an error comes from a query-shape limit: graphql-armor's rules (depth, cost,
 * aliases, directives) and graphql-js's token limit. They report plain validation or syntax
 * errors, so they are recognised by their (fixed) messages.
 */
const LIMIT_MESSAGE =
  /^Syntax Error: (Query depth limit of \d+ exceeded|Query Cost limit of \d+ exceeded|Aliases limit of \d+ exceeded|Directives limit of \d+ exceeded|Document contains more tha[nt] \d+ tokens)/; // sic: graphql-js 16 says "more that"

export function isQueryLimitError(error: unknown): boolean {
  return LIMIT_MESSAGE.test((error as { message?: unknown })?.message?.toString() ?? '');
}

/**
 * Limits on the shape of a query, checked before anything runs: depth, estimated cost, aliases
 * and directives during validation (graphql-armor), tokens while parsing (graphql-js, given
 * `parseOptions`). They stop a single request from asking for cities -> commitments -> city ->
 * commitments ... or for the same expensive field under a thousand aliases. Rejections answer
 * QUERY_TOO_COMPLEX.
 */
export function queryLimits(config: Config): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  const armor = new ApolloArmor({
    maxDepth: { n: config.maxQueryDepth },
    costLimit: { maxCost: config.maxQueryCost },
    maxAliases: { n: config.maxAliases },
    maxDirectives: { n: 20 },
    // Tokens are limited by graphql-js's own parser (`parseOptions`, which Apollo's parse takes):
    // armor's token plugin re-parses every document and turns a syntax error into an HTTP 500.
    maxTokens: { enabled: false },
    // graphql-js hides "Did you mean ...?" hints itself (src/formatError.ts, hidesSuggestions),
    // for enum values and types too; armor's mask covered field names only and left
    // "[Suggestion hidden]?" behind.
    blockFieldSuggestion: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  return {
    plugins,
    validationRules,
    parseOptions: { maxTokens: config.maxQueryTokens },
  };
}

/**
 * Requests per minute per API key (its prefix) or, without one, per client address. With
 * REDIS_URL the counts live in Redis, so several instances behind a load balancer share them;
 * without it each instance counts alone. Over the limit: 429, a Retry-After header and a
 * RATE_LIMITED error in the GraphQL error shape.
 */
export function rateLimiter(
  config: Config,
  logger: Logger,
  keyOf: (res: Response) => string | null,
): { middleware: RequestHandler; ready: Promise<void>; close(): Promise<void> } {
  let store: BreakerRedisStore | undefined;
  let close = async () => undefined as void;
  if (config.redisUrl) {
    const client = createClient({
      url: config.redisUrl,
      // Commands fail at once while disconnected instead of queueing until Redis is back (which
      // made every request wait); the breaker in BreakerRedisStore takes it from there.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 1000,
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
      },
    });
    // Every failed reconnection emits an error; BreakerRedisStore logs the outage once instead.
    client.on('error', () => undefined);
    void client.connect().catch(() => undefined);
    store = new BreakerRedisStore(client, logger, 'rightsgraph:rl:');
    close = async () => {
      // Never waits on an unreachable Redis: SIGTERM must get to its "stopped" line.
      if (client.isReady) await Promise.race([client.close(), new Promise((r) => setTimeout(r, 500).unref())]);
      if (client.isOpen) client.destroy();
    };
  }
  const middleware = rateLimit({
    windowMs: 60_000,
    limit: config.rateLimitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store,
    // BreakerRedisStore falls back to counting in process; should even that fail, serve rather
    // than fail every request.
    passOnStoreError: true,
    // Counted under the key only when the key is real: otherwise inventing keys would give
    // a client as many buckets as it likes.
    keyGenerator: (req, res) => {
      const key = keyOf(res);
      return key ? `key:${key}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    handler: (_req, res) => {
      sendHttpError(
        res,
        requestError(
          ErrorCode.RATE_LIMITED,
          `Too many requests: at most ${config.rateLimitPerMinute} a minute; retry after the time in Retry-After`,
        ),
      );
    },
  });
  return { middleware, ready: store?.ready ?? Promise.resolve(), close };
}
