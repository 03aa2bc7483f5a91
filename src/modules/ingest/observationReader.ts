import type { Readable } from 'node:stream';
import type { ImportMetadata } from './datapackage';
import type { ImportProblem } from './importErrors';

/** A file to import: a stream (the CLI's file, an HTTP body as it arrives) or the whole file in memory. */
export type ImportInput = Readable | string | Buffer;

/** The fields of an observation the row checks read (parseObservations.ts), by their tidy CSV names. */
export type ObservationField = 'city' | 'country' | 'indicator' | 'year' | 'value' | 'lower' | 'upper' | 'status';

/**
 * One observation as a file states it, before any check: text, as written, whatever the
 * format. The row checks (numbers, years, statuses, bounds, missing values) read only this, so
 * they are the same for every format. An absent field is ''.
 */
export interface RawObservation {
  /** 1-based line of the file where the record starts. */
  line: number;
  city: string;
  country: string;
  region: string;
  indicator: string;
  year: string;
  value: string;
  lower: string;
  upper: string;
  /** A status name (MEASURED, ESTIMATED, ...), any case; '' for MEASURED. */
  status: string;
  note: string;
  /** The disaggregation: [dimension, value] pairs, dimensions lowercase and sorted; an empty value is the total. */
  dimensions: [string, string][];
  /**
   * The file's own name of a field's column, when it is not the tidy name (SDMX-CSV's
   * TIME_PERIOD for `year`): what a problem of that field names. One object for the whole file.
   */
  columns?: Partial<Record<ObservationField, string>>;
}

/** What a reader is given besides the file. */
export interface ReaderContext {
  /** The datapackage: the declared disaggregations, and the `rightsgraph` block a format reads its settings from. */
  metadata: ImportMetadata;
  /** Reports a problem of the format itself (its header, its grammar, its codes), with its line. */
  report: (p: ImportProblem) => void;
  /** Counts every record after the header as it is read, whether or not it becomes an observation. */
  tally: { records: number };
  /** Called with the number of records read, every 100,000 records. */
  onProgress?: (records: number) => void;
}

/**
 * A format of observation files. It reads the file as it streams, yields its observations in
 * batches (those of one piece of the file, in file order), holds no row after yielding it, and
 * reports a record it cannot turn into an observation (a grammar error, an unmapped code, a
 * period that is not a year) through `context.report` instead of yielding it, so one run lists
 * every problem. What it yields goes through the same row checks, staging, database
 * checks and merge as every other format. Registered by name in observationReaders.ts.
 */
export interface ObservationReader {
  /** The name `--format` and `format=` take, e.g. 'tidy-csv'. */
  name: string;
  /** One line for the CLI's help and the unknown-format error. */
  description: string;
  /** Media types of POST /imports that select this reader (parameters ignored). */
  mediaTypes: string[];
  read(input: ImportInput, context: ReaderContext): AsyncIterable<RawObservation[]>;
}
