import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import { type GraphQLFormattedError } from 'graphql';
import http from 'node:http';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { type Context, createContext } from './context';
import { ErrorCode } from './errors';
import { authenticate } from './modules/auth/apiKeys';
import { exportRouter } from './modules/export/export.routes';
import { importRouter } from './modules/ingest/import.routes';
import { buildAppSchema } from './schema';

export interface AppServer {
  app: express.Express;
  httpServer: http.Server;
  apollo: ApolloServer<Context>;
  /** Stops accepting requests, lets in-flight ones finish, and stops Apollo. */
  stop(): Promise<void>;
}

/**
 * In production an unexpected error's message may carry SQL text or internal paths: clients
 * get a generic message and the code, the server log gets the detail.
 */
export function formatError(config: Config) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (code === ErrorCode.INTERNAL_SERVER_ERROR || code === undefined) {
      process.stderr.write(
        `[graphql] unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      if (config.isProduction) {
        return {
          message: 'Internal server error',
          locations: formatted.locations,
          path: formatted.path,
          extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
        };
      }
    }
    const validation = formatted.extensions?.validationErrors;
    if (Array.isArray(validation)) return { ...formatted, ...describeValidationErrors(validation) };
    return formatted;
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

/** The HTTP status an error thrown into Express asks for (http-errors, body-parser), else 500. */
function httpStatusOf(error: unknown): number {
  const candidate = error as { status?: unknown; statusCode?: unknown } | null;
  const status = candidate?.status ?? candidate?.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 600 ? status : 500;
}

function httpErrorCode(status: number): string {
  if (status === 404) return ErrorCode.NOT_FOUND;
  if (status === 413) return ErrorCode.PAYLOAD_TOO_LARGE;
  if (status === 415) return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
  return status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_SERVER_ERROR;
}

function sendHttpError(res: express.Response, status: number, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code: httpErrorCode(status) } }] });
}

/**
 * The last handler: errors that never reach Apollo (a malformed JSON body, a body over the
 * limit, an unsupported charset) get the GraphQL error shape and their own 4xx status instead
 * of Express's default HTML page, which prints the stack trace whenever NODE_ENV is not
 * 'production'. A client error's message is meant for the client (http-errors marks it
 * `expose`); an unexpected error's message may carry internals, so production hides it.
 */
export function jsonErrorHandler(config: Config): express.ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = httpStatusOf(error);
    const detail = error instanceof Error ? error.message : String(error);
    const marks = error as { expose?: unknown; type?: unknown } | null | undefined;
    if (status < 500 && marks?.expose === true) {
      const malformedJson = marks.type === 'entity.parse.failed';
      sendHttpError(res, status, malformedJson ? `Request body is not valid JSON: ${detail}` : detail);
      return;
    }
    if (status >= 500) {
      process.stderr.write(
        `[http] unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    const generic = status >= 500 ? 'Internal server error' : (http.STATUS_CODES[status] ?? 'Bad request');
    sendHttpError(res, status, config.isProduction ? generic : detail);
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
): Promise<AppServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<Context>({
    schema: await buildAppSchema(),
    formatError: formatError(config),
    includeStacktraceInErrorResponses: !config.isProduction,
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
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ...plugins],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await databaseAnswers(dataSource, 2000);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'database unavailable' });
  });
  app.use(
    '/graphql',
    cors<cors.CorsRequest>(),
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        createContext(dataSource, config, await authenticate(dataSource, req.headers.authorization)),
    }),
  );
  app.use('/export', exportRouter(dataSource, config));
  app.use('/imports', importRouter(dataSource, config));
  app.use((req, res) => {
    sendHttpError(res, 404, `No route for ${req.method} ${req.path}`);
  });
  app.use(jsonErrorHandler(config));

  return {
    app,
    httpServer,
    apollo,
    async stop() {
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
