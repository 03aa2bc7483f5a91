import type { QueryRunner } from 'typeorm';
import { isUniqueViolation } from '../../errorCauses';
import { execute, query, queryOne, sql } from '../common/sqlTag';
import { bulkWriteAllowed, finishBulkWrite, startBulkWrite } from './bulkWrite';

/**
 * The file holds two values for one key (city, indicator, year, disaggregation), found by the
 * merge instead of a check of its own (see mergeObservations). The caller rolls the merge back
 * and reports them; `cause` is the unique violation, when that is how they were found.
 */
export class DuplicateKeys extends Error {
  constructor(readonly cause?: unknown) {
    super('the file holds two values for one key');
  }
}

/** The release a merge created and what it did. */
export interface MergeCounts {
  releaseId: number;
  added: number;
  changed: number;
  unchanged: number;
}

/**
 * The set-based merge. A staged value whose current row (same city, indicator, year,
 * disaggregation and source) differs in value, bounds, status or note supersedes it; a staged
 * value with no current row is added; an identical one is left alone.
 *
 * Each staged row is first paired with its current row, if any, in one join: the update and the
 * insert then never read the observation table they write. (An insert that looked for current
 * rows itself was planned, on a freshly vacuumed empty table, as a nested loop scanning the
 * table once per row while filling it: quadratic, minutes for 60,000 rows.)
 *
 * Where the role may, the update and the insert run with the table's triggers off and their
 * work done once for the whole merge (bulkWrite.ts): the references checked and locked once
 * each instead of four foreign key checks per row, latest_observation refreshed once.
 *
 * Two staged values for one key (a file's duplicates, when no other problem had them looked
 * for first: importObservations) throw DuplicateKeys, found without a pass of their own: two
 * that have a current row are paired with the same one, and two that have none are both
 * inserted, which the unique indexes refuse. (A hash aggregate over the staged rows found them
 * before every merge: 0.25 s of an import of 300,000 rows, docs/performance.md.)
 */
