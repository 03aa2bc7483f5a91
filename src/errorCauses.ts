import type { GraphQLError } from 'graphql';
import { ErrorCode, requestError, serviceUnavailable } from './errors';

type Cause = { code?: unknown; message?: unknown; name?: unknown };

/**
 * The error and what it wraps. graphql-js wraps a thrown value that is not an `Error` of its own
 * realm in NonErrorThrown (`thrownValue`): a plain object rejection, or a Node core error seen
 * from another realm (Jest's sandbox gets ECONNREFUSED that way).
 */
export function causes(error: unknown): Cause[] {
  const chain: Cause[] = [];
  let current = error as {
    originalError?: unknown;
    driverError?: unknown;
    cause?: unknown;
    thrownValue?: unknown;
  } | null;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth += 1) {
    chain.push(current as Cause);
    current = (current.originalError ??
      current.driverError ??
      current.cause ??
      current.thrownValue ??
      null) as typeof current;
  }
  return chain;
}

/**
 * A unique index refused the statement (Postgres' 23505, which TypeORM's QueryFailedError carries
 * as `code`): a key the caller gave twice or one that is taken.
 */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/** Codes and conditions under which the database, not the request, is at fault. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03']);

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

export function isStatementTimeout(error: unknown): boolean {
  return causes(error).some((e) => e.code === '57014');
}

/**
 * Postgres refuses a NUL character in any text value (22021, character_not_in_repertoire). Only
 * a client sends one, in a slug, a code or a cursor, so it is the client's error, not a 500.
 */
export function isUnstorableText(error: unknown): boolean {
  return causes(error).some((e) => e.code === '22021');
}

/**
 * Apollo's own request errors (an APQ hash that does not match, an unsupported APQ version) carry
 * a 4xx in `extensions.http` but no code, so Apollo reports them as INTERNAL_SERVER_ERROR, and
 * production then masked them as "Internal server error".
 */
export function isRequestError(error: unknown): boolean {
  const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * The error a failure of the database's stands for, whichever path met it (a resolver, an
 * export, an import): down, a NUL in a client's text, or a statement timeout. Undefined for
 * anything else.
 */
export function databaseFailure(error: unknown, statementTimeoutMs: number): GraphQLError | undefined {
  if (isDatabaseUnavailable(error)) return serviceUnavailable();
  if (isUnstorableText(error)) {
    return requestError(
      ErrorCode.BAD_USER_INPUT,
      'A string argument contains a character no value can hold (NUL, U+0000)',
    );
  }
  if (isStatementTimeout(error)) {
    return requestError(
      ErrorCode.TIMEOUT,
      `The query took longer than ${statementTimeoutMs} ms and was stopped; narrow it down`,
    );
  }
  return undefined;
}
