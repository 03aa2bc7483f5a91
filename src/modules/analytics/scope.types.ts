import type { SqlCondition } from '../common/sql';

/**
 * The observations an answer may use, as SQL: as of the release (named parameter `:releaseId`),
 * totals only (disaggregated values are never mixed with totals), and, when a CityFilter is
 * given, only its cities. `o` is the observation alias, `c` the city's.
 */
export interface ObservationScope extends SqlCondition {
  /** The CityFilter alone, as a predicate over a city aliased `c` (same parameters); null without a filter. */
  cities: string | null;
}
