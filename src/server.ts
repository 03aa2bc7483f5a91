import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { randomUUID } from 'node:crypto';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import http from 'node:http';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { corsPolicy } from './corsPolicy';
import { type Context, createContext } from './context';
import { ErrorCode } from './errors';
import { DatabaseHealth } from './db/databaseHealth';
import { postgresAnswers } from './db/scratchDatabase';
import { drainHttpServer } from './httpDrain';
import {
  codeOfStatus,
  httpError,
  httpStatusOf,
  RETRY_AFTER_SECONDS,
  sendHttpError,
  serviceUnavailable,
} from './httpErrors';
import { isQueryLimitError, queryLimits, rateLimiter } from './limits';
import { createLogger, type Logger } from './logger';
import { authenticate, authOf } from './modules/auth/apiKeys';
import { explorerRouter } from './modules/explorer/explorer.routes';
import { exportRouter } from './modules/export/export.routes';
import { importRouter } from './modules/ingest/import.routes';
import { buildAppSchema } from './schema';
import { DataChanges, type EmbeddedWriters } from './cache/dataChanges';
import type { EmbeddedPostgres } from './db/embedded';
import { responseCachePlugin } from './cache/responseCache';
import { documentStore } from './cache/documentStore';
import { responseNotesPlugin } from './modules/reference/responseNotes';
import { refuseManyValues, variableLimitsPlugin } from './modules/reference/variableLimits';

export interface AppServer {
  app: express.Express;
  httpServer: http.Server;
  apollo: ApolloServer<Context>;
  /** Stops accepting requests, lets in-flight ones finish, and stops Apollo. */
  stop(): Promise<void>;
}

/** Codes and conditions under which the database, not the request, is at fault. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03']);

/**
 * The error and what it wraps. graphql-js wraps a thrown value that is not an `Error` of its own
 * realm in NonErrorThrown (`thrownValue`): a plain object rejection, or a Node core error seen
 * from another realm (Jest's sandbox gets ECONNREFUSED that way).
 */
function causes(error: unknown): { code?: unknown; message?: unknown; name?: unknown }[] {
  const chain: { code?: unknown; message?: unknown; name?: unknown }[] = [];
  let current = error as {
    originalError?: unknown;
    driverError?: unknown;
    cause?: unknown;
    thrownValue?: unknown;
  } | null;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth += 1) {
    chain.push(current as { code?: unknown; message?: unknown; name?: unknown });
    current = (current.originalError ??
      current.driverError ??
      current.cause ??
      current.thrownValue ??
      null) as typeof current;
  }
  return chain;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some(
    (e) =>
      (typeof e.code === 'string' && (UNAVAILABLE_CODES.has(e.code) || e.code.startsWith('08'))) ||
      // TypeORM releases a transaction's query runner when its connection fails (the import, a
      // curation write); the transaction's next statement then says so instead of the cause.
      e.name === 'QueryRunnerAlreadyReleasedError' ||
      (typeof e.message === 'string' &&
        /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/.test(
          e.message,
        )),
  );
}

function isStatementTimeout(error: unknown): boolean {
  return causes(error).some((e) => e.code === '57014');
}

/**
 * Postgres refuses a NUL character in any text value (22021, character_not_in_repertoire). Only
 * a client sends one, in a slug, a code or a cursor, so it is the client's error, not a 500.
 */
function isUnstorableText(error: unknown): boolean {
  return causes(error).some((e) => e.code === '22021');
}

/**
 * graphql-js's hints ("Did you mean "code"?", "Did you mean the enum value "ASC"?", "Did you
 * mean to use an inline fragment on ...?") end a message; the data suggestions of this API
 * ("; did you mean "homicide-rate"?") are lower case and stay.
 */
const SCHEMA_SUGGESTION = / Did you mean [\s\S]*\?$/;

/**
 * Whether "Did you mean ...?" hints, which spell out the schema's field, argument, type and enum
 * value names, are kept out of answers: with introspection off, and always in production.
 */
export function hidesSuggestions(config: Config): boolean {
  return !config.introspection || config.isProduction;
}

