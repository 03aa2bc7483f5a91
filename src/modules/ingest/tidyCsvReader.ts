import { readCsvTable } from './csvTable';
import { type ImportProblem, problem } from './importErrors';
import type { ObservationReader, RawObservation } from './observationReader';

/** The dimensions of every row of a file without disaggregation columns: one array, never written to. */
const NO_DIMENSIONS: [string, string][] = [];

export const REQUIRED_COLUMNS = ['city', 'country', 'indicator', 'year', 'value'] as const;
export const OPTIONAL_COLUMNS = ['region', 'lower', 'upper', 'status', 'note'] as const;

/**
 * The tidy observations CSV (docs/import.md): one value per row, columns named as the
 * observation's fields, any case, in any order; the columns the datapackage declares
 * (`rightsgraph.disaggregations`) split a value, and any other column is a problem, so a typo is
 * never read as a disaggregation.
 */
export const tidyCsvReader: ObservationReader = {
  name: 'tidy-csv',
  description: 'tidy CSV, one value per row (the default)',
  mediaTypes: ['text/csv'],
  async *read(input, context) {
    const disaggregations = new Set(context.metadata.disaggregations.map((d) => d.toLowerCase()));
    const dimensions = [...disaggregations].sort();
    type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
    // Each column's place in a record (-1 when the file lacks it), set once the header is read.
    let place = {} as Record<Column, number>;
    let split: (readonly [string, number])[] = [];
    const header = (values: string[], line: number, report: (p: ImportProblem) => void): string[] | null => {
      const names = values.map((h) => h.trim().toLowerCase());
      let problems = 0;
      const index = checkHeader(names, line, disaggregations, (p) => {
        problems += 1;
        report(p);
      });
      const at = (column: string): number => index.get(column) ?? -1;
      place = Object.fromEntries([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].map((c) => [c, at(c)])) as Record<
        Column,
        number
      >;
      split = dimensions.map((d) => [d, at(d)] as const);
      return problems > 0 ? null : names;
    };
    for await (const records of readCsvTable(input, { ...context, header })) {
      yield records.map((record) => {
        const values = record.values;
        const get = (i: number): string => (i < 0 ? '' : values[i]);
        return {
          line: record.line,
          city: get(place.city),
          country: get(place.country),
          region: get(place.region),
          indicator: get(place.indicator),
          year: get(place.year),
          value: get(place.value),
          lower: get(place.lower),
          upper: get(place.upper),
          status: get(place.status),
          note: get(place.note),
          dimensions: split.length === 0 ? NO_DIMENSIONS : split.map(([d, i]) => [d, get(i)]),
        } satisfies RawObservation;
      });
    }
  },
};

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
