import type { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { restoreFormulaCell } from '../common/formulaCells';
import { ObservationStatus } from '../indicator/observation.entity';
import { MAX_COLUMNS, readCsv } from './csvRecords';
import { type ImportProblem, problem } from './importErrors';
import { isMissing, parseNumber } from './values';
import { isModelYear, MAX_YEAR, MIN_YEAR } from '../common/years';

/**
 * Records between two turns of the event loop. A file given as one string or buffer is parsed
 * (and, by the import, sent to Postgres) without ever waiting for I/O, which would starve
 * timers, other requests and the database's answers for as long as the file takes.
 */
const RECORDS_PER_TURN = 2_000;

/** Length of observation.disaggregation (varchar), in characters. */
export const MAX_DISAGGREGATION = 200;

export const REQUIRED_COLUMNS = ['city', 'country', 'indicator', 'year', 'value'] as const;
export const OPTIONAL_COLUMNS = ['region', 'lower', 'upper', 'status', 'note'] as const;

/** A row that passed every check that needs no database. */
export interface ParsedRow {
  line: number;
  city: string;
  country: string;
  region: string | null;
  indicator: string;
  year: number;
  value: number;
  lower: number | null;
  upper: number | null;
  status: ObservationStatus;
  note: string | null;
  /** Canonical 'dimension=value' pairs sorted by dimension and joined by ';'; '' for the total. */
  disaggregation: string;
}

export interface ParseResult {
  rows: ParsedRow[];
  /** Rows whose value is missing (NA, .., -, empty): counted and reported, never stored. */
  missing: MissingValue[];
  records: number;
  problems: ImportProblem[];
}

/** A row whose value is missing (NA, .., -, empty): counted and reported, never stored. */
export interface MissingValue {
  line: number;
  city: string;
  indicator: string;
  year: string;
}

export interface ReadOptions {
  disaggregations?: string[];
  /** Called with the number of records read, every 100,000 records. */
  onProgress?: (records: number) => void;
  onProblem: (p: ImportProblem) => void;
  onMissing?: (m: MissingValue) => void;
  /** Counts every record after the header, as it is read. */
  tally?: { records: number };
}

/**
 * Reads a tidy observations CSV (one value per row) as a stream and checks everything that
 * needs no database: the header, numbers, years, statuses, bounds. Yields each row that passed,
 * in file order, and reports every problem through `onProblem` instead of stopping at the
 * first, so a curator fixes the file in one pass. Holds no row after yielding it.
 */
export async function* readObservations(
  input: Readable | string | Buffer,
  options: ReadOptions,
): AsyncGenerator<ParsedRow> {
  let problemCount = 0;
  const report = (p: ImportProblem) => {
    problemCount += 1;
    options.onProblem(p);
  };
  const disaggregations = new Set((options.disaggregations ?? []).map((d) => d.toLowerCase()));
  const dimensions = [...disaggregations].sort();
  const tally = options.tally ?? { records: 0 };
  let header: string[] | null = null;
  let index: Map<string, number> = new Map();

  for await (const record of readCsv(input, report)) {
    // What the export protected from spreadsheets comes back as it was (docs/import.md).
    record.values = record.values.map(restoreFormulaCell);
    if (header === null) {
      if (record.values.length > MAX_COLUMNS) {
        report(
          problem(record.line, null, null, `the header has more than ${MAX_COLUMNS} columns, the most a file may have`),
        );
        break;
      }
      if (record.invalidUtf8) {
        for (const i of record.invalidUtf8) report(invalidUtf8(record.line, `column ${i + 1}`, record.values[i]));
        break;
      }
      header = record.values.map((h) => h.trim().toLowerCase());
      index = checkHeader(header, record.line, disaggregations, report);
      if (problemCount > 0) break;
      continue;
    }
    tally.records += 1;
    if (options.onProgress && tally.records % 100_000 === 0) options.onProgress(tally.records);
    if (tally.records % RECORDS_PER_TURN === 0) await nextTurn();
    if (record.values.length !== header.length) {
      report(problem(record.line, null, null, `has ${record.values.length} fields, the header has ${header.length}`));
      continue;
    }
    if (record.invalidUtf8) {
      for (const i of record.invalidUtf8) report(invalidUtf8(record.line, header[i], record.values[i]));
      continue;
    }
    // Postgres text cannot hold NUL: report it here rather than fail the load half-way.
    const nul = record.values.findIndex((v) => v.includes('\u0000'));
    if (nul >= 0) {
      report(problem(record.line, header[nul], record.values[nul], 'contains a NUL character (U+0000)'));
      continue;
    }
    const get = (column: string): string => {
      const i = index.get(column);
      return i === undefined ? '' : record.values[i];
    };
    const line = record.line;
    const before = problemCount;
    const city = get('city');
    // A code (alpha-2 or alpha-3) or a name, resolved against the country table at import;
    // never a missing-value token: `NA` is Namibia.
    const countryText = get('country').trim();
    const country = /^[A-Za-z]{2,3}$/.test(countryText) ? countryText.toUpperCase() : countryText;
    const indicator = get('indicator');
    const yearText = get('year');
    if (!city) report(problem(line, 'city', city, 'is empty'));
    if (!country)
      report(problem(line, 'country', get('country'), 'is empty (give an ISO 3166-1 code, e.g. US or USA, or a name)'));
    if (!indicator) report(problem(line, 'indicator', indicator, 'is empty'));
    const year = /^\d{4}$/.test(yearText) ? Number(yearText) : NaN;
    if (!isModelYear(year))
      report(problem(line, 'year', yearText, `must be a year between ${MIN_YEAR} and ${MAX_YEAR}`));
    const statusText = get('status')
      .toUpperCase()
      .replace(/[\s-]+/g, '_');
    const status = statusText === '' ? ObservationStatus.MEASURED : (statusText as ObservationStatus);
    if (!(status in ObservationStatus)) {
      report(problem(line, 'status', get('status'), `must be one of ${Object.keys(ObservationStatus).join(', ')}`));
    }
    const dims: string[] = [];
    const split: string[] = [];
    for (const dimension of dimensions) {
      const v = get(dimension);
      if (v !== '') {
        dims.push(`${dimension}=${v.toLowerCase()}`);
        split.push(dimension);
      }
    }
    const disaggregation = dims.join(';');
    // Stored in a varchar(200), which counts characters (code points), not UTF-16 units.
    const length = [...disaggregation].length;
    if (length > MAX_DISAGGREGATION)
      report(
        problem(
          line,
          split.join(', '),
          disaggregation,
          `the disaggregation (${split.length > 1 ? 'these columns' : 'this column'} as "column=value" pairs joined by ";") is ${length} characters long, at most ${MAX_DISAGGREGATION} are allowed`,
        ),
      );
    const valueText = get('value');
    if (isMissing(valueText)) {
      if (problemCount === before) options.onMissing?.({ line, city, indicator, year: yearText });
      continue;
    }
    // A number too large for a double (1e400) reads as Infinity, which the database refuses.
    const TOO_LARGE = 'is too large: numbers must be finite, at most about 1.8e308';
    let value = parseNumber(valueText);
    if (value === null)
      report(problem(line, 'value', valueText, 'is not a number (missing values are empty, NA, .. or -)'));
    else if (!Number.isFinite(value)) {
      report(problem(line, 'value', valueText, TOO_LARGE));
      value = null;
    }
    const bound = (column: 'lower' | 'upper'): number | null => {
      const t = get(column);
      if (isMissing(t)) return null;
      const n = parseNumber(t);
      if (n === null) report(problem(line, column, t, 'is not a number'));
      else if (!Number.isFinite(n)) {
        report(problem(line, column, t, TOO_LARGE));
        return null;
      }
      return n;
    };
    const lower = bound('lower');
    const upper = bound('upper');
    if (value !== null && lower !== null && lower > value)
      report(problem(line, 'lower', get('lower'), `is above the value ${value}`));
    if (value !== null && upper !== null && upper < value)
      report(problem(line, 'upper', get('upper'), `is below the value ${value}`));
    if (problemCount > before || value === null) continue;
    yield {
      line,
      city,
      country,
      region: get('region') || null,
      indicator,
      year,
      value,
      lower,
      upper,
      status,
      note: get('note') || null,
      disaggregation,
    };
  }
  if (header === null && problemCount === 0)
    report(problem(0, null, null, 'the file is empty: expected a header line'));
}

function invalidUtf8(line: number, column: string, decoded: string): ImportProblem {
  return problem(
    line,
    column,
    decoded,
    'is not valid UTF-8 (the value shows U+FFFD where the bytes were): save the file as UTF-8',
  );
}

/**
 * Reads a whole observations CSV into memory: every row that passed, the missing values and
 * every problem (see readObservations, which the import uses to stream instead).
 */
export async function parseObservations(
  input: Readable | string | Buffer,
  options: { disaggregations?: string[]; onProgress?: (records: number) => void } = {},
): Promise<ParseResult> {
  const problems: ImportProblem[] = [];
  const rows: ParsedRow[] = [];
  const missing: ParseResult['missing'] = [];
  const tally = { records: 0 };
  for await (const row of readObservations(input, {
    ...options,
    tally,
    onProblem: (p) => problems.push(p),
    onMissing: (m) => missing.push(m),
  })) {
    rows.push(row);
  }
  return { rows, missing, records: tally.records, problems };
}

function checkHeader(
  header: string[],
  line: number,
  disaggregations: Set<string>,
  report: (p: ImportProblem) => void,
): Map<string, number> {
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    if (index.has(name))
      report(problem(line, name, name, `the column name appears twice (columns ${index.get(name)! + 1} and ${i + 1})`));
    else index.set(name, i);
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!index.has(column)) report(problem(line, column, null, 'required column is missing from the header'));
  }
  const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS, ...disaggregations]);
  for (const name of index.keys()) {
    if (!known.has(name)) {
      report(
        problem(
          line,
          name,
          name,
          'unknown column: declare it in datapackage.json (rightsgraph.disaggregations) if it splits the values',
        ),
      );
    }
  }
  return index;
}
