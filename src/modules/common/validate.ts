import { badUserInput } from '../../errors';
import { echo } from '../reference/referenceLimits';
import { isModelYear, MAX_YEAR, MIN_YEAR } from './years';

export function checkYear(argument: string, year: number | null | undefined): void {
  if (year === null || year === undefined) return;
  if (!isModelYear(year)) {
    throw badUserInput(`${argument} must be a year between ${MIN_YEAR} and ${MAX_YEAR}, got ${year}`, {
      argument,
      value: year,
    });
  }
}

export function checkYearRange(
  from: number | null | undefined,
  to: number | null | undefined,
  names: [string, string] = ['yearFrom', 'yearTo'],
): void {
  checkYear(names[0], from);
  checkYear(names[1], to);
  if (from !== null && from !== undefined && to !== null && to !== undefined && from > to) {
    throw badUserInput(`${names[0]} (${from}) is after ${names[1]} (${to})`, { argument: names[0], value: from });
  }
}

/** Ids are Postgres `int` columns: anything larger would fail in the database, not here. */
export const MAX_ID = 2147483647;

/**
 * An id argument as a number; it must be a positive integer within the `int` range (unknown ids
 * are checked by the caller). The error quotes only a prefix of what was sent.
 */
export function parseId(argument: string, id: string | number | null | undefined): number | undefined {
  if (id === null || id === undefined) return undefined;
  const text = String(id);
  const n = typeof id === 'number' ? id : text.length <= 10 && /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > MAX_ID) {
    throw badUserInput(`${argument} must be a positive integer id up to ${MAX_ID}, got "${echo(text)}"`, {
      argument,
      value: echo(text),
    });
  }
  return n;
}
