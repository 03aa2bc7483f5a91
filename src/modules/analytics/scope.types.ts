import type { Sql } from '../common/sqlTag';

/**
 * The observations an answer may use: as of the release, totals only (disaggregated values are
 * never mixed with totals), and, when a CityFilter is given, only its cities. `o` is the
 * observation alias, `c` the city's.
 */
export interface ObservationScope {
  /** The whole rule as one predicate over `observation o`. */
  where: Sql;
  /** The CityFilter alone, as a predicate over a city aliased `c`; null without a filter. */
  cities: Sql | null;
  /** The release the scope is as of (null: the current data). */
  releaseId: number | null;
}
