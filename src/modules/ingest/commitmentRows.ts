import type { Readable } from 'node:stream';
import { CommitmentKind, CommitmentStatus } from '../commitment/commitment.entity';
import { parsePartialDate, type PartialDate } from '../common/text';
import { isModelYear, MAX_YEAR, MIN_YEAR } from '../common/years';
import { closestCodes } from '../reference/suggest';
import { readCsv } from './csvRecords';
import { type ImportProblem, problem, type ProblemList } from './importErrors';

/**
 * Reading a commitments CSV (importCommitments.ts): each record checked on its own, before
 * anything is looked up in the database.
 */

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

export interface CommitmentRow {
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
export async function readRows(
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
