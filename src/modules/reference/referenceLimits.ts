import type { GraphQLError } from 'graphql';
import { badUserInput } from '../../errors';

/**
 * Caps on what one argument may carry. A list of 100,000 codes or a 900 KB code is never a
 * question anybody means to ask; refusing it before any lookup keeps one request from holding
 * the event loop (checks, suggestions, echoes are all proportional to the input). No code,
 * slug or id in the data is anywhere near 200 characters.
 */
export const MAX_REFERENCES = 1000;
export const MAX_REFERENCE_LENGTH = 200;
/** Errors quote at most this much of a value: enough to recognise it, never a huge echo. */
export const ECHO_LENGTH = 60;
/** An error lists at most this many unknown values (and says how many more there are). */
export const MAX_LISTED = 10;

/** A short prefix of a value for an error message or extension. */
export function echo(value: string): string {
  return value.length > ECHO_LENGTH ? `${value.slice(0, ECHO_LENGTH)}…` : value;
}

/** A refusal of the request's shape: HTTP 400 as well as BAD_USER_INPUT. */
function capError(message: string, details: Record<string, unknown>): GraphQLError {
  return badUserInput(message, { ...details, http: { status: 400 } });
}

/** Throws BAD_USER_INPUT naming the cap when a list is too long or any item too long. */
export function checkReferences(argument: string, values: readonly string[] | null | undefined, cap = MAX_REFERENCES) {
  if (!values) return;
  if (values.length > cap) {
    throw capError(`${argument} is limited to ${cap} values, got ${values.length}`, { argument, cap });
  }
  for (const value of values) checkReference(argument, value);
}

/**
 * The last over-long value refused, with its error: a nested field refuses the same value once
 * per parent row (300 times for three aliases under a page of 100 cities), and building an
 * error with its stack each time was most of that request's work.
 */
let lastRefused: { argument: string; value: string; error: GraphQLError } | null = null;

/** Throws BAD_USER_INPUT naming the cap when a code, slug or id is too long. */
export function checkReference(argument: string, value: string | null | undefined): void {
  if (typeof value !== 'string' || value.length <= MAX_REFERENCE_LENGTH) return;
  if (lastRefused?.argument === argument && lastRefused.value === value) {
    // Keep this request's string: later rows then compare by identity, not 900 KB of content.
    lastRefused.value = value;
  } else {
    const error = capError(`${argument} is limited to ${MAX_REFERENCE_LENGTH} characters, got ${value.length}`, {
      argument,
      value: echo(value),
      cap: MAX_REFERENCE_LENGTH,
    });
    lastRefused = { argument, value, error };
  }
  throw lastRefused.error;
}
