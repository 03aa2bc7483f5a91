import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { queryHash } from '../analytics/citation';
import { query, queryOne, type Sql, sql } from '../common/sqlTag';
import { checkYearRange, parseId } from '../common/validate';
import { releaseParameter, visibleAsOf } from '../source/visibility';
import type { Release } from '../source/release.entity';
import type { ExportParameters } from './exportParameters';
import { splitDisaggregation } from './splitDisaggregation';
import { loadAll } from '../common/loadAll';
import { countryCodesSql } from '../country/countryCodesSql';
import { assertKnownCodes, resolveCities, resolveIndicators, resolveRelease } from '../reference/references';
import { checkReferences } from '../reference/referenceLimits';

/** What the selected rows contain, known before the first row is written (headers need it). */
export interface ExportSummary {
  rows: number;
  years: number[];
  /** Disaggregation dimensions present (e.g. `sex`), sorted: one CSV column each. */
  dimensions: string[];
  sourceIds: number[];
  indicatorIds: number[];
  /** [source id, indicator id] pairs present: which source each indicator's values come from. */
  sourceIndicators: [number, number][];
}

/** What one scan of the selected rows reads for the summary (an aggregate: always one row). */
interface SummaryRow {
  rows: number;
  years: number[];
  disaggregations: string[];
  source_indicators: string[];
}

/** The parameters resolved to ids: every condition is on a column of the observation row. */
export interface ExportFilter {
  releaseId: number | null;
  indicatorIds?: number[];
  /** The cities of `cities` and `countries`, ascending. */
  cityIds?: number[];
  yearFrom?: number;
  yearTo?: number;
  statuses?: string[];
  sourceIds?: number[];
}

/**
 * The filter as a predicate over `observation o` alone. `fromCityId` drops the cities before
 * it from the city list: Postgres 15 probes the index once per listed city, and probes for
 * cities a keyset batch has already passed cost as much as a scan of the city (measured on a
 * million rows in a thousand cities: over 10 s a batch; 20 ms with the list trimmed).
 */
export function exportCondition(filter: ExportFilter, fromCityId?: number): Sql {
  const parts = [visibleAsOf('o', releaseParameter(filter.releaseId))];
  if (filter.indicatorIds) parts.push(sql`o.indicator_id = ANY(CAST(${filter.indicatorIds} AS int[]))`);
  if (filter.cityIds) {
    const cityIds = fromCityId === undefined ? filter.cityIds : filter.cityIds.filter((id) => id >= fromCityId);
    parts.push(sql`o.city_id = ANY(CAST(${cityIds} AS int[]))`);
  }
  if (filter.yearFrom !== undefined) parts.push(sql`o.year >= CAST(${filter.yearFrom} AS int)`);
  if (filter.yearTo !== undefined) parts.push(sql`o.year <= CAST(${filter.yearTo} AS int)`);
  if (filter.statuses) parts.push(sql`o.status = ANY(CAST(${filter.statuses} AS text[]))`);
  if (filter.sourceIds) parts.push(sql`o.source_id = ANY(CAST(${filter.sourceIds} AS int[]))`);
  return sql.join(
    parts.map((part) => sql`(${part})`),
    ' AND ',
  );
}

/** An export's parameters checked against the database and turned into SQL. */
export interface ExportSelection {
  /** The parameters in canonical form: cities as slugs, in the order given. */
  parameters: ExportParameters;
  /**
   * The release the rows are read as of: the one asked for, else the newest at the time of the
   * request. Pinning it keeps a long download consistent while imports land (rows are never
   * updated in place, so "as of release N" does not move), without holding a transaction open.
   */
  release: Release | null;
  /** The selection as ids, for `exportCondition`. */
  filter: ExportFilter;
  summary: ExportSummary;
  /** The hash of the question (parameters and release), as in citations. */
  queryHash: string;
}

async function resolveCityIds(context: Context, refs: string[]): Promise<{ ids: number[]; slugs: string[] }> {
  const cities = await resolveCities(context, refs, 'cities');
  return { ids: cities.map((c) => c.id), slugs: [...new Set(cities.map((c) => c.slug))] };
}

