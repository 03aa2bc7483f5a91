import { visibleAsOf } from '../source/visibility';

/**
 * SQL expressions (constant text written in code, never values: those travel as parameters)
 * naming what the series is of.
 */
export interface CityYearSeries {
  cityId: string;
  indicatorId: string;
  /** Inclusive bounds; both must be non-null expressions. */
  yearFrom: string;
  yearTo: string;
  /** A release id, or NULL for the current data. */
  releaseId: string;
}

/**
 * The series of one city and indicator with one value per year, as every analytic over time
 * reads it: totals only (a value for a group is never mixed with totals), visible as of the
 * release, and when several sources give the same year, the lowest source id's value (a
 * fixed rule, so the answer is reproducible; values of different sources are never averaged).
 * A SELECT of observation columns, aliased `o`, ordered by year; use it as a LATERAL subquery.
 * DISTINCT ON follows the (city_id, indicator_id, year, disaggregation, source_id, ...) unique
 * index, so the choice costs no sort.
 *
 * The trend and the scorecard's trend read their points here, so their slopes agree.
 */
export function oneValuePerCityYear(series: CityYearSeries): string {
  return `SELECT DISTINCT ON (o.year) o.id, o.city_id, o.indicator_id, o.year, o.value, o.status, o.source_id, o.release_id
    FROM observation o
    WHERE o.city_id = ${series.cityId} AND o.indicator_id = ${series.indicatorId}
      AND o.year BETWEEN ${series.yearFrom} AND ${series.yearTo}
      AND o.disaggregation = ''
      AND ${visibleAsOf('o', series.releaseId)}
    ORDER BY o.year, o.source_id`;
}
