import type { Readable } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
import { closestCodes } from '../reference/suggest';
import { defaultCitation } from '../source/citationText';
import { lockVersions, openRelease } from '../source/releases';
import { type CommitmentRow, readRows } from './commitmentRows';
import { type ImportProblem, problem, ProblemList } from './importErrors';
import { MAX_PROBLEMS } from './importObservations';
import { cityMatcherFor, resolveCountries, unknownCountries, upsertSource } from './resolution';
import { execute, query, sql } from '../common/sqlTag';

/**
 * The bulk import of local commitments (issue 14): a CSV of ordinances, resolutions and
 * declarations, checked like an observation import (every problem reported with its line,
 * column and value; all or nothing) and with the same country and city resolution. The file's
 * commitments are recorded in one new release: answers as of earlier releases do not see them.
 */

export interface CommitmentImportReport {
  ok: boolean;
  problems: ImportProblem[];
  problemCount: number;
  records: number;
  added: number;
  dryRun: boolean;
  /** The release the commitments were recorded in; absent when nothing was written. */
  releaseId?: number;
  message: string;
}

/** City and instrument ids for each row, or problems; duplicates in the file and in the database. */
async function resolveRows(
  queryRunner: QueryRunner,
  rows: CommitmentRow[],
  problems: ProblemList,
): Promise<{ cityId: number; instrumentId: number | null }[]> {
  const countryOf = await resolveCountries(
    queryRunner,
    rows.map((r) => r.country),
  );
  const unknownCountry = unknownCountries(queryRunner);
  const matcher = await cityMatcherFor(queryRunner, [
    ...new Set([...countryOf.values()].filter((c): c is string => c !== null)),
  ]);
  const instruments = new Map<string, number>(
    (await query<{ code: string; id: number }>(queryRunner, sql`SELECT code, id FROM instrument`)).map((r) => [
      r.code.toUpperCase(),
      r.id,
    ]),
  );
  const resolved: { cityId: number; instrumentId: number | null }[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const country = countryOf.get(row.country) ?? null;
    let cityId = 0;
    if (country === null) {
      problems.add(problem(row.line, 'country', row.country, await unknownCountry(row.country)));
    } else {
      const match = matcher.match({ city: row.city, country, region: row.region });
      if (match.kind === 'found') cityId = match.id;
      else problems.add(problem(row.line, 'city', row.city, match.reason));
    }
    let instrumentId: number | null = null;
    if (row.instrument !== null) {
      instrumentId = instruments.get(row.instrument.toUpperCase()) ?? null;
      if (instrumentId === null) {
        const close = closestCodes(row.instrument, [...instruments.keys()]);
        problems.add(
          problem(
            row.line,
            'instrument',
            row.instrument,
            `unknown instrument${close.length ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''}`,
          ),
        );
      }
    }
    resolved.push({ cityId, instrumentId });
    if (cityId === 0) continue;
    const key = `${cityId}|${instrumentId ?? ''}|${row.kind}|${row.adopted?.date ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.add(problem(row.line, null, null, `duplicates line ${first}: same city, instrument, kind, adopted_on`));
    } else {
      seen.set(key, row.line);
    }
  }
  // The same commitment already in the database is an error too: a file read twice adds nothing.
  const candidates = rows.map((row, i) => ({ row, ...resolved[i] })).filter((r) => r.cityId !== 0);
  if (candidates.length > 0) {
    const existing = await query<{ ord: number }>(
      queryRunner,
      sql`SELECT k.ord::int AS ord
       FROM unnest(${candidates.map((c) => c.cityId)}::int[], ${candidates.map((c) => c.instrumentId)}::int[],
                   ${candidates.map((c) => c.row.kind)}::text[], ${candidates.map((c) => c.row.adopted?.date ?? null)}::date[])
            WITH ORDINALITY AS k(city_id, instrument_id, kind, adopted_on, ord)
       WHERE EXISTS (SELECT 1 FROM commitment c WHERE c.city_id = k.city_id AND c.superseded_in_release_id IS NULL
         AND c.instrument_id IS NOT DISTINCT FROM k.instrument_id AND c.kind = k.kind
         AND c.adopted_on IS NOT DISTINCT FROM k.adopted_on)`,
    );
    for (const { ord } of existing) {
      const { row } = candidates[ord - 1];
      problems.add(
        problem(
          row.line,
          null,
          null,
          'the database already has this commitment (same city, instrument, kind, adopted_on)',
        ),
      );
    }
  }
  return resolved;
}

const plural = (n: number) => `${n.toLocaleString('en')} commitment${n === 1 ? '' : 's'}`;

/**
 * Imports a commitments CSV all-or-nothing: columns city, country, region, instrument, kind,
 * status, adopted_on (YYYY, YYYY-MM or YYYY-MM-DD), title, adopting_body, document_ref,
 * source_title, source_publisher, source_url, note.
 */
export async function importCommitments(
  dataSource: DataSource,
  csv: Readable | string | Buffer,
  options: { dryRun?: boolean; onProgress?: (message: string) => void } = {},
): Promise<CommitmentImportReport> {
  const problems = new ProblemList(MAX_PROBLEMS);
  const { rows, records } = await readRows(csv, problems);
  const report = (fields: Partial<CommitmentImportReport> & { message: string }): CommitmentImportReport => ({
    ok: false,
    problems: problems.first(),
    problemCount: problems.count,
    records,
    added: 0,
    dryRun: Boolean(options.dryRun),
    ...fields,
  });
  options.onProgress?.(`read ${records.toLocaleString('en')} commitments; checking them against the database`);
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    await queryRunner.startTransaction();
    // The same lock as the observation import: checks and writes never interleave with another import.
    await queryRunner.query(`SELECT pg_advisory_xact_lock(hashtext('rightsgraph import'))`);
    await lockVersions(queryRunner, 'commitment');
    const resolved = await resolveRows(queryRunner, rows, problems);
    if (problems.count > 0) {
      await queryRunner.rollbackTransaction();
      return report({ message: `${problems.count} problem(s); nothing was imported` });
    }
    const sources = new Map<string, number>();
    for (const row of rows) {
      if (row.source && !sources.has(row.source.title)) {
        const { title, publisher, url } = row.source;
        const citation = defaultCitation({ publisher, title, url });
        sources.set(
          title,
          await upsertSource(queryRunner, { title, publisher, url, license: null, citation, synthetic: false }),
        );
      }
    }
    // One release for the file: answers as of an earlier release do not see these commitments.
    const releaseId = await openRelease(queryRunner, `Commitments: ${plural(rows.length)} imported`);
    const column = <T>(pick: (row: CommitmentRow) => T) => rows.map(pick);
    await execute(
      queryRunner,
      sql`INSERT INTO commitment (city_id, instrument_id, kind, title, adopted_on, adopted_precision, status,
                               adopting_body, document_ref, source_id, notes, release_id)
       SELECT *, ${releaseId}::int FROM unnest(
         ${resolved.map((r) => r.cityId)}::int[],
         ${resolved.map((r) => r.instrumentId)}::int[],
         ${column((r) => r.kind)}::text[],
         ${column((r) => r.title)}::text[],
         ${column((r) => r.adopted?.date ?? null)}::date[],
         ${column((r) => r.adopted?.precision ?? null)}::text[],
         ${column((r) => r.status)}::text[],
         ${column((r) => r.adoptingBody)}::text[],
         ${column((r) => r.documentRef)}::text[],
         ${column((r) => (r.source ? sources.get(r.source.title)! : null))}::int[],
         ${column((r) => r.note)}::text[])`,
    );
    if (options.dryRun || rows.length === 0) {
      await queryRunner.rollbackTransaction();
      return report({
        ok: true,
        message: options.dryRun
          ? `dry run: would add ${plural(rows.length)}; nothing was written`
          : 'nothing to import: the file has no commitments',
      });
    }
    await queryRunner.commitTransaction();
    return report({
      ok: true,
      added: rows.length,
      releaseId,
      message: `release ${releaseId}: added ${plural(rows.length)}`,
    });
  } catch (error) {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await queryRunner.release();
  }
}
