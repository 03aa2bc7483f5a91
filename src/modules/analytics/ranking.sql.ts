import type { DataSource } from 'typeorm';
import { query, type Sql, sql } from '../common/sqlTag';
import { MAX_YEAR, MIN_YEAR } from '../common/years';
import { Direction } from '../indicator/indicator.entity';
import type { ObservationStatus } from '../indicator/observation.entity';
import { latestCityValue } from '../indicator/oneValuePerCityYear';
import { releaseParameter } from '../source/visibility';
import { UnknownReference } from '../reference/unknownReference';
import type { CityRank } from './ranking.types';
import type { ObservationScope } from './scope.types';

/** One ranked value, before the city and source are attached. */
export interface RankedRow {
  cityId: number;
  year: number;
  value: number;
  lower: number | null;
  upper: number | null;
  status: ObservationStatus;
  sourceId: number;
  rank: number;
  percentile: number;
  tier: number;
}

export interface RankingTable {
  indicatorId: number;
  /** All cities ranked, whatever the limit. */
  total: number;
  /** Sources of every ranked value (all of them shape ranks and percentiles). */
  sourceIds: number[];
  statusCounts: Partial<Record<ObservationStatus, number>>;
  /** Best first, at most `limit`. */
  rows: RankedRow[];
}

/**
 * Tiers, walking best-first: an entry joins the current tier while its interval overlaps the
 * interval of the tier's first entry (closed intervals: touching counts); otherwise it starts
 * the next tier. A missing bound is the value itself, so a value without bounds is [value, value].
 * Comparing with the tier's first entry rather than the previous one keeps a chain of small
 * overlaps from merging cities whose intervals are far apart.
 */
export function assignTiers(rows: readonly { value: number; lower: number | null; upper: number | null }[]): number[] {
  let tier = 0;
  let head: [number, number] | null = null;
  return rows.map((row) => {
    const lower = row.lower ?? row.value;
    const upper = row.upper ?? row.value;
    if (head === null || lower > head[1] || upper < head[0]) {
      tier += 1;
      head = [lower, upper];
    }
    return tier;
  });
}

interface Row {
  indicator_id: number;
  total: number;
  source_ids: number[];
  status_counts: Record<string, number>;
  city_id: number | null;
  year: number;
  value: number;
  lower: number | null;
  upper: number | null;
  status: ObservationStatus;
  source_id: number;
  rank: number;
  percentile: number;
}

/**
 * The ranking of one indicator in one statement; null when no indicator has the code.
 *
 * Each city in scope contributes one value: the year asked for, else its latest year; when
 * several sources give that city-year, the lowest source id. Values are ordered by a sort key
 * that is the value for LOWER_IS_BETTER and minus the value otherwise (HIGHER_IS_BETTER, and
 * NEUTRAL, which is ranked highest first), so `rank()` over it is the competition rank. The
 * percentile is 100 * (n - rank + 1) / n: rank - 1 cities are strictly better, so n - rank + 1
 * are equal or worse. Totals, status counts and sources cover all ranked cities; only the first
 * `limit` entries are returned. Tiers are walked here over those rows (a prefix of the
 * ranking, so a page's tiers are the full ranking's).
 */
