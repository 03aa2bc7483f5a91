/**
 * The years the data model accepts: the CHECK constraints on year and date columns, the GraphQL
 * year arguments, the import's year column, the SQL defaults of open year ranges and the
 * explorer's year inputs all read these two. Dependency-free, so that the browser bundle can
 * import it too.
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

/** A whole year within MIN_YEAR..MAX_YEAR. */
export function isModelYear(year: number): boolean {
  return Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR;
}
