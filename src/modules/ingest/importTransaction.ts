import type { DataSource, QueryRunner } from 'typeorm';

/** What an import's work decided: its answer, and whether its writes are kept. */
export interface Outcome<T> {
  result: T;
  commit: boolean;
}

/**
 * Runs an import in one transaction on a connection of its own, committed only when the work
 * says so. An import may take minutes: the API's statement timeout does not apply to it. A
 * failure rolls back; a process killed mid-import leaves an uncommitted transaction, that is,
 * no change.
 */
export async function inImportTransaction<T>(
  dataSource: DataSource,
  work: (queryRunner: QueryRunner) => Promise<Outcome<T>>,
): Promise<T> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    await queryRunner.startTransaction();
    await queryRunner.query(`SET LOCAL statement_timeout = 0`);
    // The duplicate check, the merge's joins and its sort hold a row per staged value: 300,000 of
    // them do not fit in the default 4 MB and spill to disk. Imports check and merge one at a
    // time (the advisory lock), so this is memory one session takes for the length of an import.
    await queryRunner.query(`SET LOCAL work_mem = '64MB'`);
    const { result, commit } = await work(queryRunner);
    if (commit) await queryRunner.commitTransaction();
    else await queryRunner.rollbackTransaction();
    return result;
  } catch (error) {
    // The first error says what went wrong: a rollback that fails too (the session killed, the
    // connection cut) must not hide it; the server rolls back a dead session's transaction.
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await queryRunner.release();
  }
}

/**
 * One import at a time from here to the end of the transaction: two imports may read and stage
 * their files at once, but checking names against the database, creating the missing ones and
 * merging must not interleave, or both would create the same new city (a second one under a
 * "-2" slug) or indicator (a unique violation), and two merges of the same keys would race for
 * the current row. (The trigger on observation takes the same lock; it is re-entrant.)
 */
export async function lockImports(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`SELECT pg_advisory_xact_lock(hashtext('rightsgraph import'))`);
}
