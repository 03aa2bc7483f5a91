import { Field, ObjectType } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { City } from '../city/city.entity';
import { entityColumns, prefixedEntity } from '../common/entityRows';
import { query, sql } from '../common/sqlTag';
import { checkYearRange } from '../common/validate';
import { Indicator } from '../indicator/indicator.entity';
import { Observation } from '../indicator/observation.entity';
import { Citation, Warning, WarningCode } from './analytics.types';
import { buildCitation } from './citation';
import { countStatuses, noData, observationScope, statusWarnings } from './scope';
import {
  checkCitiesFound,
  numericCityIds,
  resolveCities,
  resolveIndicators,
  resolveRelease,
} from '../reference/references';
import { MAX_YEAR, MIN_YEAR } from '../common/years';

const CITY = 'city.';

/** Bounds on one compare request: 100 cities x 20 indicators is already 2,000 series. */
export const COMPARE_MAX_CITIES = 100;
export const COMPARE_MAX_INDICATORS = 20;

@ObjectType({ description: 'The values of one indicator for one city, by year' })
export class CompareSeries {
  @Field(() => City)
  city: City;

  @Field(() => Indicator)
  indicator: Indicator;

  @Field(() => [Observation], {
    description:
      'Totals in the year range as of the release, ordered by year then source id. A year without a value is absent (never zero); a year two sources report appears once per source.',
  })
  points: Observation[];
}

@ObjectType()
export class CompareResult {
  @Field(() => [CompareSeries], {
    description:
      'One series per (city, indicator) pair: cities in the order asked, and within a city the indicators in the order asked; a series without values is present and empty',
  })
  series: CompareSeries[];

  /** Unset when the query does not select it (see citationSelected). */
  @Field(() => Citation)
  citation?: Citation;

  @Field(() => [Warning])
  warnings: Warning[];
}

export interface CompareArgs {
  cityIds: string[];
  indicatorCodes: string[];
  yearFrom?: number | null;
  yearTo?: number | null;
  asOf?: string | null;
}

/** The columns a compare point can carry; its JSON array holds those the query needs, in this order. */
const POINT_COLUMNS = [
  'id',
  'year',
  'value',
  'lower',
  'upper',
  'status',
  'note',
  'source_id',
  'release_id',
  'superseded_in_release_id',
] as const;
type PointColumn = (typeof POINT_COLUMNS)[number];

/** Where each column sits in a point's JSON array, -1 when it was not read. */
type PointLayout = Record<PointColumn, number>;

function layoutOf(columns: readonly PointColumn[]): PointLayout {
  return Object.fromEntries(POINT_COLUMNS.map((c) => [c, columns.indexOf(c)])) as PointLayout;
}

/**
 * An Observation from its JSON array (columns not read are null). Numbers are as exact as in a
 * plain row: Postgres writes float8 the same way into JSON as into its text protocol (shortest
 * text that reads back as the same double, with the default extra_float_digits of 1).
 * `disaggregation` is '' by the scope (totals only).
 */
function observationOf(cityId: number, indicatorId: number, t: unknown[], at: PointLayout): Observation {
  const get = <T>(i: number): T => (i < 0 ? null : t[i]) as T;
  // A plain object of the entity's shape: `new Observation()` would first define every
  // declared field, relations included, as undefined (ES2022 class fields), 2,930 times an answer.
  const observation: Omit<Observation, 'city' | 'indicator' | 'source' | 'release' | 'supersededInRelease'> = {
    id: get(at.id),
    cityId,
    indicatorId,
    year: get(at.year),
    disaggregation: '',
    value: get(at.value),
    lower: get(at.lower),
    upper: get(at.upper),
    status: get(at.status),
    note: get(at.note),
    sourceId: get(at.source_id),
    releaseId: get(at.release_id),
    supersededInReleaseId: get(at.superseded_in_release_id),
  };
  return observation as Observation;
}

function checkCount(argument: string, values: unknown[], max: number): void {
  if (values.length < 1 || values.length > max) {
    throw badUserInput(`${argument} must name between 1 and ${max} items, got ${values.length}`, {
      argument,
      value: values.length,
    });
  }
}

/** Repeated ids or codes ask for the same series twice: the first occurrence keeps its place. */
function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/**
 * Which point columns a selection of Observation fields needs. Year, status and source are
 * always read: the warnings count statuses and the citation names the sources.
 */
function pointColumns(selected: ReadonlySet<string> | null): PointColumn[] {
  const columns = new Set<PointColumn>(['year', 'status', 'source_id']);
  const byField: Record<string, PointColumn> = {
    id: 'id',
    value: 'value',
    lower: 'lower',
    upper: 'upper',
    note: 'note',
    release: 'release_id',
  };
  if (selected === null) return [...POINT_COLUMNS];
  for (const [field, column] of Object.entries(byField)) if (selected.has(field)) columns.add(column);
  return POINT_COLUMNS.filter((column) => columns.has(column));
}

/**
 * `cite`: whether the query selects the citation (citationSelected); only then are the newest
 * release and the sources read.
 * `pointFields`: the Observation fields the query selects on the points (null: all). Only the
 * columns they need travel in each point's JSON array: four for `points { year value }`
 * instead of eleven.
 */