async function resolveSourceIds(context: Context, refs: string[]): Promise<number[]> {
  const ids = refs.map((ref) => parseId('sources', ref) as number);
  const sources = await loadAll(context.loaders.sourceById, ids);
  const unknown = refs.filter((_, i) => sources[i] === null);
  if (unknown.length > 0) {
    throw badUserInput(`Unknown source id ${unknown.map((s) => `"${s}"`).join(', ')}`, {
      argument: 'sources',
      value: unknown,
    });
  }
  return ids;
}

/**
 * Checks an export's codes, ids and release against the database (BAD_USER_INPUT naming the
 * parameter, with the closest known codes for a mistyped indicator or city) and reads, in one
 * scan of the selected rows, what the headers and the datapackage.json need.
 */
export async function resolveExport(context: Context, parameters: ExportParameters): Promise<ExportSelection> {
  checkYearRange(parameters.yearFrom, parameters.yearTo);
  for (const name of ['indicators', 'cities', 'countries', 'sources'] as const) checkReferences(name, parameters[name]);
  const release = await resolveRelease(context, parameters.asOf);
  const indicators = parameters.indicators
    ? await resolveIndicators(context, parameters.indicators, 'indicators')
    : undefined;
  const cities = parameters.cities ? await resolveCityIds(context, parameters.cities) : undefined;
  await assertKnownCodes(context, 'countries', 'country', parameters.countries);
  const sourceIds = parameters.sources ? await resolveSourceIds(context, parameters.sources) : undefined;

  // Countries become their cities' ids, so that every condition is on the observation row
  // itself and the batches' plan stays an ordered scan of one index (see observationBatches).
  let cityIds = cities?.ids;
  if (parameters.countries) {
    const ids = cityIds ?? null;
    const inCountries = await query<{ id: number }>(
      context.dataSource,
      sql`SELECT id FROM city WHERE country_code IN ${countryCodesSql(parameters.countries)}
         AND (CAST(${ids} AS int[]) IS NULL OR id = ANY(CAST(${ids} AS int[])))`,
    );
    cityIds = inCountries.map((c) => c.id);
  }
  const filter: ExportFilter = {
    releaseId: release?.id ?? null,
    indicatorIds: indicators?.map((i) => i.id),
    cityIds: cityIds && [...new Set(cityIds)].sort((a, b) => a - b),
    yearFrom: parameters.yearFrom,
    yearTo: parameters.yearTo,
    statuses: parameters.statuses,
    sourceIds,
  };
  const scope = exportCondition(filter);

  const row = (await queryOne<SummaryRow>(
    context.dataSource,
    sql`SELECT count(*)::int AS rows,
            coalesce(array_agg(DISTINCT o.year::int), '{}') AS years,
            coalesce(array_agg(DISTINCT o.disaggregation::text), '{}') AS disaggregations,
            coalesce(array_agg(DISTINCT o.source_id || ':' || o.indicator_id), '{}') AS source_indicators
     FROM observation o
     WHERE ${scope}`,
  )) as SummaryRow;
  const dimensions = new Set<string>();
  for (const key of row.disaggregations)
    for (const dimension of splitDisaggregation(key).keys()) dimensions.add(dimension);
  const pairs = row.source_indicators.map((pair) => pair.split(':').map(Number) as [number, number]);
  const canonical: ExportParameters = {
    ...parameters,
    indicators: indicators?.map((i) => i.code),
    cities: cities?.slugs,
    sources: sourceIds?.map(String),
  };
  const { asOf: _asOf, ...question } = canonical;
  return {
    parameters: canonical,
    release,
    filter,
    summary: {
      rows: row.rows,
      years: row.years,
      dimensions: [...dimensions].sort(),
      sourceIds: [...new Set(pairs.map(([source]) => source))].sort((a, b) => a - b),
      indicatorIds: [...new Set(pairs.map(([, indicator]) => indicator))].sort((a, b) => a - b),
      sourceIndicators: pairs,
    },
    queryHash: queryHash('export', question, release?.id ?? null),
  };
}
