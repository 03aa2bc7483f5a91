import { type Sql, sql } from '../common/sqlTag';

/**
 * SQL expressions naming what the series is of: a column of the enclosing statement
 * (`sql.raw('c.id')`) or a typed parameter (`sql\`CAST(${id} AS int)\``).
 */
export interface CityYearSeries {
  cityId: Sql;
  indicatorId: Sql;
  /** Inclusive bounds; both must be non-null expressions. */
  yearFrom: Sql;
  yearTo: Sql;
  /** A release id, or NULL for the current data. */
  releaseId: Sql;
}

/**
 * The series of one city and indicator with one value per year, as every analytic over time
 * reads it: totals only (a value for a group is never mixed with totals), visible as of the
 * release, and when several sources give the same year, the lowest source id's value (a
 * fixed rule, so the answer is reproducible; values of different sources are never averaged).
 * A SELECT of the function's observation columns, ordered by year; use it as a LATERAL subquery.
 *
 * The rule is the SQL function `rg_one_value_per_city_year` (migration
 * AddObservationRuleFunctions); the latest_observation trigger reads the same function, so the
 * latest value kept there is the last point of this series. The planner inlines the function.
 * The trend and the scorecard's trend read their points here, so their slopes agree.
 */
export function oneValuePerCityYear(series: CityYearSeries): Sql {
  // o.*: selecting some of the function's columns would add a Subquery Scan to the plan.
  return sql`SELECT o.* FROM rg_one_value_per_city_year(${series.cityId}, ${series.indicatorId}, ${series.yearFrom}, ${series.yearTo}, ${series.releaseId}) o
    ORDER BY o.year`;
}

/**
 * The latest value of one city and indicator within the year bounds (both non-null), as the
 * ranking and the scorecard read it and as latest_observation keeps it: the last year of
 * oneValuePerCityYear. A LATERAL-able SELECT of the observation columns of that series. The SQL function
 * `rg_latest_city_value` holds the rule; the planner inlines it.
 */
export function latestCityValue(series: CityYearSeries): Sql {
  return sql`SELECT o.* FROM rg_latest_city_value(${series.cityId}, ${series.indicatorId}, ${series.yearFrom}, ${series.yearTo}, ${series.releaseId}) o`;
}
