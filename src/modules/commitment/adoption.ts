import { type Sql, sql } from '../common/sqlTag';
import { inForceAsOf } from '../source/visibility';

/**
 * When a city adopted an instrument locally, as every analytic of adoption reads it: per city,
 * the year of its earliest dated ADOPTED or IMPLEMENTED commitment to the instrument in force as
 * of the release (a proposed, lapsed or repealed one is no adoption), and how many such
 * commitments have no date. A SELECT of (city_id, adoption_year, undated) grouped by city, given
 * SQL for the instrument and the release (parameters or columns). `adoption_year` is null when
 * every adopted commitment is undated.
 *
 * commitmentImpact's `adoption` CTE and syntheticControl's adopter both read this fragment.
 */
export function adoptionByCity(params: { instrumentId: Sql; releaseId: Sql }): Sql {
  return sql`SELECT m.city_id,
         min(CAST(extract(year FROM m.adopted_on) AS int)) AS adoption_year,
         CAST(count(*) FILTER (WHERE m.adopted_on IS NULL) AS int) AS undated
  FROM commitment m
  WHERE m.instrument_id = ${params.instrumentId} AND m.status IN ('ADOPTED', 'IMPLEMENTED')
    AND ${inForceAsOf('m', params.releaseId)}
  GROUP BY m.city_id`;
}
