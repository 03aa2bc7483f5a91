import { badUserInput } from '../../errors';

/** Years the data model accepts (matches the CHECK constraints on year columns). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

export function checkYear(argument: string, year: number | null | undefined): void {
  if (year === null || year === undefined) return;
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
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

/** A release id given as `asOf`; the id must be a positive integer (unknown ids are checked by the caller). */
export function parseId(argument: string, id: string | number | null | undefined): number | undefined {
  if (id === null || id === undefined) return undefined;
  const n = typeof id === 'number' ? id : Number(id);
  if (!Number.isSafeInteger(n) || n <= 0 || (typeof id === 'string' && !/^\d+$/.test(id))) {
    throw badUserInput(`${argument} must be a positive integer id, got "${String(id)}"`, { argument, value: id });
  }
  return n;
}
