/**
 * The alpha-2 codes of the countries named by `param` (a text[] placeholder holding upper-cased
 * ISO alpha-2 or alpha-3 codes), as a subquery for `country_code IN (...)`: every countryCodes
 * filter takes either form.
 */
export function countryCodesSql(param: string): string {
  return `(SELECT code FROM country WHERE code = ANY(CAST(${param} AS text[])) OR alpha3 = ANY(CAST(${param} AS text[])))`;
}