/**
 * Apollo's own request errors (an APQ hash that does not match, an unsupported APQ version) carry
 * a 4xx in `extensions.http` but no code, so Apollo reports them as INTERNAL_SERVER_ERROR, and
 * production then masked them as "Internal server error".
 */
function isRequestError(error: unknown): boolean {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Gives every error a code a client can act on, and in production never lets an unexpected
 * error's message (which may carry SQL text or internal paths) reach the client: the server
 * log has the detail, under the request id the client also receives.
 */
export function formatError(config: Config) {
  const hideSuggestions = hidesSuggestions(config);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Validation hides them at the source (validationOptions); variable coercion during
    // execution has no such switch in Apollo, so they are cut here.
    if (hideSuggestions) formatted = withoutSuggestions(formatted);
    const base = { locations: formatted.locations, path: formatted.path };
    if (isQueryLimitError(error)) {
      return { ...formatted, extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } };
    }
    if (isDatabaseUnavailable(error)) {
      return {
        ...base,
        message: 'The database is unavailable; try again shortly',
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      };
    }
    if (isUnstorableText(error)) {
      return {
        ...base,
        message: 'A string argument contains a character no value can hold (NUL, U+0000)',
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      };
    }
    if (isStatementTimeout(error)) {
      return {
        ...base,
        message: `The query took longer than ${config.statementTimeoutMs} ms and was stopped; narrow it down`,
        extensions: { code: ErrorCode.TIMEOUT },
      };
    }
    const code = formatted.extensions?.code;
    if ((code === ErrorCode.INTERNAL_SERVER_ERROR || code === undefined) && isRequestError(error)) {
      return { ...formatted, extensions: { ...formatted.extensions, code: codeOfStatus(httpStatusOf(error)) } };
    }
    if ((code === ErrorCode.INTERNAL_SERVER_ERROR || code === undefined) && config.isProduction) {
      return { ...base, message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
    const validation = formatted.extensions?.validationErrors;
    if (Array.isArray(validation)) return { ...formatted, ...describeValidationErrors(validation) };
    return formatted;
  };
}

function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const stacktrace = formatted.extensions?.stacktrace;
  return {
    ...formatted,
    message: formatted.message.replace(SCHEMA_SUGGESTION, ''),
    ...(Array.isArray(stacktrace)
      ? {
          extensions: {
            ...formatted.extensions,
            stacktrace: stacktrace.map((line) => String(line).replace(SCHEMA_SUGGESTION, '')),
          },
        }
      : {}),
  };
}

/**
 * Logs the errors that are the server's fault, as structured JSON with the request id, and
 * hands that id to the client in every error's extensions so a report can be matched to the
 * log. The database being down is logged once per outage (DatabaseHealth), and answers 503 with
 * Retry-After, as the HTTP routes do.
 */
function errorLogging(logger: Logger, health: DatabaseHealth): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, request }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (code !== undefined && code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
            if (isUnstorableText(error) || isRequestError(error)) continue;
            if (isDatabaseUnavailable(error)) {
              health.failed(error.originalError ?? error);
            } else {
              logger.error(
                {
                  requestId: contextValue.requestId,
                  operation: request.operationName,
                  err: error.originalError ?? error,
                },
                'unexpected error',
              );
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          let unavailable = false;
          for (const error of response.body.singleResult.errors ?? []) {
            (error as { extensions: Record<string, unknown> }).extensions = {
              ...error.extensions,
              requestId: contextValue.requestId,
            };
            if (error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE) unavailable = true;
          }
          if (unavailable) {
            response.http.status = 503;
            response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
          }
        },
      };
    },
  };
}

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/**
 * class-validator's errors, as type-graphql reports them, carry the whole input object
 * (`target`); clients get a message naming each bad field and a compact list instead.
 */
