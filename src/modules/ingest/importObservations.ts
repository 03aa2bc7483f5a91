import type { DataSource } from 'typeorm';
import { createMissing } from './createMissing';
import { FileNames } from './fileNames';
import { problem, ProblemList } from './importErrors';
import { inImportTransaction, lockImports } from './importTransaction';
import { type ImportOptions, type ImportReport, MAX_PROBLEMS, NO_PLACES } from './importTypes';
import { DuplicateKeys, type MergeCounts, mergeObservations, recordCounts } from './mergeObservations';
import type { ImportInput } from './observationReader';
import { observationReader } from './observationReaders';
import { readObservationBatches } from './parseObservations';
import { upsertSource } from './resolution';
import { resolveReferences } from './resolveReferences';
import { stageRows } from './stageRows';
import { reportDuplicates, reportReferenceProblems } from './stagedChecks';
import { execute, sql } from '../common/sqlTag';

export type { ImportOptions, ImportReport, PlaceChoice, PlacesReport } from './importTypes';
export { MAX_PROBLEMS } from './importTypes';

/**
 * Imports an observations file all-or-nothing, in one transaction and one pass over the file:
 * the format's reader (observationReaders.ts; the tidy CSV by default) turns each record into
 * a raw observation, which is checked and streamed into a temporary staging table (COPY;
 * batched inserts on embedded PGlite, whose socket does not speak COPY) while it is read, so
 * memory holds counts and the distinct city and indicator names of the file, never its rows.
 * The checks that need the database (countries, cities, indicators, duplicate keys) then run
 * once per distinct name and set-based over the staging table (duplicate keys by the merge
 * itself, when nothing else failed), and every problem is reported;
 * with any problem the transaction is rolled back and nothing is written. A valid file is merged
 * set-based: changed values supersede the current row (the old row stays, for `asOf`), new ones
 * are added, identical ones counted, and one new Release records it. A file that changes
 * nothing creates no release and says so. An unknown `format` throws UnknownFormatError before
 * anything is read.
 */
export async function importObservations(
  dataSource: DataSource,
  input: ImportInput,
  options: ImportOptions,
): Promise<ImportReport> {
  const reader = observationReader(options.format);
  const progress = options.onProgress ?? (() => undefined);
  const problems = new ProblemList(MAX_PROBLEMS);
  const names = new FileNames();
  const tally = { records: 0, missing: 0, staged: 0 };
  const report = (fields: Partial<ImportReport> & { message: string }): ImportReport => ({
    ok: false,
    problems: problems.first(),
    problemCount: problems.count,
    records: tally.records,
    missing: tally.missing,
    added: 0,
    changed: 0,
    unchanged: 0,
    createdCities: [],
    places: NO_PLACES,
    createdIndicators: [],
    releaseId: null,
    dryRun: Boolean(options.dryRun),
    ...fields,
  });

  return inImportTransaction(dataSource, async (queryRunner) => {
    const batches = readObservationBatches(input, {
      reader,
      metadata: options.metadata,
      onProgress: (n) => progress(`read ${n.toLocaleString('en')} rows`),
      onProblem: (p) => problems.add(p),
      onMissing: () => {
        tally.missing += 1;
      },
      tally,
    });
    await stageRows(queryRunner, batches, names, tally);
    await lockImports(queryRunner);
    const source = options.metadata.source;
    if (!source) {
      problems.add(
        problem(
          0,
          null,
          null,
          'no source: give a datapackage.json with a title and publisher, or --source-title and --source-publisher',
        ),
      );
    }
    progress(`read ${tally.records.toLocaleString('en')} rows; checking ${tally.staged.toLocaleString('en')} values`);
    // Rows that failed parsing were never staged; the staged ones are still checked against
    // the database so that one run reports every problem in the file.
    const resolved = await resolveReferences(queryRunner, names, options);
    await reportReferenceProblems(queryRunner, resolved, problems);
    const failed = () => ({
      commit: false,
      result: report({ message: `${problems.count} problem(s); nothing was imported` }),
    });
    // Duplicate keys are looked for here only in a file that fails anyway, so that it reports
    // them with its other problems; otherwise the merge finds them on its way (DuplicateKeys),
    // is rolled back to here, and they are reported the same.
    if (problems.count > 0) {
      await reportDuplicates(queryRunner, problems);
      return failed();
    }
    await execute(queryRunner, sql`SAVEPOINT import_checked`);

    progress(`validated ${tally.staged.toLocaleString('en')} values; loading`);
    let created: Awaited<ReturnType<typeof createMissing>>;
    let counts: MergeCounts;
    try {
      created = await createMissing(queryRunner, names, resolved, options);
      const sourceId = await upsertSource(queryRunner, source!);
      const description = options.description ?? `Import from ${source!.title}`;
      counts = await mergeObservations(queryRunner, { sourceId, description, staged: tally.staged, progress });
    } catch (error) {
      if (!(error instanceof DuplicateKeys)) throw error;
      await execute(queryRunner, sql`ROLLBACK TO SAVEPOINT import_checked`);
      await reportDuplicates(queryRunner, problems);
      // A unique violation that is no duplicate of the file's is not the file's problem.
      if (problems.count === 0) throw error.cause ?? error;
      return failed();
    }
    const summary = {
      added: counts.added,
      changed: counts.changed,
      unchanged: counts.unchanged,
      createdCities: created.cities,
      places: created.places,
      createdIndicators: created.indicators,
    };
    if (options.dryRun || counts.added + counts.changed === 0) {
      const message = options.dryRun
        ? `dry run: would add ${counts.added}, change ${counts.changed}, leave ${counts.unchanged} unchanged; nothing was written`
        : `nothing to import: all ${counts.unchanged} values are already current; no release was created`;
      // A dry run keeps what it would create, so the curator reviews the gazetteer's choices
      // before anything is written; "nothing to import" created nothing that stays.
      const created = options.dryRun ? {} : { createdCities: [], places: NO_PLACES, createdIndicators: [] };
      return { commit: false, result: report({ ...summary, ok: true, ...created, message }) };
    }
    await recordCounts(queryRunner, counts);
    return {
      commit: true,
      result: report({
        ...summary,
        ok: true,
        releaseId: counts.releaseId,
        message: `release ${counts.releaseId}: added ${counts.added}, changed ${counts.changed}, unchanged ${counts.unchanged}, missing ${tally.missing}`,
      }),
    };
  });
}
