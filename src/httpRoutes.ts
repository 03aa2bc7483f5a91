import type { ApolloServer } from '@apollo/server';
import express, { type RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { DataSource } from 'typeorm';
import type { DataChanges } from './cache/dataChanges';
import type { Config } from './config';
import { type Context, createContext } from './context';
import { corsPolicy } from './corsPolicy';
import { databaseAnswers, type DatabaseHealth } from './db/databaseHealth';
import { directRoute } from './directRoute';
import { graphqlHandler } from './graphqlHandler';
import { ErrorCode, requestError, serviceUnavailable } from './errors';
import { sendHttpError } from './httpErrors';
import { jsonBody } from './jsonBody';
import { jsonErrorHandler } from './jsonErrorHandler';
import type { Logger } from './logger';
import { ANONYMOUS, authenticate, authOf } from './modules/auth/apiKeys';
import { explorerRouter } from './modules/explorer/explorer.routes';
import { exportRouter } from './modules/export/export.routes';
import { importRouter } from './modules/ingest/import.routes';
import { refuseManyValues } from './modules/reference/variableLimits';
import { requestSignal } from './requestSignal';

export interface RouteDependencies {
  dataSource: DataSource;
  config: Config;
  apollo: ApolloServer<Context>;
  logger: Logger;
  health: DatabaseHealth;
  changes: DataChanges;
  /** The rate limiter of /graphql, /export and /imports. */
  limiter: RequestHandler;
}

/** A request id for every request: taken from a sane x-request-id (set by a proxy), else new. */
const requestId: RequestHandler = (req, res, next) => {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
  req.headers['x-request-id'] = id;
  res.setHeader('x-request-id', id);
  next();
};

/**
 * The routes, in the order they match: GraphQL at /graphql, /export, /imports, /healthz (the
 * process is up), /readyz (the database answers) and the explorer's pages; then a 404 and the
 * final error handler, so every error that leaves a route is written by `sendHttpError`.
 * Returns the server's request handler: the app, with POST /graphql taken past it.
 */
export function mountRoutes(
  app: express.Express,
  deps: RouteDependencies,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const { dataSource, config, apollo, limiter, health, changes } = deps;
  // Who is calling, looked up once per request (no query at all without a key) and read by
  // the rate limiter, the GraphQL context and POST /imports.
  const caller: RequestHandler = (req, res, next) => {
    const header = req.headers.authorization;
    // No key, no lookup: answered without a promise, as most requests are.
    if (!header) {
      res.locals.auth = ANONYMOUS;
      next();
      return;
    }
    authenticate(dataSource, header).then((auth) => {
      res.locals.auth = auth;
      next();
    }, next);
  };
  const graphqlCors = corsPolicy(config, ['GET', 'POST']);
  const graphql: RequestHandler[] = [
    limiter,
    jsonBody({ limit: 1024 * 1024, verify: refuseManyValues }),
    graphqlHandler(apollo, async (req, res) =>
      createContext(dataSource, config, authOf(res), req.headers['x-request-id'] as string, requestSignal(res)),
    ),
  ];
  const errors = jsonErrorHandler(config, deps.logger, health);
  app.use(requestId);
  app.use(['/graphql', '/export', '/imports'], caller);
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
  app.use('/graphql', graphqlCors);
  app.use('/export', corsPolicy(config, ['GET']));
  app.use(explorerRouter(config));
  app.use('/graphql', ...graphql);
  app.use('/export', limiter, exportRouter(dataSource, config));
  app.use(
    '/imports',
    limiter,
    (_req, res, next) => {
      // An import through this process: drop cached answers as soon as it has answered.
      res.on('finish', () => changes.changed());
      next();
    },
    importRouter(dataSource, config),
  );
  app.use((req, res) => {
    sendHttpError(res, requestError(ErrorCode.NOT_FOUND, `No route for ${req.method} ${req.path}`));
  });
  app.use(errors);
  // POST /graphql: the handlers the app runs for it, in its order (the explorer's routes before
  // them answer only GET), without Express (src/directRoute.ts); any other request, the app.
  const postGraphql = directRoute(app, [requestId, caller, graphqlCors, ...graphql], errors);
  return (req, res) => {
    if (req.method === 'POST' && req.url === '/graphql') postGraphql(req, res);
    else app(req, res);
  };
}
