import type { Context } from '../../context';
import { City } from '../city/city.entity';
import { entityColumns } from '../common/entityRows';
import { query, sql } from '../common/sqlTag';
import { MAX_YEAR, MIN_YEAR } from '../common/years';
import { Direction } from '../indicator/indicator.entity';
import { Observation } from '../indicator/observation.entity';
import { latestCityValue, oneValuePerCityYear } from '../indicator/oneValuePerCityYear';
import { Right } from '../right/right.entity';
import { inForceAsOf, releaseParameter } from '../source/visibility';
import { TREND_MIN_POINTS, TREND_YEARS } from './scorecard.types';

/** The other cities of the city's country, or every other city when the country has no other. */
export async function defaultPeers(context: Context, city: City): Promise<City[]> {
  const peers = await query<City>(
    context.dataSource,
    sql`SELECT ${entityColumns(context.dataSource, City, 'c')} FROM city c
     WHERE c.id <> ${city.id}
       AND (c.country_code = ${city.countryCode}
            OR NOT EXISTS (SELECT 1 FROM city x WHERE x.country_code = ${city.countryCode} AND x.id <> ${city.id}))
     ORDER BY c.name, c.id`,
  );
  for (const peer of peers) context.loaders.cityById.prime(peer.id, peer);
  return peers;
}

/**
 * The rights of the scorecard with their indicators and the city's commitments covering them.
 * A commitment covers a right when it lists the right itself (commitment_right) or when its
 * instrument does (instrument_right): a CEDAW ordinance covers what CEDAW covers, even if the
 * ordinance's own record names only gender equality.
 */
export async function scorecardRights(context: Context, cityId: number, releaseId: number | null) {
  const inForce = () => inForceAsOf('m', releaseParameter(releaseId));
  const rows = await query<Right & { sc_indicator_ids: number[]; sc_commitment_ids: number[] }>(
    context.dataSource,
    sql`WITH covers AS (
       SELECT cr.commitment_id, cr.right_id
       FROM commitment_right cr JOIN commitment m ON m.id = cr.commitment_id
       WHERE m.city_id = ${cityId} AND ${inForce()}
       UNION
       SELECT m.id, ir.right_id
       FROM commitment m JOIN instrument_right ir ON ir.instrument_id = m.instrument_id
       WHERE m.city_id = ${cityId} AND ${inForce()}
     )
     SELECT ${entityColumns(context.dataSource, Right, 'r')},
            ARRAY(SELECT ir.indicator_id FROM indicator_right ir JOIN indicator i ON i.id = ir.indicator_id
                  WHERE ir.right_id = r.id ORDER BY i.code) AS sc_indicator_ids,
            ARRAY(SELECT cv.commitment_id FROM covers cv WHERE cv.right_id = r.id) AS sc_commitment_ids
     FROM "right" r
     WHERE EXISTS (SELECT 1 FROM indicator_right ir WHERE ir.right_id = r.id)
        OR EXISTS (SELECT 1 FROM covers cv WHERE cv.right_id = r.id)
     ORDER BY r.code`,
  );
  return rows.map(({ sc_indicator_ids, sc_commitment_ids, ...right }) => ({
    right,
    indicatorIds: sc_indicator_ids,
    commitmentIds: new Set(sc_commitment_ids),
  }));
}

/** A row of `scorecardFigures`: the figures of one indicator and the city's latest observation (all null when none). */
interface FiguresRow extends Observation {
  sc_indicator_id: number;
  sc_rank: number | null;
  sc_ranked_count: number;
  sc_points: number;
  sc_first_year: number | null;
  sc_last_year: number | null;
  sc_slope: number | null;
  sc_statuses: string[];
  sc_source_ids: number[];
}

export interface IndicatorFigures {
  latest: Observation | null;
  rank: number | null;
  rankedCount: number;
  trend: number | null;
  trendPoints: number;
  trendFirstYear: number | null;
  trendLastYear: number | null;
  statuses: string[];
  sourceIds: number[];
}

/**
 * Every number of the scorecard in one statement, for all indicators at once:
 * - `latest`: each ranked city's (the city's and its peers') latest value per indicator, one row
 *   per city, by the rule latest_observation is kept by (latestCityValue). One index probe
 *   per (city, indicator) pair: with 30 years per series, sorting every row of the pairs
 *   (DISTINCT ON) read 30 times as many rows and spilled to disk on a country of 100 cities;
 * - `ranked`: competition rank (rank(), ties share the better rank) best-first: ascending for
 *   LOWER_IS_BETTER, descending otherwise (negating the value keeps one ORDER BY for both);
 * - `yearly`: the city's values, one per year, in (latest year - 10, latest year], by the rule
 *   the trend analytic reads its points with (oneValuePerCityYear), so the slopes agree;
 * - `trend`: regr_slope(value, year) of those, null below 3 points.
 */
