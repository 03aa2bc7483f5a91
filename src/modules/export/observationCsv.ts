import type { DataSource } from 'typeorm';
import { csvLine } from './csvLine';
import { EXPORT_BATCH_SIZE, type ExportRow, observationBatches } from './observationBatches';
import type { ExportSelection } from './resolveExport';
import { splitDisaggregation } from './splitDisaggregation';

/**
 * The long layout's columns: the import's header (src/modules/ingest/parseObservations.ts), so
 * that an export re-imports as it is. The disaggregation dimensions follow, one column each.
 */
export const LONG_COLUMNS = [
  'city',
  'country',
  'region',
  'indicator',
  'year',
  'value',
  'lower',
  'upper',
  'status',
  'note',
] as const;

/**
 * With `provenance`, after the dimensions: the source's title (unique, as in `sources`) and the
 * release that loaded the value. Last, so that the columns before them are still the import's.
 */
export const PROVENANCE_COLUMNS = ['source', 'release'] as const;

/** The wide layout's key columns; the disaggregation dimensions, then one column per year, follow. */
export const WIDE_KEY_COLUMNS = ['city', 'country', 'region', 'indicator'] as const;

export interface CsvOptions {
  batchSize?: number;
  /** Called after each batch with the number of observations written so far. */
  onProgress?: (rows: number) => void;
}

/** The header of the CSV an export of this selection writes. */
export function csvColumns(selection: ExportSelection): string[] {
  const { dimensions, years } = selection.summary;
  return selection.parameters.layout === 'wide'
    ? [...WIDE_KEY_COLUMNS, ...dimensions, ...years.map(String)]
    : [...LONG_COLUMNS, ...dimensions, ...(selection.parameters.provenance ? PROVENANCE_COLUMNS : [])];
}

function longLine(row: ExportRow, dimensions: string[], provenance: boolean): string {
  const split = splitDisaggregation(row.disaggregation);
  return csvLine([
    row.city,
    row.country,
    row.region,
    row.indicator,
    row.year,
    row.value,
    row.lower,
    row.upper,
    row.status,
    row.note,
    ...dimensions.map((d) => split.get(d)),
    ...(provenance ? [row.sourceTitle, row.releaseId] : []),
  ]);
}

/**
 * The lines of one city and indicator in the wide layout: one per disaggregation (and per
 * source, should two sources give values for the same series), the years as columns.
 */
function wideLines(rows: ExportRow[], dimensions: string[], years: number[]): string {
  const series = new Map<string, { first: ExportRow; values: Map<number, number> }>();
  for (const row of rows) {
    const key = `${row.disaggregation}\u0000${row.sourceId}`;
    let entry = series.get(key);
    if (!entry) series.set(key, (entry = { first: row, values: new Map() }));
    entry.values.set(row.year, row.value);
  }
  const ordered = [...series.values()].sort(
    (a, b) =>
      (a.first.disaggregation < b.first.disaggregation
        ? -1
        : a.first.disaggregation > b.first.disaggregation
          ? 1
          : 0) || a.first.sourceId - b.first.sourceId,
  );
  return ordered
    .map(({ first, values }) => {
      const split = splitDisaggregation(first.disaggregation);
      return csvLine([
        first.city,
        first.country,
        first.region,
        first.indicator,
        ...dimensions.map((d) => split.get(d)),
        ...years.map((year) => values.get(year)),
      ]);
    })
    .join('');
}

/**
 * The CSV text of an export, as chunks of one batch each, for a consumer that pulls (a
 * `Readable.from` piped to the response or a file): the next batch is only read from the
 * database once the previous chunk has been taken, so a slow client slows the export down
 * instead of filling memory. The wide layout holds back one city and indicator at a time (at
 * most a series of years per disaggregation), never the whole export.
 */
export async function* observationCsv(
  dataSource: DataSource,
  selection: ExportSelection,
  options: CsvOptions = {},
): AsyncGenerator<string> {
  const { dimensions, years } = selection.summary;
  yield csvLine(csvColumns(selection));
  let written = 0;
  const batches = observationBatches(dataSource, selection.filter, options.batchSize ?? EXPORT_BATCH_SIZE);
  if (selection.parameters.layout === 'long') {
    for await (const batch of batches) {
      yield batch.map((row) => longLine(row, dimensions, selection.parameters.provenance)).join('');
      written += batch.length;
      options.onProgress?.(written);
    }
    return;
  }
  let group: ExportRow[] = [];
  for await (const batch of batches) {
    const chunk: string[] = [];
    for (const row of batch) {
      if (group.length > 0 && (group[0].cityId !== row.cityId || group[0].indicatorId !== row.indicatorId)) {
        chunk.push(wideLines(group, dimensions, years));
        group = [];
      }
      group.push(row);
    }
    if (chunk.length > 0) yield chunk.join('');
    written += batch.length;
    options.onProgress?.(written);
  }
  if (group.length > 0) yield wideLines(group, dimensions, years);
}
