import { adoptionByCity } from '../commitment/adoption';
import { type Sql, sql } from '../common/sqlTag';
import { releaseParameter } from '../source/visibility';
import type { City } from '../city/city.entity';
import type { ImpactExclusionReason } from './impact.types';
import type { ObservationScope } from './scope.types';

export interface ImpactRow {
  n_adopters: number;
  n_controls_total: number;
  mean_change_adopters: number | null;
  mean_change_controls: number | null;
  did_total: number | null;
  source_ids: number[];
  statuses: Record<string, number> | null;
  adopter_id: number | null;
  adoption_year: number | null;
  before_mean: number | null;
  after_mean: number | null;
  n_before: number | null;
  n_after: number | null;
  control_mean_change: number | null;
  n_controls: number | null;
  reason: ImpactExclusionReason | null;
}

/** A row of the statement: the summary, one adopter's figures and the adopter's city columns. */
export type ImpactCityRow = ImpactRow & City;

/** The adopter's city: the row without the summary's and the adopter's figures. */
export function cityOfRow(row: ImpactCityRow): City {
  const {
    n_adopters,
    n_controls_total,
    mean_change_adopters,
    mean_change_controls,
    did_total,
    source_ids,
    statuses,
    adopter_id,
    adoption_year,
    before_mean,
    after_mean,
    n_before,
    n_after,
    control_mean_change,
    n_controls,
    reason,
    ...city
  } = row;
  return city;
}

/**
 * What the statement reads: the scope (its CityFilter over `c` lists adopters in the filter with
 * no data at all), the select list of the adopter's city (entityColumns, aliased `c`), the ids
 * and the window.
 */
export interface ImpactParams {
  scope: ObservationScope;
  cityColumns: Sql;
  indicatorId: number;
  instrumentId: number;
  window: number;
}

/**
 * The whole analysis in one statement, so the number of statements does not depend on the
 * number of cities.
 *
 * - `obs`: one value per (city, year): totals in scope, the lowest source id when several
 *   sources give the year.
 * - `adoption`: per city, the year of its earliest dated ADOPTED/IMPLEMENTED commitment to the
 *   instrument, and how many such commitments are undated.
 * - `adopter_value` / `adopter_side`: each adopter's values in [A-w, A-1] and [A+1, A+w].
 * - `control_value` / `control_change`: per distinct adoption year A (the controls depend only
 *   on A, and an adopter is never its own control since it adopted by A+w), every city with
 *   values in [A-w, A+w] that had not adopted by A+w (a city with an undated adopted commitment
 *   might have, so it is never a control); a control counts only with data on both sides.
 *   Grouping by year rather than by adopter keeps the rows at years x cities x 2w, and the
 *   window years are joined by equality (adoption year + offset), so the join hashes.
 * - `result`: per adopter, the mean control change for its year and why it is not used, if it
 *   is not.
 * - `summary`: the means over used adopters, distinct controls, sources and statuses of the
 *   values that entered the answer (each city-year once). Sources are found by asking, for each
 *   of the few sources of the indicator, whether any used value has it (EXISTS stops at the
 *   first), and statuses from the values not MEASURED only: collecting every used value (a
 *   few hundred thousand rows on 2,000 cities) to keep one or two source ids cost more than
 *   the analysis itself.
 * - The control windows are the adoption year plus the offsets -w..-1, 1..w (an array
 *   parameter whose length the planner sees): generate_series over a column is estimated at
 *   1,000 rows, which inflated the plan's cost past Postgres's JIT threshold, and compiling
 *   the plan took a second.
 *
 * `summary LEFT JOIN result` always yields a row, even with no adopter.
 */
