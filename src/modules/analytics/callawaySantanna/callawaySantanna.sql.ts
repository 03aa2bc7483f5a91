import type { DataSource } from 'typeorm';
import { adoptionByCity } from '../../commitment/adoption';
import { query, type Sql, sql } from '../../common/sqlTag';
import { MAX_YEAR, MIN_YEAR } from '../../common/years';
import type { ObservationStatus } from '../../indicator/observation.entity';
import { oneValuePerCityYear } from '../../indicator/oneValuePerCityYear';
import { releaseParameter } from '../../source/visibility';

export interface PanelCity {
  cityId: number;
  /** The earliest dated adoption year (commitment/adoption.ts), null when none. */
  adoptionYear: number | null;
  /** Adopted commitments without a date. */
  undated: number;
  values: { year: number; value: number; status: ObservationStatus; sourceId: number }[];
}

interface Row {
  city_id: number;
  adoption_year: number | null;
  undated: number | null;
  year: number;
  value: number;
  status: ObservationStatus;
  source_id: number;
}

/**
 * The staggered-adoption panel in one statement whatever the number of cities: every city of
 * the filter with its adoption (the shared rule) and its values by the shared one-value-per-year
 * rule, both as of the release. A city without any value yields no row.
 */
export async function selectPanel(
  db: DataSource,
  params: { instrumentId: number; indicatorId: number; releaseId: number | null; cities: Sql | null },
): Promise<PanelCity[]> {
  const rows = await query<Row>(
    db,
    sql`-- sql commitmentImpact CALLAWAY_SANTANNA: every city's adoption and values
     WITH adoption AS (${adoptionByCity({
       instrumentId: sql`CAST(${params.instrumentId} AS int)`,
       releaseId: releaseParameter(params.releaseId),
     })})
     SELECT c.id AS city_id, a.adoption_year, a.undated, s.year, s.value, s.status, s.source_id
     FROM city c
     LEFT JOIN adoption a ON a.city_id = c.id
     JOIN LATERAL (${oneValuePerCityYear({
       cityId: sql.raw('c.id'),
       indicatorId: sql`CAST(${params.indicatorId} AS int)`,
       yearFrom: sql.raw(String(MIN_YEAR)),
       yearTo: sql.raw(String(MAX_YEAR)),
       releaseId: releaseParameter(params.releaseId),
     })}) s ON true
     ${params.cities ? sql`WHERE ${params.cities}` : sql.empty}
     ORDER BY c.id, s.year`,
  );
  const out: PanelCity[] = [];
  for (const row of rows) {
    let city = out[out.length - 1];
    if (city?.cityId !== row.city_id) {
      city = { cityId: row.city_id, adoptionYear: row.adoption_year, undated: row.undated ?? 0, values: [] };
      out.push(city);
    }
    city.values.push({ year: row.year, value: row.value, status: row.status, sourceId: row.source_id });
  }
  return out;
}
