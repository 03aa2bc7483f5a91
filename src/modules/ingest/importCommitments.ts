import type { Readable } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
import { CommitmentKind, CommitmentStatus } from '../commitment/commitment.entity';
import { parsePartialDate, type PartialDate } from '../common/text';
import { isModelYear, MAX_YEAR, MIN_YEAR } from '../common/years';
import { closestCodes } from '../reference/suggest';
import { defaultCitation } from '../source/citationText';
import { readCsv } from './csvRecords';
import { type ImportProblem, problem, ProblemList } from './importErrors';
import { MAX_PROBLEMS } from './importObservations';
import { cityMatcherFor, resolveCountries, unknownCountries, upsertSource } from './resolution';

/**
 * The bulk import of local commitments (issue 14): a CSV of ordinances, resolutions and
 * declarations, checked like an observation import (every problem reported with its line,
 * column and value; all or nothing) and with the same country and city resolution. Commitments
 * are not versioned by release yet, so a commitment import creates no release.
 */

export interface CommitmentImportReport {
  ok: boolean;
  problems: ImportProblem[];
  problemCount: number;
  records: number;
  added: number;
  dryRun: boolean;
  message: string;
}

const REQUIRED = ['city', 'country', 'instrument', 'kind', 'status', 'adopted_on', 'title'] as const;
const OPTIONAL = [
  'region',
  'adopting_body',
  'document_ref',
  'source_title',
  'source_publisher',
  'source_url',
  'note',
] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

/** Longest text each column may hold: the commitment table's own limits. */
const MAX_LENGTH: Partial<Record<Column, number>> = {
  city: 200,
  country: 100,
  region: 200,
  instrument: 50,
  title: 500,
  adopting_body: 300,
  document_ref: 300,
  source_title: 500,
  source_publisher: 300,
  source_url: 1000,
  note: 10_000,
};

/** Commitments a file may hold: a file of local commitments is small; this bounds memory. */
export const MAX_COMMITMENT_ROWS = 100_000;

interface CommitmentRow {
  line: number;
  city: string;
  country: string;
  region: string | null;
  instrument: string | null;
  kind: CommitmentKind;
  status: CommitmentStatus;
  adopted: PartialDate | null;
  title: string;
  adoptingBody: string | null;
  documentRef: string | null;
  source: { title: string; publisher: string; url: string | null } | null;
  note: string | null;
}

function enumValue<T extends string>(values: Record<string, T>, text: string): T | null {
  const upper = text.toUpperCase();
  return Object.values(values).find((v) => v === upper) ?? null;
}

/** Checks one record on its own: required values, enums, the date, lengths, the source's columns. */
function readRow(line: number, get: (c: Column) => string, add: (p: ImportProblem) => void): CommitmentRow | null {
  let ok = true;
  const fail = (column: Column | null, value: string | null, reason: string) => {
    ok = false;
    add(problem(line, column, value, reason));
  };
  for (const column of [...REQUIRED, ...OPTIONAL]) {
    const value = get(column);
    const max = MAX_LENGTH[column];
    if (max !== undefined && value.length > max) fail(column, value, `longer than ${max} characters`);
  }
  for (const column of ['city', 'country', 'title'] as const) {
    if (get(column) === '') fail(column, null, `${column} is required`);
  }
  const kind = enumValue(CommitmentKind, get('kind'));
  if (kind === null) fail('kind', get('kind'), `kind must be one of ${Object.values(CommitmentKind).join(', ')}`);
  const status = enumValue(CommitmentStatus, get('status'));
  if (status === null) {
    fail('status', get('status'), `status must be one of ${Object.values(CommitmentStatus).join(', ')}`);
  }
  const adoptedText = get('adopted_on');
  const adopted = adoptedText === '' ? null : parsePartialDate(adoptedText);
  if (adoptedText !== '' && adopted === null) {
    fail('adopted_on', adoptedText, 'adopted_on must be a calendar date written YYYY, YYYY-MM or YYYY-MM-DD');
  } else if (adopted !== null && !isModelYear(Number(adopted.date.slice(0, 4)))) {
    fail('adopted_on', adoptedText, `adopted_on must be within ${MIN_YEAR}-${MAX_YEAR}`);
  }
  const [sourceTitle, sourcePublisher] = [get('source_title'), get('source_publisher')];
  if ((sourceTitle === '') !== (sourcePublisher === '')) {
    fail(
      sourceTitle === '' ? 'source_title' : 'source_publisher',
      null,
      'source_title and source_publisher go together',
    );
  }
  const url = get('source_url');
  if (url !== '' && !/^https?:\/\/\S+$/.test(url)) fail('source_url', url, 'source_url must be an http(s) URL');
  if (!ok) return null;
  const orNull = (text: string) => (text === '' ? null : text);
  return {
    line,
    city: get('city'),
    country: get('country'),
    region: orNull(get('region')),
    instrument: orNull(get('instrument')),
    kind: kind!,
    status: status!,
    adopted,
    title: get('title'),
    adoptingBody: orNull(get('adopting_body')),
    documentRef: orNull(get('document_ref')),
    source: sourceTitle === '' ? null : { title: sourceTitle, publisher: sourcePublisher, url: orNull(url) },
    note: orNull(get('note')),
  };
}

