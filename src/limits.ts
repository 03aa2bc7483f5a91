import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { Parser } from 'graphql/language/parser';
import type { Config } from './config';
import { causes } from './errorCauses';
import { ErrorCode, requestError } from './errors';
import { sendHttpError } from './httpErrors';
import type { Logger } from './logger';
import { rateLimit } from './rateLimit';
import { BreakerRedisStore } from './rateLimitStore';
import { connectRedis } from './redisClient';

/**
 * The errors with which the limits refused a query, known by identity: graphql-armor hands each
 * rejection to `onReject`, and graphql-js's parser counts the tokens it read. Their messages are
 * for people (and graphql-js 16's says "more that"); the code never depends on them.
 */
const rejections = new WeakSet<object>();

/** Whether an error is, or wraps (as Apollo's ValidationError and SyntaxError do), a limit's refusal. */
export function isQueryLimitError(error: unknown): boolean {
  return causes(error).some((cause) => rejections.has(cause));
}

/**
 * armor's `onReject`: reports the refusal as a validation error of its own (what armor's Apollo
 * default does, with BAD_USER_INPUT), remembered so formatError answers QUERY_TOO_COMPLEX.
 */
function reportRejection(context: ValidationContext | null, rejection: GraphQLError): void {
  const refusal = new GraphQLError(rejection.message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } });
  rejections.add(refusal);
  context?.reportError(refusal);
}

/** The armor options every limit shares: refuse through `reportRejection`, never by throwing. */
const REJECT = { onReject: [reportRejection], propagateOnRejection: false };

/**
 * Whether a document that failed to parse failed on the token limit: parsed again with the same
 * limit, the parser has then counted one token over it (a syntax error earlier stops it short).
 * Only documents that failed to parse are read twice, and no further than the limit.
 */
export function exceedsTokenLimit(source: string, maxTokens: number): boolean {
  const parser = new Parser(source, { maxTokens });
  try {
    parser.parseDocument();
  } catch {
    // The error is the one Apollo already has; only the count is wanted here.
  }
  return parser.tokenCount > maxTokens;
}

/** Marks the parser's refusal of a document over `maxTokens` tokens as a limit's. */
function tokenLimitPlugin(maxTokens: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async parsingDidStart({ source }) {
          return async (error) => {
            if (error && exceedsTokenLimit(source, maxTokens)) rejections.add(error);
          };
        },
      };
    },
  };
}

/**
 * Limits on the shape of a query, checked before anything runs: depth, estimated cost, aliases
 * and directives during validation (graphql-armor), tokens while parsing (graphql-js, given
 * `parseOptions`). They stop a single request from asking for cities -> commitments -> city ->
 * commitments ... or for the same expensive field under a thousand aliases. Rejections answer
 * QUERY_TOO_COMPLEX. `exposeLimits: false` is armor's option for messages that do not state the
 * limit; tests use it to show that the code does not come from the text.
 */
export function queryLimits(
  config: Config,
  { exposeLimits = true }: { exposeLimits?: boolean } = {},
): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[]; parseOptions: { maxTokens: number } } {
  const armor = new ApolloArmor({
    maxDepth: { n: config.maxQueryDepth, exposeLimits, ...REJECT },
    costLimit: { maxCost: config.maxQueryCost, exposeLimits, ...REJECT },
    maxAliases: { n: config.maxAliases, exposeLimits, ...REJECT },
    maxDirectives: { n: 20, exposeLimits, ...REJECT },
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
    plugins: [...plugins, tokenLimitPlugin(config.maxQueryTokens)],
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
  let closeRedis = async () => undefined as void;
  if (config.redisUrl) {
    const redis = connectRedis(config.redisUrl);
    store = new BreakerRedisStore(redis.client, logger, 'rightsgraph:rl:');
    closeRedis = redis.close;
  }
  const middleware = rateLimit({
    limit: config.rateLimitPerMinute,
    // Counted under the key only when the key is real: otherwise inventing keys would give
    // a client as many buckets as it likes.
    keyOf: (req, res) => {
      const key = keyOf(res);
      return key ? `key:${key}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    refuse: (res) => {
      sendHttpError(
        res,
        requestError(
          ErrorCode.RATE_LIMITED,
          `Too many requests: at most ${config.rateLimitPerMinute} a minute; retry after the time in Retry-After`,
        ),
      );
    },
    shared: store,
    // BreakerRedisStore falls back to counting in process; should even that fail, serve rather
    // than fail every request.
    onSharedError: (error) => logger.error({ err: error }, 'rate limit: counting failed, request served uncounted'),
  });
  return {
    middleware,
    ready: store?.init() ?? Promise.resolve(),
    async close() {
      middleware.close();
      store?.shutdown();
      await closeRedis();
    },
  };
}
