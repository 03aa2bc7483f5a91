import { badUserInput } from '../../errors';
import { parseId, checkYearRange } from '../common/validate';
import { countryCodesSql } from '../country/countryCodesSql';
import type { CommitmentFilter } from './commitment.args';

export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

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
 * The conditions of a CommitmentFilter as one SQL predicate over a commitment aliased `m`, with
 * named parameters prefixed by `prefix` so it can sit inside a larger query (e.g. the EXISTS
 * of CityFilter.hasCommitment). Returns null when the filter asks for nothing.
 */
export function commitmentCondition(filter: CommitmentFilter | null | undefined, prefix: string): SqlCondition | null {
  if (!filter) return null;
  checkYearRange(filter.adoptedFromYear, filter.adoptedToYear, ['adoptedFromYear', 'adoptedToYear']);
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  const p = (name: string, value: unknown) => {
    params[`${prefix}${name}`] = value;
    return `:${prefix}${name}`;
  };
  const cityIds = nonEmpty('cityIds', filter.cityIds);
  if (cityIds) {
    // Slugs (checked by checkCommitmentFilterCodes) match through the city table.
    const slugs = cityIds.filter((ref) => !isNumeric(ref));
    const byId = `m.city_id = ANY(${p('cityIds', ids('cityIds', cityIds))})`;
    parts.push(
      slugs.length === 0
        ? byId
        : `(${byId} OR m.city_id IN (SELECT id FROM city WHERE slug = ANY(${p('citySlugs', slugs)})))`,
    );
  }
  const countryCodes = nonEmpty('countryCodes', filter.countryCodes);
  if (countryCodes) {
    parts.push(
      `m.city_id IN (SELECT id FROM city WHERE country_code IN ${countryCodesSql(
        p(
          'countryCodes',
          countryCodes.map((c) => c.toUpperCase()),
        ),
      )})`,
    );
  }
  const instrumentCodes = nonEmpty('instrumentCodes', filter.instrumentCodes);
  if (instrumentCodes) {
    parts.push(
      `m.instrument_id IN (SELECT id FROM instrument WHERE code = ANY(${p('instrumentCodes', instrumentCodes)}))`,
    );
  }
  const rightCodes = nonEmpty('rightCodes', filter.rightCodes);
  if (rightCodes) {
    parts.push(
      `EXISTS (SELECT 1 FROM commitment_right cr JOIN "right" r ON r.id = cr.right_id WHERE cr.commitment_id = m.id AND r.code = ANY(${p('rightCodes', rightCodes)}))`,
    );
  }
  const kinds = nonEmpty('kinds', filter.kinds);
  if (kinds) parts.push(`m.kind = ANY(${p('kinds', kinds)})`);
  const statuses = nonEmpty('statuses', filter.statuses);
  if (statuses) parts.push(`m.status = ANY(${p('statuses', statuses)})`);
  if (filter.adoptedFromYear !== null && filter.adoptedFromYear !== undefined) {
    parts.push(`m.adopted_on >= make_date(${p('adoptedFromYear', filter.adoptedFromYear)}, 1, 1)`);
  }
  if (filter.adoptedToYear !== null && filter.adoptedToYear !== undefined) {
    parts.push(`m.adopted_on < make_date(${p('adoptedToYear', filter.adoptedToYear)} + 1, 1, 1)`);
  }
  return parts.length === 0 ? null : { sql: parts.join(' AND '), params };
}
