import type { DataSource } from 'typeorm';
import { adoptionByCity } from '../../commitment/adoption';
import type { SqlCondition } from '../../common/sql';
import { runSql } from '../../common/sql';
import { MAX_YEAR, MIN_YEAR } from '../../common/years';
import type { ObservationStatus } from '../../indicator/observation.entity';
import { oneValuePerCityYear } from '../../indicator/oneValuePerCityYear';

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
  params: { instrumentId: number; indicatorId: number; releaseId: number | null; cities: SqlCondition | null },
): Promise<PanelCity[]> {
  const release = 'CAST(:releaseId AS int)';
  const rows = await runSql<Row>(
    db,
    `-- sql commitmentImpact CALLAWAY_SANTANNA: every city's adoption and values
     WITH adoption AS (${adoptionByCity({ instrumentId: 'CAST(:instrumentId AS int)', releaseId: release })})
     SELECT c.id AS city_id, a.adoption_year, a.undated, s.year, s.value, s.status, s.source_id
     FROM city c
     LEFT JOIN adoption a ON a.city_id = c.id
     JOIN LATERAL (${oneValuePerCityYear({
       cityId: 'c.id',
       indicatorId: 'CAST(:indicatorId AS int)',
       yearFrom: String(MIN_YEAR),
       yearTo: String(MAX_YEAR),
       releaseId: release,
     })}) s ON true
     ${params.cities ? `WHERE ${params.cities.sql}` : ''}
     ORDER BY c.id, s.year`,
    {
      ...(params.cities?.params ?? {}),
      instrumentId: params.instrumentId,
      indicatorId: params.indicatorId,
      releaseId: params.releaseId,
    },
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