export function impactSql(params: ImpactParams): Sql {
  const { scope, window: w } = params;
  return sql`
WITH obs AS (
  SELECT DISTINCT ON (o.city_id, o.year) o.city_id, o.year, o.value, o.status, o.source_id
  FROM observation o
  WHERE o.indicator_id = ${params.indicatorId} AND ${scope.where}
  ORDER BY o.city_id, o.year, o.source_id
),
adoption AS (
  ${adoptionByCity({ instrumentId: sql`${params.instrumentId}`, releaseId: releaseParameter(scope.releaseId) })}
),
adopter AS (
  SELECT a.city_id, a.adoption_year AS y
  FROM adoption a
  JOIN city c ON c.id = a.city_id
  ${scope.cities ? sql`WHERE ${scope.cities}` : sql.empty}
),
adopter_value AS (
  SELECT ad.city_id AS adopter_id, o.city_id, o.year, o.value, o.status, o.source_id, o.year < ad.y AS is_before
  FROM adopter ad
  JOIN obs o ON o.city_id = ad.city_id
   AND o.year BETWEEN ad.y - ${w} AND ad.y + ${w} AND o.year <> ad.y
),
adopter_side AS (
  SELECT ad.city_id, ad.y,
         avg(v.value) FILTER (WHERE v.is_before) AS before_mean,
         avg(v.value) FILTER (WHERE NOT v.is_before) AS after_mean,
         CAST(count(v.year) FILTER (WHERE v.is_before) AS int) AS n_before,
         CAST(count(v.year) FILTER (WHERE NOT v.is_before) AS int) AS n_after
  FROM adopter ad
  LEFT JOIN adopter_value v ON v.adopter_id = ad.city_id
  GROUP BY ad.city_id, ad.y
),
adoption_year AS (
  SELECT DISTINCT y FROM adopter WHERE y IS NOT NULL
),
control_value AS (
  SELECT ay.y, o.city_id, o.year, o.value, o.status, o.source_id, o.year < ay.y AS is_before
  FROM adoption_year ay
  CROSS JOIN unnest(CAST(${windowOffsets(w)} AS int[])) AS d(offset_years)
  JOIN obs o ON o.year = ay.y + d.offset_years
  LEFT JOIN adoption x ON x.city_id = o.city_id
  WHERE x.city_id IS NULL OR (x.undated = 0 AND x.adoption_year > ay.y + ${w})
),
control_change AS (
  SELECT y, city_id, avg(value) FILTER (WHERE NOT is_before) - avg(value) FILTER (WHERE is_before) AS change
  FROM control_value
  GROUP BY y, city_id
  HAVING count(*) FILTER (WHERE is_before) > 0 AND count(*) FILTER (WHERE NOT is_before) > 0
),
control_mean AS (
  SELECT y, avg(change) AS mean_change, CAST(count(*) AS int) AS n
  FROM control_change
  GROUP BY y
),
result AS (
  SELECT s.city_id, s.y, s.before_mean, s.after_mean, s.n_before, s.n_after,
         cm.mean_change AS control_mean_change, coalesce(cm.n, 0) AS n_controls,
         CASE
           WHEN s.y IS NULL THEN 'NO_ADOPTION_DATE'
           WHEN s.n_before = 0 AND s.n_after = 0 THEN 'NO_DATA_EITHER'
           WHEN s.n_before = 0 THEN 'NO_DATA_BEFORE'
           WHEN s.n_after = 0 THEN 'NO_DATA_AFTER'
           WHEN cm.n IS NULL THEN 'NO_CONTROLS'
         END AS reason
  FROM adopter_side s
  LEFT JOIN control_mean cm ON cm.y = s.y
),
used AS (
  SELECT * FROM result WHERE reason IS NULL
),
used_year AS (
  SELECT DISTINCT y FROM used
),
used_control AS (
  SELECT cc.y, cc.city_id FROM control_change cc JOIN used_year uy ON uy.y = cc.y
),
flagged_value AS (
  SELECT v.city_id, v.year, v.status
  FROM adopter_value v JOIN used u ON u.city_id = v.adopter_id
  WHERE v.status <> 'MEASURED'
  UNION ALL
  SELECT v.city_id, v.year, v.status
  FROM control_value v JOIN used_control uc ON uc.y = v.y AND uc.city_id = v.city_id
  WHERE v.status <> 'MEASURED'
),
summary AS (
  SELECT
    (SELECT CAST(count(*) AS int) FROM used) AS n_adopters,
    (SELECT avg(after_mean - before_mean) FROM used) AS mean_change_adopters,
    (SELECT avg(control_mean_change) FROM used) AS mean_change_controls,
    (SELECT avg((after_mean - before_mean) - control_mean_change) FROM used) AS did_total,
    (SELECT CAST(count(DISTINCT city_id) AS int) FROM used_control) AS n_controls_total,
    (SELECT coalesce(array_agg(d.source_id ORDER BY d.source_id), '{}')
       FROM (SELECT DISTINCT source_id FROM obs) d
       WHERE EXISTS (SELECT 1 FROM adopter_value v JOIN used u ON u.city_id = v.adopter_id
                     WHERE v.source_id = d.source_id)
          OR EXISTS (SELECT 1 FROM control_value v JOIN used_control uc ON uc.y = v.y AND uc.city_id = v.city_id
                     WHERE v.source_id = d.source_id)) AS source_ids,
    (SELECT jsonb_object_agg(status, n)
       FROM (SELECT status, CAST(count(*) AS int) AS n
             FROM (SELECT DISTINCT city_id, year, status FROM flagged_value) d
             GROUP BY status) s) AS statuses
)
SELECT summary.*, ${params.cityColumns},
       r.city_id AS adopter_id, r.y AS adoption_year, r.before_mean, r.after_mean, r.n_before, r.n_after,
       r.control_mean_change, r.n_controls, r.reason
FROM summary
LEFT JOIN result r ON true
LEFT JOIN city c ON c.id = r.city_id
ORDER BY r.y NULLS LAST, c.name, c.id`;
}

/** -w..-1 and 1..w: the years of both windows relative to the adoption year. */
export function windowOffsets(window: number): number[] {
  return Array.from({ length: window }, (_, k) => k + 1).flatMap((k) => [-k, k]);
}