export async function computeRanking(
  dataSource: DataSource,
  params: {
    indicatorCode: string;
    /**
     * The indicator's id when the caller has resolved it: the probes then name it as a constant,
     * so the planner keeps only its partition of `observation` (HASH by indicator_id) instead of
     * planning all eight and pruning at run time. The statement still joins the indicator by
     * code, so one deleted meanwhile still gives null.
     */
    indicatorId?: number;
    year: number | null;
    scope: ObservationScope;
    limit: number | null;
  },
): Promise<RankingTable | null> {
  const release = () => releaseParameter(params.scope.releaseId);
  const year = params.year === null ? null : sql`CAST(${params.year} AS int)`;
  // Ascending sort key: the value for LOWER_IS_BETTER, minus the value otherwise.
  const sortKey = (alias: string) =>
    sql.raw(
      `CASE WHEN ind.direction = '${Direction.LOWER_IS_BETTER}' THEN ${alias}.value ELSE -${alias}.value END AS sort_key`,
    );
  // Each city's latest value by the rule latest_observation is kept by (latestCityValue), as of
  // the scope's release; the scope's CityFilter selects the cities probed.
  const probe = (condition: Sql | null) => {
    const where = [params.scope.cities, condition].filter((c): c is Sql => c !== null);
    return sql`
       SELECT c.id AS city_id, c.name AS city_name, v.year, v.value, v.lower, v.upper, v.status, v.source_id,
              ${sortKey('v')}
       FROM ind
       CROSS JOIN city c
       CROSS JOIN LATERAL (${latestCityValue({
         cityId: sql.raw('c.id'),
         indicatorId: params.indicatorId === undefined ? sql.raw('ind.id') : sql`CAST(${params.indicatorId} AS int)`,
         yearFrom: year ?? sql.raw(String(MIN_YEAR)),
         yearTo: year ?? sql.raw(String(MAX_YEAR)),
         releaseId: release(),
       })}) v
       ${where.length > 0 ? sql`WHERE ${sql.join(where, ' AND ')}` : sql.empty}`;
  };
  // Without a year, as of the newest release, each city's value is its row of
  // latest_observation (kept by triggers to the probe's choice): one index range instead of a
  // probe per city. Whether the release is still the newest is decided inside the statement, by
  // a one-time filter on each branch, so an import committing meanwhile cannot mix the two.
  const newer = () => sql`SELECT 1 FROM release r WHERE r.id > ${release()}`;
  const chosen =
    params.year !== null
      ? probe(null)
      : sql`
       SELECT c.id AS city_id, c.name AS city_name, l.year, l.value, l.lower, l.upper, l.status, l.source_id,
              ${sortKey('l')}
       FROM ind
       JOIN latest_observation l ON l.indicator_id = ind.id
       JOIN city c ON c.id = l.city_id
       WHERE NOT EXISTS (${newer()}) ${params.scope.cities ? sql`AND ${params.scope.cities}` : sql.empty}
       UNION ALL
       ${probe(sql`EXISTS (${newer()})`)}`;
  const rows = await query<Row>(
    dataSource,
    sql`WITH ind AS (
       SELECT i.id, i.direction FROM indicator i WHERE i.code = ${params.indicatorCode}
     ),
     chosen AS (${chosen}
     ),
     ranked AS (
       SELECT chosen.*,
              rank() OVER (ORDER BY sort_key)::int AS rank,
              row_number() OVER (ORDER BY sort_key, city_name, city_id)::int AS pos,
              count(*) OVER ()::int AS n
       FROM chosen
     ),
     summary AS (
       SELECT count(*)::int AS total,
              coalesce(array_agg(DISTINCT source_id), '{}') AS source_ids,
              (SELECT coalesce(jsonb_object_agg(g.status, g.n), '{}'::jsonb)
                 FROM (SELECT status, count(*)::int AS n FROM ranked GROUP BY status) g) AS status_counts
       FROM ranked
     )
     SELECT ind.id AS indicator_id, s.total,
            -- Once, not on each of up to thousands of rows.
            CASE WHEN coalesce(r.pos, 1) = 1 THEN s.source_ids END AS source_ids,
            CASE WHEN coalesce(r.pos, 1) = 1 THEN s.status_counts END AS status_counts,
            r.city_id, r.year, r.value, r.lower, r.upper, r.status, r.source_id, r.rank,
            (100 * (r.n - r.rank + 1))::float8 / r.n AS percentile
     FROM ind
     CROSS JOIN summary s
     LEFT JOIN ranked r ON r.pos <= coalesce(CAST(${params.limit} AS int), 2147483647)
     ORDER BY r.pos`,
  );
  if (rows.length === 0) return null;
  const entries = rows.filter((r) => r.city_id !== null);
  const tiers = assignTiers(entries);
  return {
    indicatorId: rows[0].indicator_id,
    total: rows[0].total,
    sourceIds: rows[0].source_ids,
    statusCounts: rows[0].status_counts,
    rows: entries.map((r, i) => ({
      cityId: r.city_id as number,
      year: r.year,
      value: r.value,
      lower: r.lower,
      upper: r.upper,
      status: r.status,
      sourceId: r.source_id,
      rank: r.rank,
      percentile: r.percentile,
      tier: tiers[i],
    })),
  };
}

/** The parameters of one full ranking (City.rank): one statement per distinct set per request. */
export interface RankingTableKey {
  indicatorCode: string;
  year: number | null;
  /** observationScope(filter, release): its text and values identify the scope exactly. */
  scope: ObservationScope;
}

export function rankingTableCacheKey(key: RankingTableKey): string {
  return JSON.stringify([key.indicatorCode, key.year, key.scope.where.strings, key.scope.where.values]);
}

/** Every city's rank in the full ranking, by city id; an UnknownReference for an unknown indicator. */
export async function rankingTable(dataSource: DataSource, key: RankingTableKey): Promise<Map<number, CityRank>> {
  const table = await computeRanking(dataSource, { ...key, limit: null });
  if (!table) throw new UnknownReference('indicator', key.indicatorCode);
  return new Map(
    table.rows.map((r) => [
      r.cityId,
      { rank: r.rank, value: r.value, year: r.year, percentile: r.percentile, tier: r.tier, of: table.total },
    ]),
  );
}
