import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { checkCommitmentFilterCodes } from '../commitment/commitment.filter';
import { commitmentCondition } from '../commitment/commitment.sql';
import { type Sql, sql } from '../common/sqlTag';
import { parseId } from '../common/validate';
import { PARTY_STATUSES } from '../country/ratification.entity';
import { countryCodesSql } from '../country/countryCodesSql';
import { assertKnownCodes, resolveCities } from '../reference/references';
import { checkReference, checkReferences } from '../reference/referenceLimits';
import type { CityFilter } from './city.args';
import { citySearchSql } from './citySearch';
import { inForceAsOf, releaseParameter } from '../source/visibility';

const isNumeric = (value: string) => /^\d+$/.test(value);

/**
 * Validates what SQL cannot: codes and slugs that name nothing (one batched statement), the
 * caps on lists and lengths, an overlong or NUL-carrying search. Call before
 * `cityFilterCondition`. Numeric ids are not looked up: an id nobody has matches nothing.
 */
export async function checkCityFilter(
  context: Context,
  filter: CityFilter | null | undefined,
  argument = 'filter',
): Promise<void> {
  if (!filter) return;
  checkReferences(`${argument}.ids`, filter.ids);
  checkReferences(`${argument}.slugs`, filter.slugs);
  checkReferences(`${argument}.countryCodes`, filter.countryCodes);
  checkReferences(`${argument}.networkCodes`, filter.networkCodes);
  if (filter.search !== null && filter.search !== undefined) {
    checkReference(`${argument}.search`, filter.search);
    if (filter.search.includes('\u0000'))
      throw badUserInput('search contains a NUL character', { argument: `${argument}.search` });
  }
  const slugs = filter.ids?.filter((ref) => !isNumeric(ref));
  await Promise.all([
    slugs?.length ? resolveCities(context, slugs, `${argument}.ids`) : undefined,
    assertKnownCodes(
      context,
      `${argument}.countryCodes`,
      'country',
      filter.countryCodes?.map((c) => c.toUpperCase()),
    ),
    assertKnownCodes(context, `${argument}.networkCodes`, 'network', filter.networkCodes),
    checkCommitmentFilterCodes(context, filter.hasCommitment, `${argument}.hasCommitment`),
    filter.localCommitmentWithoutNationalRatification === null ||
    filter.localCommitmentWithoutNationalRatification === undefined
      ? undefined
      : assertKnownCodes(context, `${argument}.localCommitmentWithoutNationalRatification`, 'instrument', [
          filter.localCommitmentWithoutNationalRatification,
        ]),
  ]);
}

/**
 * A CityFilter as one predicate over a city aliased `c`; the cities list and every comparative
 * query scope their cities with it. Network memberships, commitments and ratifications are read
 * as of `releaseId` (null: as they are now), so an answer as of a release picks the cities it
 * picked then.
 */
export function cityFilterCondition(
  filter: CityFilter | null | undefined,
  releaseId: number | null = null,
): Sql | null {
  if (!filter) return null;
  const asOf = releaseParameter(releaseId);
  const parts: Sql[] = [];
  if (filter.ids) {
    // Slugs among the ids (checked by checkCityFilter) match by slug, so the condition needs no
    // lookup of its own; without slugs the SQL is the plain id list.
    const ids = filter.ids.filter(isNumeric).map((id) => parseId('filter.ids', id));
    const slugs = filter.ids.filter((id) => !isNumeric(id));
    parts.push(slugs.length === 0 ? sql`c.id = ANY(${ids})` : sql`(c.id = ANY(${ids}) OR c.slug = ANY(${slugs}))`);
  }
  if (filter.slugs) parts.push(sql`c.slug = ANY(${filter.slugs})`);
  if (filter.countryCodes) {
    parts.push(sql`c.country_code IN ${countryCodesSql(filter.countryCodes.map((code) => code.toUpperCase()))}`);
  }
  const search = filter.search?.trim();
  if (search) parts.push(citySearchSql(search));
  if (filter.networkCodes) {
    parts.push(sql`c.id IN (SELECT nm.city_id FROM network_membership nm JOIN network n ON n.id = nm.network_id
                     WHERE n.code = ANY(${filter.networkCodes}) AND ${inForceAsOf('nm', asOf)})`);
  }
  const commitment = commitmentCondition(filter.hasCommitment);
  if (commitment) {
    parts.push(
      sql`EXISTS (SELECT 1 FROM commitment m WHERE m.city_id = c.id AND ${inForceAsOf('m', asOf)} AND ${commitment})`,
    );
  }
  const instrument = filter.localCommitmentWithoutNationalRatification;
  if (instrument !== null && instrument !== undefined) {
    // The seed article's question: US cities adopting CEDAW locally while the US has not ratified
    // it. A proposed, lapsed or repealed commitment is not a local commitment in force.
    parts.push(sql`EXISTS (SELECT 1 FROM commitment m JOIN instrument i ON i.id = m.instrument_id
               WHERE m.city_id = c.id AND i.code = ${instrument} AND m.status IN ('ADOPTED', 'IMPLEMENTED')
                 AND ${inForceAsOf('m', asOf)})
            AND NOT EXISTS (SELECT 1 FROM ratification r JOIN instrument i ON i.id = r.instrument_id
               WHERE r.country_code = c.country_code AND i.code = ${instrument}
                 AND r.status = ANY(${[...PARTY_STATUSES]}) AND ${inForceAsOf('r', asOf)})`);
  }
  return parts.length === 0
    ? null
    : sql.join(
        parts.map((part) => sql`(${part})`),
        ' AND ',
      );
}
