import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type http from 'node:http';
import { documentStore } from './cache/documentStore';
import type { Config } from './config';
import type { Context } from './context';
import type { DatabaseHealth } from './db/databaseHealth';
import { errorLogging } from './errorLogging';
import { formatError, hidesSuggestions } from './formatError';
import { drainHttpServer } from './httpDrain';
import { queryLimits } from './limits';
import type { Logger } from './logger';
import { responseNotesPlugin } from './modules/reference/responseNotes';
import { variableLimitsPlugin } from './modules/reference/variableLimits';
import { buildAppSchema } from './schema';

/**
 * Apollo with this API's schema, limits, error formatting and plugins, in the order they run.
 * `plugins` come last (the response cache, a test's own); the caller starts and stops it.
 */
export async function createApolloServer(
  httpServer: http.Server,
  config: Config,
  { logger, health, plugins }: { logger: Logger; health: DatabaseHealth; plugins: ApolloServerPlugin<Context>[] },
): Promise<ApolloServer<Context>> {
  const limits = queryLimits(config);
  return new ApolloServer<Context>({
    schema: await buildAppSchema(),
    formatError: formatError(config),
    includeStacktraceInErrorResponses: !config.isProduction,
    introspection: config.introspection,
    validationRules: limits.validationRules,
    validationOptions: { hideSuggestions: hidesSuggestions(config) },
    parseOptions: limits.parseOptions,
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
      ...plugins,
    ],
  });
}
