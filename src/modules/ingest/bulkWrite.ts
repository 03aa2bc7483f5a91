import type { QueryRunner } from 'typeorm';
import { execute, queryOne, type Sql, sql } from '../common/sqlTag';

/**
 * The triggers on `observation` whose work a bulk write does itself, once per import: the
 * foreign keys' (internal, not listed here), latest_observation's and the data-change
 * notification's. A trigger added later and not named here is never skipped: its presence
 * turns the bulk write off, and the import writes through every trigger as before.
 */
const TRIGGERS_DONE_HERE = [
  'latest_observation_delete',
  'latest_observation_insert',
  'latest_observation_truncate',
  'latest_observation_update',
  'rg_data_changed',
].join(',');

/**
 * Whether the merge may write `observation` with its triggers off (`session_replication_role =
 * replica`, for the writing statements only): the role may set it (a superuser, the embedded
 * database, or `GRANT SET ON PARAMETER session_replication_role`), and the table has no trigger
 * but those whose work `finishBulkWrite` does. Otherwise the merge writes with every trigger on,
 * as it always did: the same rows, slower.
 *
 * Why: each row inserted fires four foreign key checks (city, indicator, source, release), each
 * a query of its own; at 300,000 rows they were more than half the import (docs/performance.md).
 * The import has already resolved every reference set-based, so it checks (and locks) each
 * referenced row once instead, in `startBulkWrite`.
 */
async function bulkWriteAllowed(queryRunner: QueryRunner): Promise<boolean> {
  const row = await queryOne<{ allowed: boolean }>(
    queryRunner,
    sql`SELECT has_parameter_privilege('session_replication_role', 'SET')
         AND (SELECT coalesce(string_agg(tgname, ',' ORDER BY tgname), '') FROM pg_trigger
              WHERE tgrelid = 'observation'::regclass AND NOT tgisinternal) = ${TRIGGERS_DONE_HERE} AS allowed`,
  );
  return row?.allowed === true;
}

/**
 * What the foreign key checks would do, once per referenced row instead of once per written row:
 * locks the cities, indicators and source the merge writes (FOR KEY SHARE, the lock a foreign key
 * check takes, so no one deletes them before the import commits), fails if one is gone, then turns
 * the triggers off for the writes that follow.
 */
export async function startBulkWrite(queryRunner: QueryRunner, sourceId: number): Promise<void> {
  const found = (await queryOne<{
    cities: number;
    city_ids: number;
    indicators: number;
    indicator_ids: number;
    sources: number;
  }>(
    queryRunner,
    sql`WITH cities AS (SELECT id FROM city WHERE id IN (SELECT city_id FROM import_city) FOR KEY SHARE),
          indicators AS (SELECT id FROM indicator WHERE id IN (SELECT indicator_id FROM import_indicator) FOR KEY SHARE),
          sources AS (SELECT id FROM source WHERE id = ${sourceId} FOR KEY SHARE)
        SELECT (SELECT count(*) FROM cities)::int AS cities,
               (SELECT count(DISTINCT city_id) FROM import_city)::int AS city_ids,
               (SELECT count(*) FROM indicators)::int AS indicators,
               (SELECT count(DISTINCT indicator_id) FROM import_indicator)::int AS indicator_ids,
               (SELECT count(*) FROM sources)::int AS sources`,
  ))!;
  if (found.cities !== found.city_ids || found.indicators !== found.indicator_ids || found.sources !== 1) {
    // The foreign key check's failure, in words: another session deleted a city, an indicator or
    // the source after the import resolved it. The transaction rolls back.
    throw new Error('a city, indicator or source of the file was deleted while it was imported; nothing was imported');
  }
  await execute(queryRunner, sql`SET LOCAL session_replication_role = replica`);
}

/**
 * Turns the triggers back on and does once what the skipped statement triggers would have done
 * after each write: recomputes latest_observation for the (city, indicator) pairs whose totals
 * the merge wrote (`pairs` selects them, distinct; the same function the triggers call, on the
 * same pairs), and tells the response caches that observation changed (delivered at commit, as
 * the trigger's is).
 */
async function finishBulkWrite(queryRunner: QueryRunner, pairs: Sql): Promise<void> {
  await execute(queryRunner, sql`SET LOCAL session_replication_role = origin`);
  // A table never analyzed (the first import into a new database) has no statistics: the
  // refresh's probes were then planned on the (indicator, year) index, reading every row of the
  // indicator for each pair, 10,000 times (7 minutes for the benchmark's first 300,000 rows).
  const { analyzed } = (await queryOne<{ analyzed: boolean }>(
    queryRunner,
    sql`SELECT reltuples >= 0 AS analyzed FROM pg_class WHERE oid = 'observation'::regclass`,
  ))!;
  if (!analyzed) await execute(queryRunner, sql`ANALYZE observation`);
  await execute(
    queryRunner,
    sql`SELECT latest_observation_refresh(array_agg(city_id), array_agg(indicator_id))
        FROM (${pairs}) p (city_id, indicator_id)
        HAVING count(*) > 0`,
  );
  await execute(queryRunner, sql`SELECT pg_notify('rightsgraph_data_changed', 'observation')`);
}

/**
 * Runs `write`, the merge's writes of `rows` rows to observation, in bulk where the role may
 * (bulkWriteAllowed): between startBulkWrite and finishBulkWrite, which refreshes
 * latest_observation for the (city, indicator) pairs `pairs` selects. Otherwise, or with nothing
 * to write, `write` runs alone, through every trigger.
 */
export async function writeObservations<T>(
  queryRunner: QueryRunner,
  sourceId: number,
  rows: number,
  pairs: Sql,
  write: () => Promise<T>,
): Promise<T> {
  const bulk = rows > 0 && (await bulkWriteAllowed(queryRunner));
  if (bulk) await startBulkWrite(queryRunner, sourceId);
  const result = await write();
  if (bulk) await finishBulkWrite(queryRunner, pairs);
  return result;
}