/** Reads and checks every record; null rows are the ones with problems. */
async function readRows(
  input: Readable | string | Buffer,
  problems: ProblemList,
): Promise<{ rows: CommitmentRow[]; records: number }> {
  const rows: CommitmentRow[] = [];
  let records = 0;
  let columns: Map<string, number> | null = null;
  for await (const record of readCsv(input, (p) => problems.add(p))) {
    if (columns === null) {
      const header = record.values.map((v) => v.toLowerCase());
      columns = new Map(header.map((name, i) => [name, i]));
      const known = new Set<string>([...REQUIRED, ...OPTIONAL]);
      for (const name of header) {
        if (!known.has(name)) {
          const close = closestCodes(name, [...known]);
          problems.add(
            problem(record.line, name, null, `unknown column${close.length ? `; did you mean "${close[0]}"?` : ''}`),
          );
        }
      }
      for (const name of REQUIRED) {
        if (!columns.has(name)) problems.add(problem(record.line, name, null, 'required column missing'));
      }
      if (problems.count > 0) return { rows, records };
      continue;
    }
    records += 1;
    if (records > MAX_COMMITMENT_ROWS) {
      problems.add(problem(record.line, null, null, `more than ${MAX_COMMITMENT_ROWS} commitments in one file`));
      break;
    }
    if (record.invalidUtf8) {
      problems.add(problem(record.line, null, null, 'bytes that are not UTF-8: save the file as UTF-8'));
      continue;
    }
    const header = columns;
    const get = (column: Column) => (record.values[header.get(column) ?? -1] ?? '').trim();
    const row = readRow(record.line, get, (p) => problems.add(p));
    if (row) rows.push(row);
  }
  if (columns === null) problems.add(problem(0, null, null, 'the file is empty: it needs a header line'));
  return { rows, records };
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
    ((await queryRunner.query(`SELECT code, id FROM instrument`)) as { code: string; id: number }[]).map((r) => [
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
    const existing: { ord: number }[] = await queryRunner.query(
      `SELECT k.ord::int AS ord
       FROM unnest($1::int[], $2::int[], $3::text[], $4::date[]) WITH ORDINALITY AS k(city_id, instrument_id, kind, adopted_on, ord)
       WHERE EXISTS (SELECT 1 FROM commitment c WHERE c.city_id = k.city_id
         AND c.instrument_id IS NOT DISTINCT FROM k.instrument_id AND c.kind = k.kind
         AND c.adopted_on IS NOT DISTINCT FROM k.adopted_on)`,
      [
        candidates.map((c) => c.cityId),
        candidates.map((c) => c.instrumentId),
        candidates.map((c) => c.row.kind),
        candidates.map((c) => c.row.adopted?.date ?? null),
      ],
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
    await queryRunner.query(
      `INSERT INTO commitment (city_id, instrument_id, kind, title, adopted_on, adopted_precision, status,
                               adopting_body, document_ref, source_id, notes)
       SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[],
                            $8::text[], $9::text[], $10::int[], $11::text[])`,
      [
        resolved.map((r) => r.cityId),
        resolved.map((r) => r.instrumentId),
        rows.map((r) => r.kind),
        rows.map((r) => r.title),
        rows.map((r) => r.adopted?.date ?? null),
        rows.map((r) => r.adopted?.precision ?? null),
        rows.map((r) => r.status),
        rows.map((r) => r.adoptingBody),
        rows.map((r) => r.documentRef),
        rows.map((r) => (r.source ? sources.get(r.source.title)! : null)),
        rows.map((r) => r.note),
      ],
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
    return report({ ok: true, added: rows.length, message: `added ${plural(rows.length)}` });
  } catch (error) {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await queryRunner.release();
  }
}
