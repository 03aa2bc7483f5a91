import express from 'express';
import { GraphQLError } from 'graphql';
import type { AddressInfo } from 'node:net';
import {
  codeOfStatus,
  ErrorCode,
  HTTP_STATUS,
  httpError,
  httpStatusOf,
  requestError,
  serviceUnavailable,
  statusOfCode,
} from '../../src/errors';
import { httpErrorBody, sendHttpError } from '../../src/httpErrors';

/** The statuses docs/api.md and docs/hardening.md promise, written out again rather than read from the table. */
const DOCUMENTED: [string, number][] = [
  ['BAD_REQUEST', 400],
  ['BAD_USER_INPUT', 400],
  ['QUERY_TOO_COMPLEX', 400],
  ['GRAPHQL_PARSE_FAILED', 400],
  ['GRAPHQL_VALIDATION_FAILED', 400],
  ['OPERATION_RESOLUTION_FAILURE', 400],
  ['UNAUTHENTICATED', 401],
  ['FORBIDDEN', 403],
  ['NOT_FOUND', 404],
  ['PAYLOAD_TOO_LARGE', 413],
  ['UNSUPPORTED_MEDIA_TYPE', 415],
  ['RATE_LIMITED', 429],
  ['INTERNAL_SERVER_ERROR', 500],
  ['SERVICE_UNAVAILABLE', 503],
  ['TIMEOUT', 504],
  ['CANCELLED', 499],
];

describe('the error taxonomy', () => {
  it.each(DOCUMENTED)('%s answers HTTP %i', (code, status) => {
    expect(statusOfCode(code)).toBe(status);
    expect(requestError(code as ErrorCode, 'x').extensions.http).toEqual(expect.objectContaining({ status }));
  });

  it('has a status for every code, and no code without one', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual(Object.values(ErrorCode).sort());
    expect(Object.fromEntries(DOCUMENTED)).toEqual(HTTP_STATUS);
  });

  it('knows no status for a code it does not define', () => {
    expect(statusOfCode('PERSISTED_QUERY_NOT_FOUND')).toBeUndefined();
    expect(statusOfCode('toString')).toBeUndefined();
    expect(statusOfCode(undefined)).toBeUndefined();
  });

  it('reads a bare status as the generic code of its class', () => {
    expect(
      [400, 401, 403, 404, 405, 413, 415, 422, 429, 500, 502, 503, 504].map((status) => codeOfStatus(status)),
    ).toEqual([
      'BAD_REQUEST',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'NOT_FOUND',
      'BAD_REQUEST',
      'PAYLOAD_TOO_LARGE',
      'UNSUPPORTED_MEDIA_TYPE',
      'BAD_REQUEST',
      'RATE_LIMITED',
      'INTERNAL_SERVER_ERROR',
      'INTERNAL_SERVER_ERROR',
      'SERVICE_UNAVAILABLE',
      'TIMEOUT',
    ]);
  });

  it('reads the status off an error: extensions.http, then an http-errors status, then the code, else 500', () => {
    expect(httpStatusOf(httpError(418, 'teapot', { code: ErrorCode.BAD_USER_INPUT }))).toBe(418);
    expect(httpStatusOf(Object.assign(new Error('big'), { status: 413 }))).toBe(413);
    expect(httpStatusOf(Object.assign(new Error('big'), { statusCode: 415 }))).toBe(415);
    expect(httpStatusOf(new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } }))).toBe(403);
    expect(httpStatusOf(new GraphQLError('?', { extensions: { code: 'SOMETHING_ELSE' } }))).toBe(500);
    // A status outside 400-599 is not an error's status.
    expect(httpStatusOf(Object.assign(new Error('ok?'), { status: 200 }))).toBe(500);
    expect(httpStatusOf(null)).toBe(500);
  });

  it('gives the database being down its 503 and Retry-After', () => {
    const error = serviceUnavailable();
    expect(error.extensions.code).toBe('SERVICE_UNAVAILABLE');
    const http = error.extensions.http as { status: number; headers: Map<string, string> };
    expect(http.status).toBe(503);
    expect([...http.headers]).toEqual([['retry-after', '5']]);
  });
});

describe('httpErrorBody', () => {
  it('writes the GraphQL error shape, without the transport part of the extensions', () => {
    const error = requestError(ErrorCode.BAD_USER_INPUT, 'Unknown indicator "x"', {
      argument: 'indicators',
      headers: { 'x-hint': 'y' },
    });
    expect(httpErrorBody(error, 'req-1')).toEqual({
      errors: [
        {
          message: 'Unknown indicator "x"',
          extensions: { argument: 'indicators', code: 'BAD_USER_INPUT', requestId: 'req-1' },
        },
      ],
    });
  });

  it('adds fields beside errors, leaves out a missing request id, and codes an uncoded error as internal', () => {
    expect(httpErrorBody(new GraphQLError('boom'), undefined, { status: 'database unavailable' })).toEqual({
      status: 'database unavailable',
      errors: [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
  });
});

describe('sendHttpError', () => {
  async function answerOf(error: GraphQLError, requestId?: string) {
    const app = express();
    app.get('/', (_req, res) => {
      if (requestId) res.setHeader('x-request-id', requestId);
      sendHttpError(res, error);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      return { status: response.status, headers: response.headers, body: await response.json() };
    } finally {
      server.close();
    }
  }

  it('answers the status and headers the error carries, and the body with the request id', async () => {
    const answer = await answerOf(serviceUnavailable(), 'trace-7');
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual({
      errors: [
        {
          message: 'The database is unavailable; try again shortly',
          extensions: { code: 'SERVICE_UNAVAILABLE', requestId: 'trace-7' },
        },
      ],
    });
  });

  it("answers a resolver's error, which carries only its code, with the code's status", async () => {
    const answer = await answerOf(
      new GraphQLError('This API key has been revoked', { extensions: { code: 'FORBIDDEN' } }),
    );
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      errors: [{ message: 'This API key has been revoked', extensions: { code: 'FORBIDDEN' } }],
    });
  });
});
