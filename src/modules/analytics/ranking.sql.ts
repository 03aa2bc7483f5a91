import type { DataSource } from 'typeorm';
import type { RankingCache } from '../../cache/rankingCache';
import { City } from '../city/city.entity';
import { entityColumns, prefixedEntity } from '../common/entityRows';
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
  /** The cities of the first `cityLimit` rows, when read in the ranking's statement. */
  cities?: City[];
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

const CITY = 'city.';

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
    /** Read the city of each of the first `cityLimit` entries in the same statement. */
    cityLimit?: number;
  },
): Promise<RankingTable | null> {
  const cityLimit = params.cityLimit ?? 0;
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
            (100 * (r.n - r.rank + 1))::float8 / r.n AS percentile${
              cityLimit > 0 ? sql`, ${entityColumns(dataSource, City, 'pc', CITY)}` : sql.empty
            }
     FROM ind
     CROSS JOIN summary s
     LEFT JOIN ranked r ON r.pos <= coalesce(CAST(${params.limit} AS int), 2147483647)${
       // The page's cities in the same statement: the query would read them next.
       cityLimit > 0
         ? sql`
     LEFT JOIN city pc ON pc.id = r.city_id AND r.pos <= CAST(${cityLimit} AS int)`
         : sql.empty
     }
     ORDER BY r.pos`,
  );
  if (rows.length === 0) return null;
  const entries = rows.filter((r) => r.city_id !== null);
  const tiers = assignTiers(entries);
  const cities =
    cityLimit > 0
      ? entries
          .slice(0, cityLimit)
          .map((r) => prefixedEntity<City>(r as unknown as Record<string, unknown>, CITY, 'id'))
          .filter((c): c is City => c !== null)
      : undefined;
  return {
    cities,
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

/** One full ranking: the indicator, the year asked for (null: each city's latest) and the scope. */
export interface RankingTableKey {
  indicatorCode: string;
  /** Its id, when resolved: a constant for the planner (computeRanking); not part of the key. */
  indicatorId?: number;
  year: number | null;
  /** observationScope(filter, release): its text and values identify the scope exactly, release included. */
  scope: ObservationScope;
}

export function rankingTableCacheKey(key: RankingTableKey): string {
  return JSON.stringify([key.indicatorCode, key.year, key.scope.where.strings, key.scope.where.values]);
}

const HAS_LOWER = 1;
const HAS_UPPER = 2;
/** Bytes a ranked city takes in a RankedTable: its ten columns and the by-city index. */
export const RANKED_CITY_BYTES = 4 + 2 + 8 + 8 + 8 + 1 + 1 + 4 + 4 + 8 + 4 + 4 + 4;
/** Bytes of a RankedTable besides its cities: the arrays' headers, the sources and statuses. */
const TABLE_BYTES = 1024;

/**
 * A full ranking in columns, as held between requests (src/cache/rankingCache.ts): typed arrays,
 * so its bytes are counted exactly and the garbage collector walks 13 arrays rather than
 * thousands of row objects. Read-only once built: a page is a fresh RankingTable, a city's rank
 * a fresh CityRank.
 */
export class RankedTable {
  readonly bytes: number;
  private readonly cityId: Int32Array;
  private readonly year: Int16Array;
  private readonly value: Float64Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly bounds: Uint8Array;
  private readonly status: Uint8Array;
  private readonly sourceId: Int32Array;
  private readonly rank: Int32Array;
  private readonly percentile: Float64Array;
  private readonly tier: Int32Array;
  /** City ids ascending, and where each one is in the ranking: a binary search finds a city. */
  private readonly byCity: Int32Array;
  private readonly positionOfCity: Int32Array;
  private readonly statuses: ObservationStatus[];

  private constructor(
    readonly indicatorId: number,
    readonly total: number,
    private readonly sourceIds: readonly number[],
    private readonly statusCounts: Readonly<Partial<Record<ObservationStatus, number>>>,
    rows: readonly RankedRow[],
  ) {
    const n = rows.length;
    this.cityId = new Int32Array(n);
    this.year = new Int16Array(n);
    this.value = new Float64Array(n);
    this.lower = new Float64Array(n);
    this.upper = new Float64Array(n);
    this.bounds = new Uint8Array(n);
    this.status = new Uint8Array(n);
    this.sourceId = new Int32Array(n);
    this.rank = new Int32Array(n);
    this.percentile = new Float64Array(n);
    this.tier = new Int32Array(n);
    this.statuses = [];
    rows.forEach((r, i) => {
      this.cityId[i] = r.cityId;
      this.year[i] = r.year;
      this.value[i] = r.value;
      this.lower[i] = r.lower ?? 0;
      this.upper[i] = r.upper ?? 0;
      this.bounds[i] = (r.lower === null ? 0 : HAS_LOWER) | (r.upper === null ? 0 : HAS_UPPER);
      let status = this.statuses.indexOf(r.status);
      if (status < 0) status = this.statuses.push(r.status) - 1;
      this.status[i] = status;
      this.sourceId[i] = r.sourceId;
      this.rank[i] = r.rank;
      this.percentile[i] = r.percentile;
      this.tier[i] = r.tier;
    });
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.cityId[a] - this.cityId[b]);
    this.byCity = Int32Array.from(order, (i) => this.cityId[i]);
    this.positionOfCity = Int32Array.from(order);
    this.bytes = TABLE_BYTES + n * RANKED_CITY_BYTES + 8 * sourceIds.length + 32 * this.statuses.length;
  }

  /**
   * A full ranking (computed without a limit) in columns; null if it cannot be held exactly: a
   * year or id out of the arrays' ranges, or more than 256 statuses (none of which happens with
   * the schema's types and the status check).
   */
  static of(table: RankingTable): RankedTable | null {
    const statuses = new Set(table.rows.map((r) => r.status));
    const fits = table.rows.every(
      (r) =>
        r.year === (r.year << 16) >> 16 &&
        r.cityId === (r.cityId | 0) &&
        r.sourceId === (r.sourceId | 0) &&
        r.rank === (r.rank | 0) &&
        r.tier === (r.tier | 0),
    );
    if (!fits || statuses.size > 256 || table.rows.length !== table.total) return null;
    return new RankedTable(
      table.indicatorId,
      table.total,
      Object.freeze([...table.sourceIds]),
      Object.freeze({ ...table.statusCounts }),
      table.rows,
    );
  }

  private row(i: number): RankedRow {
    return {
      cityId: this.cityId[i],
      year: this.year[i],
      value: this.value[i],
      lower: this.bounds[i] & HAS_LOWER ? this.lower[i] : null,
      upper: this.bounds[i] & HAS_UPPER ? this.upper[i] : null,
      status: this.statuses[this.status[i]],
      sourceId: this.sourceId[i],
      rank: this.rank[i],
      percentile: this.percentile[i],
      tier: this.tier[i],
    };
  }

  /** The first `limit` entries (all with null), with the totals of the whole ranking. */
  page(limit: number | null): RankingTable {
    const n = Math.min(limit ?? this.cityId.length, this.cityId.length);
    return {
      indicatorId: this.indicatorId,
      total: this.total,
      sourceIds: [...this.sourceIds],
      statusCounts: { ...this.statusCounts },
      rows: Array.from({ length: n }, (_, i) => this.row(i)),
    };
  }

  /** A city's place in the full ranking; undefined when it has no value. */
  get(cityId: number): CityRank | undefined {
    let low = 0;
    let high = this.byCity.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.byCity[mid] < cityId) low = mid + 1;
      else if (this.byCity[mid] > cityId) high = mid - 1;
      else {
        const i = this.positionOfCity[mid];
        return {
          rank: this.rank[i],
          value: this.value[i],
          year: this.year[i],
          percentile: this.percentile[i],
          tier: this.tier[i],
          of: this.total,
        };
      }
    }
    return undefined;
  }
}

/** Computes a full ranking in columns, for a cache's `load`. */
async function rankedTable(
  dataSource: DataSource,
  key: RankingTableKey,
  cityLimit = 0,
): Promise<{ value: RankedTable | null; extra?: { table: RankingTable } }> {
  const table = await computeRanking(dataSource, { ...key, limit: null, cityLimit });
  return { value: table && RankedTable.of(table), extra: table ? { table } : undefined };
}

/**
 * A page of a ranking: from the rankings held in process when the server holds them (one full
 * ranking per key, computed once), else computed for this page alone. The first `cityLimit`
 * entries' cities come with it when the ranking was computed for this request (`cities`);
 * from a held ranking, the caller reads them.
 */
export async function rankingPage(
  dataSource: DataSource,
  rankings: RankingCache<RankedTable> | undefined,
  params: RankingTableKey & { limit: number; cityLimit: number },
): Promise<RankingTable | null> {
  if (!rankings?.usable) return computeRanking(dataSource, params);
  const { value, extra } = await rankings.load(rankingTableCacheKey(params), () =>
    rankedTable(dataSource, params, params.cityLimit),
  );
  if (!value) {
    // Not held (nothing to rank, or a ranking the columns cannot hold): the rows as computed.
    const table = extra?.table ?? (await computeRanking(dataSource, params));
    return table && { ...table, rows: table.rows.slice(0, params.limit) };
  }
  return { ...value.page(params.limit), cities: extra?.table.cities };
}

/** A city's place in a full ranking (a RankedTable; a test may give a Map). */
export interface RankLookup {
  get(cityId: number): CityRank | undefined;
}

/** Every city's rank in the full ranking, by city id; an UnknownReference for an unknown indicator. */
export async function rankingTable(
  dataSource: DataSource,
  rankings: RankingCache<RankedTable> | undefined,
  key: RankingTableKey,
): Promise<RankLookup> {
  const load = () => rankedTable(dataSource, key);
  const { value, extra } = rankings ? await rankings.load(rankingTableCacheKey(key), load) : await load();
  if (value) return value;
  const table = extra?.table ?? (await computeRanking(dataSource, { ...key, limit: null }));
  if (!table) throw new UnknownReference('indicator', key.indicatorCode);
  return new Map(
    table.rows.map((r) => [
      r.cityId,
      { rank: r.rank, value: r.value, year: r.year, percentile: r.percentile, tier: r.tier, of: table.total },
    ]),
  );
}
