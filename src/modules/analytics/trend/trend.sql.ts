import type { DataSource } from 'typeorm';
import { query, type Sql, sql } from '../../common/sqlTag';
import type { ObservationStatus } from '../../indicator/observation.entity';
import { oneValuePerCityYear } from '../../indicator/oneValuePerCityYear';
import { releaseParameter } from '../../source/visibility';

/** One yearly value of a series, as the trend reads it. */
export interface SeriesPoint {
  year: number;
  value: number;
  status: ObservationStatus;
  sourceId: number;
}

/** One City.trend: a city, an indicator by code, an inclusive window and a release (null: current). */
export interface CitySeriesKey {
  cityId: number;
  indicatorCode: string;
  yearFrom: number;
  yearTo: number;
  releaseId: number | null;
}

interface SeriesRow {
  ord: number;
  indicator_id: number | null;
  year: number | null;
  value: number | null;
  status: ObservationStatus | null;
  source_id: number | null;
}

function point(row: {
  year: number | null;
  value: number | null;
  status: ObservationStatus | null;
  source_id: number | null;
}): SeriesPoint {
  return {
    year: row.year as number,
    value: row.value as number,
    status: row.status as ObservationStatus,
    sourceId: row.source_id as number,
  };
}

/**
 * The series of every key in one statement, whatever the mix of cities, indicators, windows
 * and releases: the keys travel as parallel arrays, `unnest ... WITH ORDINALITY` turns them
 * back into rows, and each key's points come from oneValuePerCityYear as a LATERAL subquery.
 * The indicator is joined by code so an unknown code costs no statement of its own: its key
 * answers null. Answers are in key order, one per key.
 */
export async function selectCitySeries(
  db: DataSource,
  keys: readonly CitySeriesKey[],
): Promise<(SeriesPoint[] | null)[]> {
  const rows = await query<SeriesRow>(
    db,
    sql`-- sql trend: City.trend batch
     SELECT k.ord::int AS ord, i.id AS indicator_id, v.year, v.value, v.status, v.source_id
     FROM unnest(CAST(${keys.map((k) => k.cityId)} AS int[]), CAST(${keys.map((k) => k.indicatorCode)} AS text[]), CAST(${keys.map((k) => k.yearFrom)} AS int[]),
                 CAST(${keys.map((k) => k.yearTo)} AS int[]), CAST(${keys.map((k) => k.releaseId)} AS int[]))
          WITH ORDINALITY AS k(city_id, code, year_from, year_to, release_id, ord)
     LEFT JOIN indicator i ON i.code = k.code
     LEFT JOIN LATERAL (${oneValuePerCityYear({
       cityId: sql.raw('k.city_id'),
       indicatorId: sql.raw('i.id'),
       yearFrom: sql.raw('k.year_from'),
       yearTo: sql.raw('k.year_to'),
       releaseId: sql.raw('k.release_id'),
     })}) v ON true
     ORDER BY k.ord, v.year`,
  );
  const series: (SeriesPoint[] | null)[] = keys.map(() => []);
  for (const row of rows) {
    const index = row.ord - 1;
    if (row.indicator_id === null) series[index] = null;
    else if (row.year !== null) (series[index] as SeriesPoint[]).push(point(row));
  }
  return series;
}

export interface TrendPageParams {
  indicatorId: number;
  yearFrom: number;
  yearTo: number;
  releaseId: number | null;
  /** A CityFilter as a predicate over a city aliased `c` (cityFilterCondition), or null for every city. */
  cities: Sql | null;
  /** Resume after this (name, id); null for the first page. */
  after: { name: string; id: number } | null;
  /** Cities to return; one more is read to learn whether there is a next page. */
  limit: number;
}

export interface TrendPageCity {
  cityId: number;
  name: string;
  points: SeriesPoint[];
}

export interface TrendPage {
  /** Cities in scope with at least one value in the window, across all pages. */
  total: number;
  /** Ordered by name, then id; at most limit + 1. */
  cities: TrendPageCity[];
}

interface PageRow {
  total: number;
  city_id: number | null;
  city_name: string | null;
  year: number | null;
  value: number | null;
  status: ObservationStatus | null;
  source_id: number | null;
}

/**
 * A page of the trend in one statement: the cities in scope with a value in the window (their
 * count across all pages, once), the page of them by (name, id) after the cursor, and each page
 * city's yearly points from oneValuePerCityYear. The existence probe uses the same rule, so a
 * city counted always has points.
 */
export async function selectTrendPage(db: DataSource, params: TrendPageParams): Promise<TrendPage> {
  const series = (cityId: string) =>
    oneValuePerCityYear({
      cityId: sql.raw(cityId),
      indicatorId: sql`CAST(${params.indicatorId} AS int)`,
      yearFrom: sql`CAST(${params.yearFrom} AS int)`,
      yearTo: sql`CAST(${params.yearTo} AS int)`,
      releaseId: releaseParameter(params.releaseId),
    });
  const afterName = params.after?.name ?? null;
  const rows = await query<PageRow>(
    db,
    sql`-- sql trend: a page of cities
     WITH scoped AS (
       SELECT c.id, c.name FROM city c
       WHERE ${params.cities ? sql`(${params.cities}) AND ` : sql.empty}EXISTS (${series('c.id')})
     ),
     page AS (
       SELECT s.id, s.name FROM scoped s
       WHERE CAST(${afterName} AS text) IS NULL OR (s.name, s.id) > (CAST(${afterName} AS text), CAST(${params.after?.id ?? null} AS int))
       ORDER BY s.name, s.id
       LIMIT CAST(${params.limit} AS int) + 1
     )
     SELECT t.total, p.id AS city_id, p.name AS city_name, v.year, v.value, v.status, v.source_id
     FROM (SELECT count(*)::int AS total FROM scoped) t
     LEFT JOIN page p ON true
     LEFT JOIN LATERAL (${series('p.id')}) v ON true
     ORDER BY p.name, p.id, v.year`,
  );
  const cities: TrendPageCity[] = [];
  for (const row of rows) {
    if (row.city_id === null) continue;
    let city = cities[cities.length - 1];
    if (city?.cityId !== row.city_id) {
      city = { cityId: row.city_id, name: row.city_name as string, points: [] };
      cities.push(city);
    }
    if (row.year !== null) city.points.push(point(row));
  }
  return { total: rows[0]?.total ?? 0, cities };
}
