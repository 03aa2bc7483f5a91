import { ObservationStatus } from '../indicator/observation.entity';
import type { ImportMetadata } from './datapackage';
import { type ImportProblem, problem } from './importErrors';
import type { ImportInput, ObservationField, ObservationReader, RawObservation } from './observationReader';
import { tidyCsvReader } from './tidyCsvReader';
import { isMissing, parseNumber } from './values';
import { isModelYear, MAX_YEAR, MIN_YEAR } from '../common/years';

// The tidy CSV's columns are its reader's; exported from here before the readers existed.
export { OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from './tidyCsvReader';

/** Length of observation.disaggregation (varchar), in characters. */
export const MAX_DISAGGREGATION = 200;

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
  /** The file's format (default: the tidy CSV). */
  reader?: ObservationReader;
  /** The datapackage, for the reader's settings; `disaggregations`, when given, replaces its own. */
  metadata?: ImportMetadata;
  /** Called with the number of records read, every 100,000 records. */
  onProgress?: (records: number) => void;
  onProblem: (p: ImportProblem) => void;
  onMissing?: (m: MissingValue) => void;
  /** Counts every record after the header, as it is read. */
  tally?: { records: number };
}

/**
 * Reads an observations file as a stream, through its format's reader, and checks everything
 * that needs no database: numbers, years, statuses, bounds (and, in the reader, the format's own
 * grammar). Yields the rows that passed in batches, in file order, and reports every problem
 * through `onProblem` instead of stopping at the first, so a curator fixes the file in one pass.
 * Holds no row after yielding it.
 */
export async function* readObservationBatches(input: ImportInput, options: ReadOptions): AsyncGenerator<ParsedRow[]> {
  const reader = options.reader ?? tidyCsvReader;
  const base = options.metadata ?? { source: null, indicators: [], disaggregations: [] };
  const metadata = { ...base, disaggregations: options.disaggregations ?? base.disaggregations };
  const batches = reader.read(input, {
    metadata,
    report: options.onProblem,
    tally: options.tally ?? { records: 0 },
    onProgress: options.onProgress,
  });
  for await (const raws of batches) {
    const rows: ParsedRow[] = [];
    for (const raw of raws) {
      const row = checkObservation(raw, options.onProblem, options.onMissing);
      if (row !== null) rows.push(row);
    }
    if (rows.length > 0) yield rows;
  }
}

/** readObservationBatches one row at a time. */
export async function* readObservations(input: ImportInput, options: ReadOptions): AsyncGenerator<ParsedRow> {
  for await (const rows of readObservationBatches(input, options)) yield* rows;
}

/** A number too large for a double (1e400) reads as Infinity, which the database refuses. */
const TOO_LARGE = 'is too large: numbers must be finite, at most about 1.8e308';

/**
 * The row checks every format's observations go through: what makes a row, whatever file it
 * came from. Returns the row, or null when it has a problem (each reported) or a missing value
 * (reported through `onMissing` when the row has no other problem).
 */
export function checkObservation(
  raw: RawObservation,
  onProblem: (p: ImportProblem) => void,
  onMissing?: (m: MissingValue) => void,
): ParsedRow | null {
  let problems = 0;
  const report = (p: ImportProblem) => {
    problems += 1;
    onProblem(p);
  };
  const column = (field: ObservationField): string => raw.columns?.[field] ?? field;
  const line = raw.line;
  const city = raw.city;
  // A code (alpha-2 or alpha-3) or a name, resolved against the country table at import;
  // never a missing-value token: `NA` is Namibia.
  const countryText = raw.country.trim();
  const country = /^[A-Za-z]{2,3}$/.test(countryText) ? countryText.toUpperCase() : countryText;
  const indicator = raw.indicator;
  const yearText = raw.year;
  if (!city) report(problem(line, column('city'), city, 'is empty'));
  if (!country)
    report(
      problem(line, column('country'), raw.country, 'is empty (give an ISO 3166-1 code, e.g. US or USA, or a name)'),
    );
  if (!indicator) report(problem(line, column('indicator'), indicator, 'is empty'));
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : NaN;
  if (!isModelYear(year))
    report(problem(line, column('year'), yearText, `must be a year between ${MIN_YEAR} and ${MAX_YEAR}`));
  const statusText = raw.status.toUpperCase().replace(/[\s-]+/g, '_');
  const status = statusText === '' ? ObservationStatus.MEASURED : (statusText as ObservationStatus);
  if (!(status in ObservationStatus)) {
    report(problem(line, column('status'), raw.status, `must be one of ${Object.keys(ObservationStatus).join(', ')}`));
  }
  const dims: string[] = [];
  const split: string[] = [];
  for (const [dimension, v] of raw.dimensions) {
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
  const valueText = raw.value;
  if (isMissing(valueText)) {
    if (problems === 0) onMissing?.({ line, city, indicator, year: yearText });
    return null;
  }
  let value = parseNumber(valueText);
  if (value === null)
    report(problem(line, column('value'), valueText, 'is not a number (missing values are empty, NA, .. or -)'));
  else if (!Number.isFinite(value)) {
    report(problem(line, column('value'), valueText, TOO_LARGE));
    value = null;
  }
  const bound = (field: 'lower' | 'upper'): number | null => {
    const t = raw[field];
    if (isMissing(t)) return null;
    const n = parseNumber(t);
    if (n === null) report(problem(line, column(field), t, 'is not a number'));
    else if (!Number.isFinite(n)) {
      report(problem(line, column(field), t, TOO_LARGE));
      return null;
    }
    return n;
  };
  const lower = bound('lower');
  const upper = bound('upper');
  if (value !== null && lower !== null && lower > value)
    report(problem(line, column('lower'), raw.lower, `is above the value ${value}`));
  if (value !== null && upper !== null && upper < value)
    report(problem(line, column('upper'), raw.upper, `is below the value ${value}`));
  if (problems > 0 || value === null) return null;
  return {
    line,
    city,
    country,
    region: raw.region || null,
    indicator,
    year,
    value,
    lower,
    upper,
    status,
    note: raw.note || null,
    disaggregation,
  };
}

/**
 * Reads a whole observations CSV into memory: every row that passed, the missing values and
 * every problem (see readObservations, which the import uses to stream instead).
 */
export async function parseObservations(
  input: ImportInput,
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
