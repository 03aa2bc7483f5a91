import type { QueryRunner } from 'typeorm';
import { isUniqueViolation } from '../../errorCauses';
import { execute, query, queryOne, type Sql, sql } from '../common/sqlTag';
import { writeObservations } from './bulkWrite';
import { STAGED_WITH_IDS } from './stagedChecks';

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
 * table once per row while filling it: quadratic, minutes for 60,000 rows.) A file none of whose
 * indicators has a current value from its source (a first load) has nothing to pair: it is
 * inserted from the staging table directly (insertNewValues).
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
  merge: { sourceId: number; description: string; staged: number; progress: (message: string) => void },
): Promise<MergeCounts> {
  const { sourceId, progress } = merge;
  const { id: releaseId } = (await queryOne<{ id: number }>(
    queryRunner,
    sql`INSERT INTO release (description, source_id) VALUES (${merge.description}, ${sourceId}) RETURNING id`,
  ))!;
  // The file's indicators, as a list: the current rows can then be read from the indicator
  // index for these indicators only (none at all for new ones), whatever the planner makes of
  // the join (not measured on its own; see docs/performance.md).
  const indicatorIds = (
    await query<{ indicator_id: number }>(queryRunner, sql`SELECT DISTINCT indicator_id FROM import_indicator`)
  ).map((r) => r.indicator_id);
  // No current value of this source for any of the file's indicators (a first load of them):
  // every staged value is new, so none is paired, and they are inserted straight from the
  // staging join (insertNewValues). One probe of UQ_observation_current per indicator.
  const { current } = (await queryOne<{ current: boolean }>(
    queryRunner,
    sql`SELECT EXISTS (SELECT 1 FROM observation WHERE indicator_id = ANY(${indicatorIds}::int[])
          AND source_id = ${sourceId} AND superseded_in_release_id IS NULL) AS current`,
  ))!;
  if (!current) return insertNewValues(queryRunner, releaseId, merge);

  await execute(
    queryRunner,
    sql`CREATE TEMP TABLE import_merge (
       city_id int NOT NULL, indicator_id int NOT NULL, year smallint NOT NULL, disaggregation varchar(200) NOT NULL,
       value float8 NOT NULL, lower float8, upper float8, status varchar(20) NOT NULL, note text,
       current_id int, unchanged boolean NOT NULL
     ) ON COMMIT DROP`,
  );
  await execute(
    queryRunner,
    sql`INSERT INTO import_merge
     SELECT c.city_id, i.indicator_id, s.year, s.disaggregation, s.value, s.lower, s.upper, s.status, s.note,
            o.id AS current_id,
            o.id IS NOT NULL AND (o.value, o.lower, o.upper, o.status, o.note)
              IS NOT DISTINCT FROM (s.value, s.lower, s.upper, s.status, s.note) AS unchanged
     FROM ${STAGED_WITH_IDS}
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
  const pairs = sql`SELECT DISTINCT city_id, indicator_id FROM import_merge WHERE NOT unchanged AND disaggregation = ''`;
  const { changed, inserted } = await writeObservations(queryRunner, sourceId, writing, pairs, async () => {
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
    const inserted = await insertObservations(
      queryRunner,
      sql`SELECT city_id, indicator_id, year, disaggregation, value, lower, upper, status, note, ${sourceId}::int, ${releaseId}::int
          FROM import_merge WHERE NOT unchanged`,
    );
    return { changed, inserted };
  });
  return { releaseId, changed, added: inserted - changed, unchanged };
}

/**
 * A file of new values only: inserted from the staging join itself, without first writing every
 * staged row into import_merge to pair it with nothing (0.2-0.25 s of an import of 300,000
 * rows, docs/performance.md). Its duplicate keys are all among new values, so the insert meets
 * them.
 */
async function insertNewValues(
  queryRunner: QueryRunner,
  releaseId: number,
  merge: { sourceId: number; staged: number; progress: (message: string) => void },
): Promise<MergeCounts> {
  merge.progress(`0 values unchanged; writing ${merge.staged.toLocaleString('en')}`);
  const pairs = sql`SELECT DISTINCT c.city_id, i.indicator_id FROM ${STAGED_WITH_IDS} WHERE s.disaggregation = ''`;
  const added = await writeObservations(queryRunner, merge.sourceId, merge.staged, pairs, () =>
    insertObservations(
      queryRunner,
      sql`SELECT c.city_id, i.indicator_id, s.year, s.disaggregation, s.value, s.lower, s.upper, s.status, s.note,
                 ${merge.sourceId}::int, ${releaseId}::int
          FROM ${STAGED_WITH_IDS}`,
    ),
  );
  return { releaseId, changed: 0, added, unchanged: 0 };
}

/**
 * Inserts the rows `rows` selects (the observation columns in table order, source and release
 * last), in city order, the order of UQ_observation_key_release: each of its index pages they
 * go to is visited once by the whole insert, instead of once per indicator of the file, with the
 * pages evicted in between when the index outgrows shared_buffers. (The two indexes that lead
 * with the indicator get one range per indicator either way; docs/performance.md, "The indexes
 * an import fills".) Duplicates without a current row are both inserted: UQ_observation_current
 * (and the key of the release) refuse the second, which throws DuplicateKeys. The imports'
 * lock keeps other writers of these keys out.
 */
async function insertObservations(queryRunner: QueryRunner, rows: Sql): Promise<number> {
  return execute(
    queryRunner,
    sql`INSERT INTO observation (city_id, indicator_id, year, disaggregation, value, lower, upper, status, note, source_id, release_id)
        SELECT * FROM (${rows}) r (city_id, indicator_id, year, disaggregation, value, lower, upper, status, note, source_id, release_id)
        ORDER BY city_id, indicator_id, year, disaggregation`,
  ).catch((error: unknown) => {
    throw isUniqueViolation(error) ? new DuplicateKeys(error) : error;
  });
}

/** Writes the counts on the release: only for a merge that is committed. */
export async function recordCounts(queryRunner: QueryRunner, counts: MergeCounts): Promise<void> {
  await execute(
    queryRunner,
    sql`UPDATE release SET rows_added = ${counts.added}, rows_changed = ${counts.changed}, rows_unchanged = ${counts.unchanged}
        WHERE id = ${counts.releaseId}`,
  );
}
