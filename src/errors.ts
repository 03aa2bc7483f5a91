import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/** The error codes clients can rely on (extensions.code). */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** HTTP-level rejections that never reach GraphQL execution (Apollo's own name for 400). */
  BAD_REQUEST: 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** The query's depth, cost, aliases, directives or tokens exceed the limits. */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** Too many requests for this key or address; see Retry-After. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The database is unreachable or restarting; retry later. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** A statement ran past STATEMENT_TIMEOUT_MS. */
  TIMEOUT: 'TIMEOUT',
  /** The client went away before the answer: what it asked for was stopped (nobody reads this one but the log). */
  CANCELLED: 'CANCELLED',
  /** Apollo's codes for a document that does not parse, does not validate, or names no operation. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The one table of the taxonomy: the HTTP status of each code. An error that ends a request (an
 * HTTP route's refusal, a rate limit, a 404) answers with it; a resolver's error inside a GraphQL
 * answer does not change that answer's 200, as GraphQL over HTTP has it for partial data, and
 * takes this status only when an HTTP route writes it (the export's BAD_USER_INPUT is a 400).
 *
 * The first code of a status is the one a bare status stands for (`codeOfStatus`), so the
 * generic BAD_REQUEST comes before the other 400s. Apollo's PERSISTED_QUERY_NOT_FOUND is left
 * to Apollo, which answers it with 200 so that a client sends the full query.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  BAD_USER_INPUT: 400,
  QUERY_TOO_COMPLEX: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  // The server gave up waiting for the database: a retry fails the same way unless narrowed.
  TIMEOUT: 504,
  // nginx's "client closed request": no client is left to read it, but the log says why.
  CANCELLED: 499,
};

const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(HTTP_STATUS, code);

/** The HTTP status of a code, or undefined for a code this API does not define. */
export function statusOfCode(code: unknown): number | undefined {
  return isErrorCode(code) ? HTTP_STATUS[code] : undefined;
}

/** The code a bare HTTP status stands for (a body-parser error, a missing route). */
export function codeOfStatus(status: number): ErrorCode {
  const code = (Object.keys(HTTP_STATUS) as ErrorCode[]).find((c) => HTTP_STATUS[c] === status);
  return code ?? (status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_SERVER_ERROR);
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
  return statusOfCode(candidate?.extensions?.code) ?? 500;
}

/**
 * How long a client should wait before retrying while the database is down: long enough not to
 * hammer a restarting Postgres, short enough that a client is back within seconds of it.
 */
export const RETRY_AFTER_SECONDS = 5;

type Extensions = { headers?: Record<string, string>; [key: string]: unknown };

/**
 * An error that ends a request: its code, and the status of that code in `extensions.http`
 * (with any headers), where Apollo and `sendHttpError` both read it.
 */
export function requestError(code: ErrorCode, message: string, extensions: Extensions = {}): GraphQLError {
  return httpError(HTTP_STATUS[code], message, { ...extensions, code });
}

/**
 * An error with a status that something else decided (an http-errors status, the rate limiter's):
 * the code is the one that status stands for unless given.
 */
export function httpError(
  status: number,
  message: string,
  extensions: Extensions & { code?: string } = {},
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
  return requestError(ErrorCode.SERVICE_UNAVAILABLE, message, {
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  });
}

/**
 * Bad input from the client: names the argument and the offending value so the caller can fix
 * the request without reading server logs. Raised in resolvers, so it carries no HTTP status of
 * its own (see HTTP_STATUS); an HTTP route that writes it answers 400.
 */
export function badUserInput(
  message: string,
  details: { argument?: string; value?: unknown; [key: string]: unknown } = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...details } });
}
