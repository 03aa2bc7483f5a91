import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type http from 'node:http';
import { ErrorCode, httpStatusOf } from './errors';

/** What an HTTP route answers for an error: the GraphQL error shape, beside any `extra` fields. */
export interface HttpErrorBody {
  errors: [GraphQLFormattedError & { extensions: { code: string; requestId?: string } }];
  [field: string]: unknown;
}

/**
 * The body of an error answer: `{ errors: [{ message, extensions: { code, ... } }] }`, the
 * shape a GraphQL client already reads, with the request id when there is one. The status and
 * headers in `extensions.http` are the transport's, not the body's, and are left out.
 */
export function httpErrorBody(
  error: GraphQLError,
  requestId?: string,
  extra: Record<string, unknown> = {},
): HttpErrorBody {
  const { http: _http, ...extensions } = error.extensions;
  return {
    ...extra,
    errors: [
      {
        message: error.message,
        extensions: {
          ...extensions,
          code: typeof extensions.code === 'string' ? extensions.code : ErrorCode.INTERNAL_SERVER_ERROR,
          ...(requestId === undefined ? {} : { requestId }),
        },
      },
    ],
  };
}

/**
 * Writes every error answer of the HTTP routes (/export, /imports, /readyz, the embed page, rate
 * limits, 404 and the final handler): the status and headers the error carries, and the body of
 * `httpErrorBody` with the request id of the `x-request-id` header, so a report can be matched to
 * the log. `extra` adds fields beside `errors` (a status).
 */
export function sendHttpError(
  res: http.ServerResponse,
  error: GraphQLError,
  extra: Record<string, unknown> = {},
): void {
  const transport = error.extensions.http as { headers?: Map<string, string> } | undefined;
  for (const [name, value] of transport?.headers ?? []) res.setHeader(name, value);
  const requestId = res.getHeader('x-request-id');
  const body = JSON.stringify(httpErrorBody(error, typeof requestId === 'string' ? requestId : undefined, extra));
  // Node's own response methods, as Express's res.json would write it: the same on Express's
  // response and on the direct route's (src/directRoute.ts).
  res.statusCode = httpStatusOf(error);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}
