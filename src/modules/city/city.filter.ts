import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { checkCommitmentFilterCodes, commitmentCondition } from '../commitment/commitment.sql';
import { assertKnownCodes } from '../common/knownCodes';
import { andConditions, type SqlCondition } from '../common/sql';
import { parseId } from '../common/validate';
import type { CityFilter } from './city.args';

/**
 * Validates what SQL cannot: codes that name nothing (one batched statement), an overlong or
 * NUL-carrying search. Call before `cityFilterCondition`.
 */
export async function checkCityFilter(
  context: Context,
  filter: CityFilter | null | undefined,
  argument = 'filter',
): Promise<void> {
  if (!filter) return;
  if (filter.search !== null && filter.search !== undefined) {
    if (filter.search.length > 200)
      throw badUserInput('search is limited to 200 characters', { argument: `${argument}.search` });
    if (filter.search.includes('\u0000'))
      throw badUserInput('search contains a NUL character', { argument: `${argument}.search` });
  }
  await Promise.all([
    assertKnownCodes(
      context,
      `${argument}.countryCodes`,
      'country',
      filter.countryCodes?.map((c) => c.toUpperCase()),
    ),
    assertKnownCodes(context, `${argument}.networkCodes`, 'network', filter.networkCodes),
    checkCommitmentFilterCodes(context, filter.hasCommitment, `${argument}.hasCommitment`),
  ]);
}

/**
 * A CityFilter as one predicate over a city aliased `c`, with named parameters prefixed by
 * `prefix`; the cities list and every comparative query scope their cities with it.
 */
export function cityFilterCondition(filter: CityFilter | null | undefined, prefix = 'cf_'): SqlCondition | null {
  if (!filter) return null;
  const p = (name: string) => `:${prefix}${name}`;
  const parts: (SqlCondition | null)[] = [];
  if (filter.ids) {
    parts.push({
      sql: `c.id = ANY(${p('ids')})`,
      params: { [`${prefix}ids`]: filter.ids.map((id) => parseId('filter.ids', id)) },
    });
  }
  if (filter.slugs) parts.push({ sql: `c.slug = ANY(${p('slugs')})`, params: { [`${prefix}slugs`]: filter.slugs } });
  if (filter.countryCodes) {
    parts.push({
      sql: `c.country_code = ANY(${p('countryCodes')})`,
      params: { [`${prefix}countryCodes`]: filter.countryCodes.map((code) => code.toUpperCase()) },
    });
  }
  const search = filter.search?.trim();
  if (search) {
    parts.push({
      // LIKE wildcards are escaped after folding: unaccent turns "％", "＿" and "＼" into "%", "_"
      // and "\", so a search escaped before folding would match anything, or end in a bare escape
      // character and fail.
      sql: `city_search_text(c.name, c.ascii_name, c.alternate_names) LIKE '%' || replace(replace(replace(rg_fold(${p('search')}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`,
      params: { [`${prefix}search`]: search },
    });
  }
  if (filter.networkCodes) {
    parts.push({
      sql: `c.id IN (SELECT nm.city_id FROM network_membership nm JOIN network n ON n.id = nm.network_id WHERE n.code = ANY(${p('networkCodes')}))`,
      params: { [`${prefix}networkCodes`]: filter.networkCodes },
    });
  }
  const commitment = commitmentCondition(filter.hasCommitment, `${prefix}hc_`);
  if (commitment) {
    parts.push({
      sql: `EXISTS (SELECT 1 FROM commitment m WHERE m.city_id = c.id AND ${commitment.sql})`,
      params: commitment.params,
    });
  }
  return andConditions(...parts);
}
