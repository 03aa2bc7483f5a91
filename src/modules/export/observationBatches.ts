import type { DataSource } from 'typeorm';
import { query, sql } from '../common/sqlTag';
import type { ObservationStatus } from '../indicator/observation.entity';
import { type ExportFilter, exportCondition } from './resolveExport';

/** Rows per statement: large enough that a million rows take 200 round trips, small enough to stay a few MB. */
export const EXPORT_BATCH_SIZE = 5000;

/** One observation as the export writes it: the row plus its city's and indicator's codes. */
export interface ExportRow {
  id: number;
  cityId: number;
  indicatorId: number;
  city: string;
  country: string;
  region: string | null;
  indicator: string;
  year: number;
  disaggregation: string;
  value: number;
  lower: number | null;
  upper: number | null;
  status: ObservationStatus;
  note: string | null;
  sourceId: number;
  sourceTitle: string;
  releaseId: number;
}

/**
 * The selected observations in batches, ordered by city, indicator, year, disaggregation and
 * id. Each batch is one statement that continues after the last row of the previous one
 * (keyset pagination: the (city_id, indicator_id, year) index finds the place, so every batch
 * costs the same however deep into the table it starts). Between batches no connection is held,
 * so a slow client never pins a connection or a transaction, and embedded PGlite (one session)
 * keeps answering other requests; the caller's pinned release keeps the batches consistent.
 * Memory is one batch, whatever the number of rows.
 */
export async function* observationBatches(
  dataSource: DataSource,
  filter: ExportFilter,
  batchSize = EXPORT_BATCH_SIZE,
): AsyncGenerator<ExportRow[]> {
  let last: ExportRow | undefined;
  for (;;) {
    const scope = exportCondition(filter, last?.cityId);
    const after = last
      ? sql`AND (o.city_id, o.indicator_id, o.year, o.disaggregation, o.id)
            > (CAST(${last.cityId} AS int), CAST(${last.indicatorId} AS int), CAST(${last.year} AS smallint), CAST(${last.disaggregation} AS varchar), CAST(${last.id} AS int))`
      : sql.empty;
    // The LIMIT applies to observation alone, before any join: the plan is then an ordered
    // scan of one index from the keyset on, whatever the statistics of the joined tables. (With
    // the joins under the LIMIT, stale city statistics once made the planner loop over every
    // city per batch: 10 s a batch instead of 20 ms.)
    const batch = await query<ExportRow>(
      dataSource,
      sql`SELECT o.id, o.city_id AS "cityId", o.indicator_id AS "indicatorId", c.slug AS city,
              trim(c.country_code) AS country, c.region, i.code AS indicator, o.year, o.disaggregation, o.value,
              o.lower, o.upper, o.status, o.note, o.source_id AS "sourceId", s.title AS "sourceTitle",
              o.release_id AS "releaseId"
       FROM (
         SELECT o.* FROM observation o
         WHERE ${scope} ${after}
         ORDER BY o.city_id, o.indicator_id, o.year, o.disaggregation, o.id
         LIMIT CAST(${batchSize} AS int)
       ) o
       JOIN city c ON c.id = o.city_id
       JOIN indicator i ON i.id = o.indicator_id
       JOIN source s ON s.id = o.source_id
       ORDER BY o.city_id, o.indicator_id, o.year, o.disaggregation, o.id`,
    );
    if (batch.length > 0) yield batch;
    if (batch.length < batchSize) return;
    last = batch[batch.length - 1];
  }
}
