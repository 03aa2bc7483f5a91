import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import type { ValidationRule } from 'graphql';
import { RedisStore } from 'rate-limit-redis';
import { createClient } from 'redis';
import type { Config } from './config';
import { ErrorCode } from './errors';
import { httpError, sendHttpError } from './httpErrors';
import type { Logger } from './logger';

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
 * Limits on the shape of a query, checked during validation, before anything runs: depth,
 * estimated cost, aliases, directives and tokens (graphql-armor). They stop a single request
 * from asking for cities -> commitments -> city -> commitments ... or for the same expensive
 * field under a thousand aliases. Rejections answer QUERY_TOO_COMPLEX.
 */
export function queryLimits(config: Config): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[] } {
  const armor = new ApolloArmor({
    maxDepth: { n: config.maxQueryDepth },
    costLimit: { maxCost: config.maxQueryCost },
    maxAliases: { n: config.maxAliases },
    maxDirectives: { n: 20 },
    // Tokens are limited by graphql-js's own parser (parseOptions in src/server.ts): armor's
    // token plugin re-parses the document and turns a syntax error into an HTTP 500.
    maxTokens: { enabled: false },
    // graphql-js hides "Did you mean ...?" hints itself (src/server.ts, hidesSuggestions), for
    // enum values and types too; armor's mask covered field names only and left "[Suggestion
    // hidden]?" behind.
    blockFieldSuggestion: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules };
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
): { middleware: RequestHandler; close(): Promise<void> } {
  let store: Store | undefined;
  let close = async () => undefined as void;
  if (config.redisUrl) {
    const client = createClient({ url: config.redisUrl });
    client.on('error', (error) => logger.warn({ err: error }, 'redis error (rate limits)'));
    void client.connect().catch((error: unknown) => logger.error({ err: error }, 'redis connection failed'));
    store = new RedisStore({ prefix: 'rightsgraph:rl:', sendCommand: (...args: string[]) => client.sendCommand(args) });
    close = async () => {
      if (client.isOpen) await client.quit();
    };
  }
  const middleware = rateLimit({
    windowMs: 60_000,
    limit: config.rateLimitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store,
    // When Redis is unreachable, serve rather than fail every request.
    passOnStoreError: true,
    // Counted under the key only when the key is real: otherwise inventing keys would give
    // a client as many buckets as it likes.
    keyGenerator: (req, res) => {
      const key = keyOf(res);
      return key ? `key:${key}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    handler: (_req, res, _next, options) => {
      sendHttpError(
        res,
        httpError(
          options.statusCode,
          `Too many requests: at most ${config.rateLimitPerMinute} a minute; retry after the time in Retry-After`,
          { code: ErrorCode.RATE_LIMITED },
        ),
      );
    },
  });
  return { middleware, close };
}
