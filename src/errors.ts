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
} as const;

/**
 * Bad input from the client: names the argument and the offending value so the caller can fix
 * the request without reading server logs.
 */
export function badUserInput(
  message: string,
  details: { argument?: string; value?: unknown; [key: string]: unknown } = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...details } });
}