export async function compare(
  context: Context,
  args: CompareArgs,
  pointFields: ReadonlySet<string> | null = null,
  cite = true,
): Promise<CompareResult> {
  checkYearRange(args.yearFrom, args.yearTo);
  const cityIds = unique(args.cityIds);
  const codes = unique(args.indicatorCodes);
  checkCount('cityIds', cityIds, COMPARE_MAX_CITIES);
  checkCount('indicatorCodes', codes, COMPARE_MAX_INDICATORS);
  // Cities named by id are read in the series' statement (one statement for the answer); by
  // slug, they are looked up first.
  const ids = numericCityIds(cityIds, 'cityIds');
  const [named, indicators, release] = await Promise.all([
    ids ? null : resolveCities(context, cityIds, 'cityIds'),
    resolveIndicators(context, codes, 'indicatorCodes'),
    resolveRelease(context, args.asOf, { newest: cite }),
  ]);
  // Ids that differ only in spelling ("7" and "07") are one city.
  const distinctIds = named ? unique(named.map((c) => c.id)) : unique(ids as number[]);
  const pairs = distinctIds.flatMap((cityId) => indicators.map((indicator) => ({ cityId, indicator })));
  const scope = await observationScope(context, { releaseId: release?.id ?? null });
  const read = pointColumns(pointFields);
  const at = layoutOf(read);

  // One statement for every series: the pairs travel as two parallel arrays, `unnest ... WITH
  // ORDINALITY` numbers them (the order asked for), and each pair reads its own rows through
  // one range of IDX_observation_latest (indicator, city, year). Each series comes back as one
  // row holding its points as a JSON array of arrays: one JSON.parse per series instead of the
  // driver decoding ~3,000 rows of 14 columns, which was most of the CPU of a 20 x 5 x 30 compare. The
  // aggregate also keeps Postgres from flattening the LATERAL subquery into a hash join over a
  // sequential scan, which it chose whenever the table looked small. `disaggregation` is not
  // read (the scope takes totals only), so unless the query selects `note` (never indexed: it
  // is free text) IDX_observation_latest alone answers: an index-only scan.
  // Every source's value per year (not one value per year), and `note`, which rg_city_totals does not return: inline.
  // Column names from pointColumns' closed list, written in code.
  const columns = sql.raw(read.map((c) => `o.${c}`).join(', '));
  // The cities by id: each city's row on its first pair only (pairs go city by city).
  const readCities = named === null;
  const rows = await query<{ ord: number; points: unknown[][] | null } & Record<string, unknown>>(
    context.dataSource,
    sql`SELECT k.ord::int AS ord, p.points${readCities ? sql`, ${entityColumns(context.dataSource, City, 'pc', CITY)}` : sql.empty}
     FROM unnest(CAST(${pairs.map((p) => p.cityId)} AS int[]), CAST(${pairs.map((p) => p.indicator.id)} AS int[])) WITH ORDINALITY AS k(city_id, indicator_id, ord)${
       readCities
         ? sql`
     LEFT JOIN city pc ON pc.id = k.city_id AND (k.ord - 1) % CAST(${indicators.length} AS int) = 0`
         : sql.empty
     }
     CROSS JOIN LATERAL (
       SELECT json_agg(json_build_array(${columns}) ORDER BY o.year, o.source_id) AS points
       FROM observation o
       WHERE o.city_id = k.city_id AND o.indicator_id = k.indicator_id AND ${scope.where}
         -- Redundant with the line above, but known when the statement is planned: the planner
         -- keeps only these indicators' partitions of observation (HASH by indicator_id) instead
         -- of planning all eight for the pairs (2 x 10 pairs at 30M rows: 9.7 ms to 0.4-0.6 ms).
         AND o.indicator_id = ANY(CAST(${unique(indicators.map((i) => i.id))} AS int[]))
         AND o.year BETWEEN coalesce(CAST(${args.yearFrom ?? null} AS int), ${sql.raw(String(MIN_YEAR))}) AND coalesce(CAST(${args.yearTo ?? null} AS int), ${sql.raw(String(MAX_YEAR))})
     ) p
     ORDER BY k.ord`,
  );

  const cityById = new Map((named ?? []).map((c) => [c.id, c]));
  if (readCities) {
    for (const row of rows) {
      const city = prefixedEntity<City>(row, CITY, 'id');
      if (!city) continue;
      cityById.set(city.id, city);
      context.loaders.cityById.prime(city.id, city);
    }
    await checkCitiesFound(context, cityIds, 'cityIds', new Set(cityById.keys()));
  }
  const series: CompareSeries[] = pairs.map(({ cityId, indicator }) => ({
    city: cityById.get(cityId) as City,
    indicator,
    points: [],
  }));
  for (const row of rows) {
    const s = series[row.ord - 1];
    for (const tuple of row.points ?? []) s.points.push(observationOf(s.city.id, s.indicator.id, tuple, at));
  }

  const points = series.flatMap((s) => s.points);
  const warnings: Warning[] = [];
  const units = unique(indicators.map((i) => i.unit));
  if (units.length > 1) {
    warnings.push({
      code: WarningCode.MIXED_UNITS,
      message: `The indicators are in different units (${indicators.map((i) => `${i.code}: ${i.unit}`).join(', ')}): compare the series' shapes, not their levels`,
    });
  }
  const range =
    args.yearFrom !== null && args.yearFrom !== undefined
      ? args.yearTo !== null && args.yearTo !== undefined
        ? ` in ${args.yearFrom}-${args.yearTo}`
        : ` from ${args.yearFrom}`
      : args.yearTo !== null && args.yearTo !== undefined
        ? ` up to ${args.yearTo}`
        : '';
  for (const s of series) {
    if (s.points.length === 0) warnings.push(noData(`No values of ${s.indicator.code} for ${s.city.slug}${range}`));
  }
  warnings.push(...statusWarnings(countStatuses(points.map((p) => p.status))));

  return {
    series,
    warnings,
    citation: cite
      ? await buildCitation(context, {
          query: 'compare',
          args: { ...args, cityIds, indicatorCodes: codes },
          sourceIds: points.map((p) => p.sourceId),
          release,
        })
      : undefined,
  };
}
