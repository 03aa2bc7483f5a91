import { HeaderMap } from '@apollo/server';
import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import { ErrorCode } from './errors';

/**
 * How long a client should wait before retrying while the database is down: long enough not to
 * hammer a restarting Postgres, short enough that a client is back within seconds of it.
 */
export const RETRY_AFTER_SECONDS = 5;

/** The status each code answers with over HTTP, when the error does not say otherwise. */
const STATUS_OF_CODE: Record<string, number> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.BAD_REQUEST]: 400,
  [ErrorCode.QUERY_TOO_COMPLEX]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

/** The code a bare HTTP status stands for (a body-parser error, a missing route). */
export function codeOfStatus(status: number): string {
  if (status === 401) return ErrorCode.UNAUTHENTICATED;
  if (status === 403) return ErrorCode.FORBIDDEN;
  if (status === 404) return ErrorCode.NOT_FOUND;
  if (status === 413) return ErrorCode.PAYLOAD_TOO_LARGE;
  if (status === 415) return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
  if (status === 429) return ErrorCode.RATE_LIMITED;
  if (status === 503) return ErrorCode.SERVICE_UNAVAILABLE;
  return status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_SERVER_ERROR;
}

const validStatus = (status: unknown): status is number =>
  typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 600;

/**
 * The HTTP status an error asks for, read off the error itself as Apollo does: its
 * `extensions.http.status`, else the `status`/`statusCode` of an http-errors error (body-parser),
 * else the status of its `extensions.code`, else 500.
 */
export function httpStatusOf(error: unknown): number {
  const candidate = error as {
    extensions?: { http?: { status?: unknown }; code?: unknown };
    status?: unknown;
    statusCode?: unknown;
  } | null;
  const fromHttp = candidate?.extensions?.http?.status;
  if (validStatus(fromHttp)) return fromHttp;
  const fromExpress = candidate?.status ?? candidate?.statusCode;
  if (validStatus(fromExpress)) return fromExpress;
  const code = candidate?.extensions?.code;
  return (typeof code === 'string' && STATUS_OF_CODE[code]) || 500;
}

/** An error that decides both its code and its HTTP status (and headers), as Apollo's errors do. */
export function httpError(
  status: number,
  message: string,
  extensions: { code?: string; headers?: Record<string, string>; [key: string]: unknown } = {},
): GraphQLError {
  const { code, headers, ...rest } = extensions;
  return new GraphQLError(message, {
    extensions: {
      ...rest,
      code: code ?? codeOfStatus(status),
      http: { status, headers: new HeaderMap(Object.entries(headers ?? {})) },
    },
  });
}

/** SERVICE_UNAVAILABLE, HTTP 503 and Retry-After: the database cannot be reached. */
export function serviceUnavailable(message = 'The database is unavailable; try again shortly'): GraphQLError {
  return httpError(503, message, {
    code: ErrorCode.SERVICE_UNAVAILABLE,
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  });
}

/**
 * Writes every error answer of the HTTP routes (/export, /imports, /readyz, rate limits, the
 * final handler): the GraphQL error shape `{ errors: [{ message, extensions: { code } }] }`, the
 * status and headers the error carries, and the request id of the `x-request-id` header so a
 * report can be matched to the log. `extra` adds fields beside `errors` (a report, a status).
 */
export function sendHttpError(res: Response, error: GraphQLError, extra: Record<string, unknown> = {}): void {
  const { http, ...extensions } = error.extensions as {
    http?: { headers?: Map<string, string> };
    [key: string]: unknown;
  };
  for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
  const requestId = res.getHeader('x-request-id');
  res.status(httpStatusOf(error)).json({
    ...extra,
    errors: [
      {
        message: error.message,
        extensions: {
          ...extensions,
          code: extensions.code ?? ErrorCode.INTERNAL_SERVER_ERROR,
          ...(typeof requestId === 'string' ? { requestId } : {}),
        },
      },
    ],
  });
}