export async function mergeObservations(
  queryRunner: QueryRunner,
  sourceId: number,
  description: string,
  progress: (message: string) => void,
): Promise<MergeCounts> {
  const { id: releaseId } = (await queryOne<{ id: number }>(
    queryRunner,
    sql`INSERT INTO release (description, source_id) VALUES (${description}, ${sourceId}) RETURNING id`,
  ))!;
  await execute(
    queryRunner,
    sql`CREATE TEMP TABLE import_merge (
       city_id int NOT NULL, indicator_id int NOT NULL, year smallint NOT NULL, disaggregation varchar(200) NOT NULL,
       value float8 NOT NULL, lower float8, upper float8, status varchar(20) NOT NULL, note text,
       current_id int, unchanged boolean NOT NULL
     ) ON COMMIT DROP`,
  );
  // The file's indicators, as a list: the current rows can then be read from the indicator
  // index for these indicators only (none at all for new ones), whatever the planner makes of
  // the join (not measured on its own; see docs/performance.md).
  const indicatorIds = (
    await query<{ indicator_id: number }>(queryRunner, sql`SELECT DISTINCT indicator_id FROM import_indicator`)
  ).map((r) => r.indicator_id);
  await execute(
    queryRunner,
    sql`INSERT INTO import_merge
     SELECT c.city_id, i.indicator_id, s.year, s.disaggregation, s.value, s.lower, s.upper, s.status, s.note,
            o.id AS current_id,
            o.id IS NOT NULL AND (o.value, o.lower, o.upper, o.status, o.note)
              IS NOT DISTINCT FROM (s.value, s.lower, s.upper, s.status, s.note) AS unchanged
     FROM import_staging s
     JOIN import_city c ON c.city_ref = s.city_ref
     JOIN import_indicator i ON i.indicator_ref = s.indicator_ref
     LEFT JOIN observation o ON o.city_id = c.city_id AND o.indicator_id = i.indicator_id AND o.year = s.year
       AND o.disaggregation = s.disaggregation AND o.source_id = ${sourceId} AND o.superseded_in_release_id IS NULL
       AND o.indicator_id = ANY(${indicatorIds}::int[])`,
  );
  const { unchanged, writing, superseding, paired } = (await queryOne<{
    unchanged: number;
    writing: number;
    superseding: number;
    paired: number;
  }>(
    queryRunner,
    sql`SELECT count(*) FILTER (WHERE unchanged)::int AS unchanged, count(*) FILTER (WHERE NOT unchanged)::int AS writing,
            count(*) FILTER (WHERE current_id IS NOT NULL AND NOT unchanged)::int AS superseding,
            count(current_id)::int AS paired
     FROM import_merge`,
  ))!;
  // Duplicates with a current row: paired with the same one (unchanged or not, so the insert
  // below would not always meet them).
  if (paired > 1) {
    const { repeated } = (await queryOne<{ repeated: boolean }>(
      queryRunner,
      sql`SELECT EXISTS (SELECT 1 FROM import_merge WHERE current_id IS NOT NULL
                         GROUP BY current_id HAVING count(*) > 1) AS repeated`,
    ))!;
    if (repeated) throw new DuplicateKeys();
  }
  progress(`${unchanged.toLocaleString('en')} values unchanged; writing ${writing.toLocaleString('en')}`);
  // Statistics for the UPDATE's join with observation; a file of new values (no UPDATE) only
  // reads the table whole, in the insert and the refresh, and is spared the 50 ms at 300,000 rows.
  if (superseding > 0) await execute(queryRunner, sql`ANALYZE import_merge`);
  const bulk = writing > 0 && (await bulkWriteAllowed(queryRunner));
  if (bulk) await startBulkWrite(queryRunner, sourceId);
  // A file of new values supersedes nothing: no UPDATE, whose join the planner may still run
  // over the whole table. The indicator too, though the id alone finds the row: it is the
  // partition key, so each probe reads one partition's primary key instead of all eight.
  const changed =
    superseding === 0
      ? 0
      : await execute(
          queryRunner,
          sql`UPDATE observation o SET superseded_in_release_id = ${releaseId} FROM import_merge m
              WHERE o.id = m.current_id AND o.indicator_id = m.indicator_id AND NOT m.unchanged`,
        );
  // The changed and the new values in city order, the order of UQ_observation_key_release: each
  // of its index pages they go to is visited once by the whole insert, instead of once per
  // indicator of the file, with the pages evicted in between when the index outgrows
  // shared_buffers. (The two indexes that lead with the indicator get one range per indicator
  // either way; docs/performance.md, "The indexes an import fills".)
  // Duplicates without a current row are both inserted: UQ_observation_current (and the key of
  // the release) refuse the second. The imports' lock keeps other writers of these keys out.
  const inserted = await execute(
    queryRunner,
    sql`INSERT INTO observation (city_id, indicator_id, year, disaggregation, value, lower, upper, status, note, source_id, release_id)
     SELECT city_id, indicator_id, year, disaggregation, value, lower, upper, status, note, ${sourceId}, ${releaseId}
     FROM import_merge WHERE NOT unchanged
     ORDER BY city_id, indicator_id, year, disaggregation`,
  ).catch((error: unknown) => {
    throw isUniqueViolation(error) ? new DuplicateKeys(error) : error;
  });
  if (bulk) await finishBulkWrite(queryRunner);
  return { releaseId, changed, added: inserted - changed, unchanged };
}

/** Writes the counts on the release: only for a merge that is committed. */
export async function recordCounts(queryRunner: QueryRunner, counts: MergeCounts): Promise<void> {
  await execute(
    queryRunner,
    sql`UPDATE release SET rows_added = ${counts.added}, rows_changed = ${counts.changed}, rows_unchanged = ${counts.unchanged}
        WHERE id = ${counts.releaseId}`,
  );
}