export async function scorecardFigures(
  context: Context,
  input: { cityId: number; rankedIds: number[]; indicatorIds: number[]; releaseId: number | null },
): Promise<Map<number, IndicatorFigures>> {
  const release = () => releaseParameter(input.releaseId);
  const rows = await query<FiguresRow>(
    context.dataSource,
    sql`WITH latest AS (
       SELECT v.*
       FROM unnest(CAST(${input.rankedIds} AS int[])) AS rc(city_id)
       CROSS JOIN unnest(CAST(${input.indicatorIds} AS int[])) AS ri(indicator_id)
       CROSS JOIN LATERAL (${latestCityValue({
         cityId: sql.raw('rc.city_id'),
         indicatorId: sql.raw('ri.indicator_id'),
         yearFrom: sql.raw(String(MIN_YEAR)),
         yearTo: sql.raw(String(MAX_YEAR)),
         releaseId: release(),
       })}) v
     ),
     ranked AS (
       SELECT l.*,
              rank() OVER (PARTITION BY l.indicator_id
                           ORDER BY CASE WHEN i.direction = ${Direction.LOWER_IS_BETTER} THEN l.value ELSE -l.value END) AS rank
       FROM latest l JOIN indicator i ON i.id = l.indicator_id
     ),
     counts AS (SELECT indicator_id, count(*) AS n FROM latest GROUP BY indicator_id),
     mine AS (SELECT * FROM ranked WHERE city_id = ${input.cityId}),
     yearly AS (
       SELECT y.id, y.indicator_id, y.year, y.value, y.status, y.source_id
       FROM mine m
       CROSS JOIN LATERAL (${oneValuePerCityYear({
         cityId: sql`CAST(${input.cityId} AS int)`,
         indicatorId: sql.raw('m.indicator_id'),
         yearFrom: sql`m.year - CAST(${TREND_YEARS} AS int) + 1`,
         yearTo: sql.raw('m.year'),
         releaseId: release(),
       })}) y
     ),
     trend AS (
       SELECT indicator_id, count(*) AS points, min(year) AS first_year, max(year) AS last_year,
              CASE WHEN count(*) >= ${TREND_MIN_POINTS} THEN regr_slope(value, year) END AS slope
       FROM yearly GROUP BY indicator_id
     ),
     used AS (
       SELECT indicator_id, id, status, source_id FROM latest
       UNION
       SELECT indicator_id, id, status, source_id FROM yearly
     ),
     used_by_indicator AS (
       SELECT indicator_id, array_agg(status) AS statuses, array_agg(DISTINCT source_id) AS source_ids
       FROM used GROUP BY indicator_id
     )
     SELECT k.id AS sc_indicator_id, CAST(m.rank AS int) AS sc_rank, CAST(coalesce(n.n, 0) AS int) AS sc_ranked_count,
            CAST(coalesce(t.points, 0) AS int) AS sc_points, t.first_year AS sc_first_year, t.last_year AS sc_last_year,
            t.slope AS sc_slope, coalesce(u.statuses, '{}') AS sc_statuses, coalesce(u.source_ids, '{}') AS sc_source_ids,
            ${entityColumns(context.dataSource, Observation, 'o')}
     FROM unnest(CAST(${input.indicatorIds} AS int[])) AS k(id)
     LEFT JOIN mine m ON m.indicator_id = k.id
     LEFT JOIN observation o ON o.id = m.id AND o.indicator_id = m.indicator_id
     LEFT JOIN counts n ON n.indicator_id = k.id
     LEFT JOIN trend t ON t.indicator_id = k.id
     LEFT JOIN used_by_indicator u ON u.indicator_id = k.id`,
  );
  return new Map(
    rows.map(({ sc_indicator_id, sc_rank, sc_ranked_count, sc_points, sc_first_year, sc_last_year, ...rest }) => {
      const { sc_slope, sc_statuses, sc_source_ids, ...latest } = rest;
      return [
        sc_indicator_id,
        {
          latest: latest.id === null ? null : (latest as Observation),
          rank: sc_rank,
          rankedCount: sc_ranked_count,
          trend: sc_slope,
          trendPoints: sc_points,
          trendFirstYear: sc_first_year,
          trendLastYear: sc_last_year,
          statuses: sc_statuses,
          sourceIds: sc_source_ids,
        },
      ];
    }),
  );
}
