import type express from 'express';
import { GraphQLError } from 'graphql';
import http from 'node:http';
import type { Config } from './config';
import type { DatabaseHealth } from './db/databaseHealth';
import { databaseFailure } from './errorCauses';
import { ErrorCode, httpError, httpStatusOf } from './errors';
import { sendHttpError } from './httpErrors';
import { createLogger, type Logger } from './logger';

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
    // A key lookup, an export or an import that found the database gone, timed out, or was sent
    // a NUL: the same answer as GraphQL gives, whichever route the request took.
    const failure = databaseFailure(error, config.statementTimeoutMs);
    if (failure) {
      if (failure.extensions.code === ErrorCode.SERVICE_UNAVAILABLE) health?.failed(error);
      if (failure.extensions.code === ErrorCode.TIMEOUT) {
        logger.error({ requestId: req.headers['x-request-id'], err: error }, 'unexpected HTTP error');
      }
      sendHttpError(res, failure);
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