function describeValidationErrors(
  errors: ValidationErrorLike[],
): Pick<GraphQLFormattedError, 'message' | 'extensions'> {
  const fields: { field: string; problems: string[] }[] = [];
  const walk = (list: ValidationErrorLike[], prefix: string) => {
    for (const e of list) {
      const field = `${prefix}${e.property}`;
      if (e.constraints) fields.push({ field, problems: Object.values(e.constraints) });
      if (e.children?.length) walk(e.children, `${field}.`);
    }
  };
  walk(errors, '');
  return {
    message: `Invalid input: ${fields.map((f) => f.problems.join('; ')).join('; ')}`,
    extensions: { code: ErrorCode.BAD_USER_INPUT, fields },
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
 * The last handler: errors that never reach Apollo (a malformed JSON body, a body over the
 * limit, an unsupported charset) get the GraphQL error shape and their own 4xx status instead
 * of Express's default HTML page, which prints the stack trace whenever NODE_ENV is not
 * 'production'. A client error's message is meant for the client (http-errors marks it
 * `expose`); an unexpected error's message may carry internals, so production hides it.
 */
export function jsonErrorHandler(
  config: Config,
  logger: Logger = createLogger('silent'),
  health?: DatabaseHealth,
): express.ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    // A key lookup, an export or an import that found the database gone: the same answer as
    // GraphQL gives, whichever route the request took.
    if (isDatabaseUnavailable(error)) {
      health?.failed(error);
      sendHttpError(res, serviceUnavailable());
      return;
    }
    if (error instanceof GraphQLError && typeof error.extensions.code === 'string') {
      sendHttpError(res, error);
      return;
    }
    const status = httpStatusOf(error);
    const detail = error instanceof Error ? error.message : String(error);
    const marks = error as { expose?: unknown; type?: unknown } | null | undefined;
    if (status < 500 && marks?.expose === true) {
      const malformedJson = marks.type === 'entity.parse.failed';
      sendHttpError(res, httpError(status, malformedJson ? `Request body is not valid JSON: ${detail}` : detail));
      return;
    }
    if (status >= 500) logger.error({ requestId: req.headers['x-request-id'], err: error }, 'unexpected HTTP error');
    const generic = status >= 500 ? 'Internal server error' : (http.STATUS_CODES[status] ?? 'Bad request');
    sendHttpError(res, httpError(status, config.isProduction ? generic : detail));
  };
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
 * The HTTP app: GraphQL at /graphql, /healthz (the process is up) and /readyz (the database
 * answers). Tests build the same server and reach it with `apollo.executeOperation` or HTTP.
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
  const httpServer = http.createServer(app);
  const limits = queryLimits(config);
  // With DATABASE_URL other processes may write too: listen for their changes. Embedded PGlite
  // is reached by other processes only through this process's socket (see DataChanges).
  const changes = new DataChanges(
    config.databaseUrl ?? null,
    logger,
    options.embedded ? embeddedWriters(options.embedded, dataSource) : undefined,
  );
  const cache =
    config.responseCacheBytes > 0
      ? [
          responseCachePlugin(changes, {
            maxBytes: config.responseCacheBytes,
            ttlMs: config.responseCacheTtlMs,
            // A waiting request gives up when the one it waits for would have timed out.
            waitMs: config.statementTimeoutMs || 60_000,
          }),
        ]
      : [];
  if (cache.length > 0) await changes.start();
  // The probe asks on a connection of its own: the pool's may be ones the database closed.
  const databaseUrl = (dataSource.options as { url?: string }).url;
  const health = new DatabaseHealth(
    () => (databaseUrl ? postgresAnswers(databaseUrl, 2000) : databaseAnswers(dataSource, 2000)),
    logger,
  );
  const hideSuggestions = hidesSuggestions(config);
  const apollo = new ApolloServer<Context>({
    schema: await buildAppSchema(),
    formatError: formatError(config),
    includeStacktraceInErrorResponses: !config.isProduction,
    introspection: config.introspection,
    validationRules: limits.validationRules,
    validationOptions: { hideSuggestions },
    parseOptions: { maxTokens: config.maxQueryTokens },
    // Bounded by the heap its documents take, not Apollo's default of 30 MiB of their JSON
    // (about 125 MB of heap): varied query texts grew the server's memory (src/cache/documentStore.ts).
    documentStore: documentStore(),
    // One operation per request: batching would multiply every other limit.
    allowBatchedHttpRequests: false,
    // src/index.ts owns SIGTERM/SIGINT (drain HTTP, then close the pool and PGlite). Apollo's own
    // handler would race it, stopping twice and never reaching process.exit.
    stopOnTerminationSignals: false,
    // Apollo's default, stated so nobody turns it off to please an audit. A browser sends a
    // "simple" request (a GET, a form or text/plain POST) cross-site without a CORS preflight:
    // CORS only stops the page reading the answer, the operation still runs with the visitor's
    // cookies and network position. Apollo refuses whatever could be simple, so a client sends
    // `content-type: application/json` or, on GET, a non-empty `apollo-require-preflight` (or
    // `x-apollo-operation-name`) header. graphql-http's MAY audits of header-less GETs fail
    // for this reason; every MUST audit passes (test/integration/http.test.ts).
    // https://www.apollographql.com/docs/apollo-server/security/cors#preventing-cross-site-request-forgery-csrf
    csrfPrevention: true,
    plugins: [
      drainHttpServer(httpServer, config.shutdownTimeoutMs),
      // Apollo installs its cache-control plugin by default, which wraps every field resolver to
      // read @cacheControl hints this schema does not have: 1.5 ms of CPU per 2,900-point
      // compare answer, and nothing reads its Cache-Control header here (src/cache/ decides).
      ApolloServerPluginCacheControlDisabled(),
      ...(limits.plugins as ApolloServerPlugin<Context>[]),
      errorLogging(logger, health),
      responseNotesPlugin(),
      variableLimitsPlugin(),
      ...(config.landingPage ? [] : [ApolloServerPluginLandingPageDisabled()]),
      ...cache,
      ...plugins,
    ],
  });
  await apollo.start();

  // A request id for every request: taken from a sane x-request-id (set by a proxy), else new.
  app.use((req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
    req.headers['x-request-id'] = id;
    res.setHeader('x-request-id', id);
    next();
  });
  // Who is calling, looked up once per request (no query at all without a key) and read by
  // the rate limiter, the GraphQL context and POST /imports.
  app.use(['/graphql', '/export', '/imports'], async (req, res, next) => {
    try {
      res.locals.auth = await authenticate(dataSource, req.headers.authorization);
      next();
    } catch (error) {
      next(error);
    }
  });
  const limiter = rateLimiter(config, logger, (res) => {
    const auth = authOf(res);
    return auth.kind === 'key' ? String(auth.keyId) : null;
  });
  // With REDIS_URL, the first requests are counted in Redis, not in process while it connects.
  await limiter.ready;
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (await databaseAnswers(dataSource, 2000)) {
      health.succeeded();
      res.json({ status: 'ready' });
      return;
    }
    health.failed(new Error('/readyz: SELECT 1 failed or took over 2 s'));
    sendHttpError(res, serviceUnavailable(), { status: 'database unavailable' });
  });
  // Before the explorer's GET /graphql, which would answer the preflight without CORS headers.
  app.use('/graphql', corsPolicy(config, ['GET', 'POST']));
  app.use('/export', corsPolicy(config, ['GET']));
  app.use(explorerRouter(config));
  app.use(
    '/graphql',
    limiter.middleware,
    express.json({ limit: '1mb', verify: refuseManyValues }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        createContext(dataSource, config, authOf(res), req.headers['x-request-id'] as string),
    }),
  );
  app.use('/export', limiter.middleware, exportRouter(dataSource, config));
  app.use(
    '/imports',
    limiter.middleware,
    (_req, res, next) => {
      // An import through this process: drop cached answers as soon as it has answered.
      res.on('finish', () => changes.changed());
      next();
    },
    importRouter(dataSource, config),
  );
  app.use((req, res) => {
    sendHttpError(res, httpError(404, `No route for ${req.method} ${req.path}`));
  });
  app.use(jsonErrorHandler(config, logger, health));

  return {
    app,
    httpServer,
    apollo,
    async stop() {
      await apollo.stop();
      health.stop();
      await changes.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await limiter.close();
    },
  };
}
