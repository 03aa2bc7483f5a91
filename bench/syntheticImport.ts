import type { ImportMetadata } from '../src/modules/ingest/datapackage';
import { Direction, IndicatorKind } from '../src/modules/indicator/indicator.entity';

/**
 * The pieces of a synthetic tidy-CSV import, written once for the benchmark's global file and
 * the import tests: the file (header and quoting) and its metadata (a synthetic source and
 * outcome indicators without rights). It lives with the benchmark, which is built into dist/
 * (the tests are not).
 */

/** The columns of a tidy observations file without disaggregation. */
export const TIDY_HEADER = ['city', 'country', 'region', 'indicator', 'year', 'value'];

/** A cell as CSV writes it: quoted when it holds a comma, a quote, a line break or edge spaces. */
export function csvCell(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV file of these rows under this header, each line ending in a newline. */
export function csvFile(rows: readonly (readonly string[])[], header: readonly string[] = TIDY_HEADER): string {
  return [header, ...rows].map((cells) => `${cells.map(csvCell).join(',')}\n`).join('');
}

export interface SyntheticIndicator {
  code: string;
  name: string;
  unit: string;
  direction: Direction;
}

/** Metadata of a file of synthetic values: the source's title names it, the indicators are outcomes. */
export function syntheticMetadata(
  title: string,
  indicators: readonly SyntheticIndicator[] = [],
  disaggregations: string[] = [],
): ImportMetadata {
  return {
    source: {
      title,
      publisher: 'rightsgraph tests',
      url: null,
      license: null,
      citation: `rightsgraph tests. ${title}.`,
      synthetic: true,
    },
    indicators: indicators.map((i) => ({
      ...i,
      kind: IndicatorKind.OUTCOME,
      description: null,
      methodology: null,
      rights: [],
    })),
    disaggregations,
  };
}
