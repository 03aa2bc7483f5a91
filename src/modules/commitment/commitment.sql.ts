import { badUserInput } from '../../errors';
import { parseId, checkYearRange } from '../common/validate';
import { type Sql, sql } from '../common/sqlTag';
import { countryCodesSql } from '../country/countryCodesSql';
import type { CommitmentFilter } from './commitment.args';

const isNumeric = (value: string) => /^\d+$/.test(value);

function ids(argument: string, values: string[]): number[] {
  return values.filter(isNumeric).map((v) => parseId(argument, v) as number);
}

function nonEmpty<T>(argument: string, values: T[] | null | undefined): T[] | undefined {
  if (values === null || values === undefined) return undefined;
  if (values.length > 1000) throw badUserInput(`${argument} takes at most 1000 values`, { argument });
  return values;
}

/**
 * The conditions of a CommitmentFilter as one SQL predicate over a commitment aliased `m`, a
 * fragment that can sit inside a larger query (e.g. the EXISTS of CityFilter.hasCommitment).
 * Returns null when the filter asks for nothing.
 */
export function commitmentCondition(filter: CommitmentFilter | null | undefined): Sql | null {
  if (!filter) return null;
  checkYearRange(filter.adoptedFromYear, filter.adoptedToYear, ['adoptedFromYear', 'adoptedToYear']);
  const parts: Sql[] = [];
  const cityIds = nonEmpty('cityIds', filter.cityIds);
  if (cityIds) {
    // Slugs (checked by checkCommitmentFilterCodes) match through the city table.
    const slugs = cityIds.filter((ref) => !isNumeric(ref));
    const byId = sql`m.city_id = ANY(${ids('cityIds', cityIds)})`;
    parts.push(
      slugs.length === 0 ? byId : sql`(${byId} OR m.city_id IN (SELECT id FROM city WHERE slug = ANY(${slugs})))`,
    );
  }
  const countryCodes = nonEmpty('countryCodes', filter.countryCodes);
  if (countryCodes) {
    const codes = countryCodesSql(countryCodes.map((c) => c.toUpperCase()));
    parts.push(sql`m.city_id IN (SELECT id FROM city WHERE country_code IN ${codes})`);
  }
  const instrumentCodes = nonEmpty('instrumentCodes', filter.instrumentCodes);
  if (instrumentCodes) {
    parts.push(sql`m.instrument_id IN (SELECT id FROM instrument WHERE code = ANY(${instrumentCodes}))`);
  }
  const rightCodes = nonEmpty('rightCodes', filter.rightCodes);
  if (rightCodes) {
    parts.push(
      sql`EXISTS (SELECT 1 FROM commitment_right cr JOIN "right" r ON r.id = cr.right_id WHERE cr.commitment_id = m.id AND r.code = ANY(${rightCodes}))`,
    );
  }
  const kinds = nonEmpty('kinds', filter.kinds);
  if (kinds) parts.push(sql`m.kind = ANY(${kinds})`);
  const statuses = nonEmpty('statuses', filter.statuses);
  if (statuses) parts.push(sql`m.status = ANY(${statuses})`);
  if (filter.adoptedFromYear !== null && filter.adoptedFromYear !== undefined) {
    parts.push(sql`m.adopted_on >= make_date(${filter.adoptedFromYear}, 1, 1)`);
  }
  if (filter.adoptedToYear !== null && filter.adoptedToYear !== undefined) {
    parts.push(sql`m.adopted_on < make_date(${filter.adoptedToYear} + 1, 1, 1)`);
  }
  return parts.length === 0 ? null : sql.join(parts, ' AND ');
}
