import { setImmediate as nextTurn } from 'node:timers/promises';
import { restoreFormulaCell } from '../common/formulaCells';
import { type CsvRecord, MAX_COLUMNS, readCsvBatches } from './csvRecords';
import { type ImportProblem, problem } from './importErrors';
import type { ImportInput, ReaderContext } from './observationReader';

/**
 * Records between two turns of the event loop. A file given as one string or buffer is parsed
 * (and, by the import, sent to Postgres) without ever waiting for I/O, which would starve
 * timers, other requests and the database's answers for as long as the file takes.
 */
const RECORDS_PER_TURN = 2_000;

export interface CsvTableOptions extends Pick<ReaderContext, 'report' | 'tally' | 'onProgress'> {
  /**
   * Reads the header (formula cells restored): returns the names the file's problems give its
   * columns, or null, having reported the header's problems through `report`, when nothing
   * more is to be read.
   */
  header: (values: string[], line: number, report: (p: ImportProblem) => void) => string[] | null;
}

/**
 * A CSV file as a header and records of its width: what every CSV format checks before its own
 * columns mean anything. Yields the records of the header's width, holding valid UTF-8 and no
 * NUL, with what the export protected from spreadsheets restored (docs/import.md), in batches
 * (those of one piece of the file: one turn of each consumer's loop per batch, not per record);
 * reports every other record, and an empty file. Counts every record after the header in `tally`.
 */
export async function* readCsvTable(input: ImportInput, options: CsvTableOptions): AsyncGenerator<CsvRecord[]> {
  let problemCount = 0;
  const report = (p: ImportProblem) => {
    problemCount += 1;
    options.report(p);
  };
  const tally = options.tally;
  let header: string[] | null = null;
  let sinceTurn = 0;

  reading: for await (const batch of readCsvBatches(input, report)) {
    const table: CsvRecord[] = [];
    for (const record of batch) {
      const values = record.values;
      for (let i = 0; i < values.length; i += 1) values[i] = restoreFormulaCell(values[i]);
      if (header === null) {
        if (record.values.length > MAX_COLUMNS) {
          report(
            problem(
              record.line,
              null,
              null,
              `the header has more than ${MAX_COLUMNS} columns, the most a file may have`,
            ),
          );
          break reading;
        }
        if (record.invalidUtf8) {
          for (const i of record.invalidUtf8) report(invalidUtf8(record.line, `column ${i + 1}`, record.values[i]));
          break reading;
        }
        header = options.header(record.values, record.line, report);
        if (header === null) break reading;
        continue;
      }
      tally.records += 1;
      sinceTurn += 1;
      if (options.onProgress && tally.records % 100_000 === 0) options.onProgress(tally.records);
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
      table.push(record);
    }
    if (table.length > 0) yield table;
    if (sinceTurn >= RECORDS_PER_TURN) {
      sinceTurn = 0;
      await nextTurn();
    }
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
