import { type Sql, sql } from '../common/sqlTag';

/**
 * The alpha-2 codes of the countries named by `codes` (upper-cased ISO alpha-2 or alpha-3
 * codes), as a subquery for `country_code IN (...)`: every countryCodes filter takes either form.
 */
export function countryCodesSql(codes: readonly string[]): Sql {
  return sql`(SELECT code FROM country WHERE code = ANY(CAST(${codes} AS text[])) OR alpha3 = ANY(CAST(${codes} AS text[])))`;
}
