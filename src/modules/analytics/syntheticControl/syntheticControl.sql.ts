import type { DataSource } from 'typeorm';
import { adoptionByCity } from '../../commitment/adoption';
import { query, type Sql, sql } from '../../common/sqlTag';
import { MAX_YEAR, MIN_YEAR } from '../../common/years';
import type { ObservationStatus } from '../../indicator/observation.entity';
import { oneValuePerCityYear } from '../../indicator/oneValuePerCityYear';
import { inForceAsOf, releaseParameter } from '../../source/visibility';

export interface SyntheticControlParams {
  cityId: number;
  instrumentId: number;
  indicatorId: number;
  releaseId: number | null;
  /** The `donors` CityFilter as a predicate over a city aliased `c` (cityFilterCondition), or null for every city. */
  donors: Sql | null;
}

export interface PanelValue {
  year: number;
  value: number;
  status: ObservationStatus;
  sourceId: number;
}

export interface SyntheticControlData {
  /** The treated city's earliest dated adoption year; null when it has no adopted commitment or only undated ones. */
  adoptionYear: number | null;
  /** Its ADOPTED or IMPLEMENTED commitments to the instrument without a date. */
  undated: number;
  /** Its commitments to the instrument of any status in force as of the release. */
  commitments: number;
  treated: PanelValue[];
  /** Every candidate donor with at least one value, by city id; each series by year. */
  donors: { cityId: number; values: PanelValue[] }[];
}

interface Row {
  adoption_year: number | null;
  undated: number | null;
  commitments: number;
  city_id: number | null;
  year: number | null;
  value: number | null;
  status: ObservationStatus | null;
  source_id: number | null;
}

/**
 * Everything the synthetic control reads, in one statement whatever the number of donors:
 *
 * - the treated city's adoption (the shared rule, commitment/adoption.ts) and its count of
 *   commitments to the instrument of any status, as of the release;
 * - the candidate donors: the cities of the filter, other than the treated city, with no
 *   commitment to the instrument of any status in force as of the release (a proposed or
 *   lapsed one too: the campaign behind it may already have moved the outcome);
 * - every year's value of the treated city and the donors by the shared rule
 *   (oneValuePerCityYear, as of the release). A donor without any value yields no row.
 *
 * The header comes from a one-row subquery LEFT JOINed to the values, so it is there even
 * when no city has a value.
 */
export async function selectSyntheticControlData(
  db: DataSource,
  params: SyntheticControlParams,
): Promise<SyntheticControlData> {
  const release = () => releaseParameter(params.releaseId);
  const cityId = () => sql`CAST(${params.cityId} AS int)`;
  const instrumentId = () => sql`CAST(${params.instrumentId} AS int)`;
  const series = (city: string) =>
    oneValuePerCityYear({
      cityId: sql.raw(city),
      indicatorId: sql`CAST(${params.indicatorId} AS int)`,
      yearFrom: sql.raw(String(MIN_YEAR)),
      yearTo: sql.raw(String(MAX_YEAR)),
      releaseId: release(),
    });
  const rows = await query<Row>(
    db,
    sql`-- sql syntheticControl: the treated city, the donors and their values
     WITH adoption AS (${adoptionByCity({ instrumentId: instrumentId(), releaseId: release() })}),
     unit AS (
       SELECT ${cityId()} AS city_id
       UNION ALL
       SELECT c.id FROM city c
       WHERE c.id <> ${cityId()}
         ${params.donors ? sql`AND (${params.donors})` : sql.empty}
         AND NOT EXISTS (SELECT 1 FROM commitment m
                         WHERE m.city_id = c.id AND m.instrument_id = ${instrumentId()}
                           AND ${inForceAsOf('m', release())})
     )
     SELECT h.adoption_year, h.undated, h.commitments, v.city_id, v.year, v.value, v.status, v.source_id
     FROM (SELECT a.adoption_year, a.undated,
                  (SELECT CAST(count(*) AS int) FROM commitment m
                   WHERE m.city_id = ${cityId()} AND m.instrument_id = ${instrumentId()}
                     AND ${inForceAsOf('m', release())}) AS commitments
           FROM (SELECT 1) one
           LEFT JOIN adoption a ON a.city_id = ${cityId()}) h
     LEFT JOIN (SELECT u.city_id, s.year, s.value, s.status, s.source_id
                FROM unit u
                JOIN LATERAL (${series('u.city_id')}) s ON true) v ON true
     ORDER BY v.city_id, v.year`,
  );
  const header = rows[0];
  const data: SyntheticControlData = {
    adoptionYear: header?.adoption_year ?? null,
    undated: header?.undated ?? 0,
    commitments: header?.commitments ?? 0,
    treated: [],
    donors: [],
  };
  for (const row of rows) {
    if (row.city_id === null) continue;
    const value: PanelValue = {
      year: row.year as number,
      value: row.value as number,
      status: row.status as ObservationStatus,
      sourceId: row.source_id as number,
    };
    if (row.city_id === params.cityId) {
      data.treated.push(value);
      continue;
    }
    let donor = data.donors[data.donors.length - 1];
    if (donor?.cityId !== row.city_id) {
      donor = { cityId: row.city_id, values: [] };
      data.donors.push(donor);
    }
    donor.values.push(value);
  }
  return data;
}
