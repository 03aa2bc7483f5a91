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
    let index = new Map<string, number>();
    const header = (values: string[], line: number, report: (p: ImportProblem) => void): string[] | null => {
      const names = values.map((h) => h.trim().toLowerCase());
      let problems = 0;
      index = checkHeader(names, line, disaggregations, (p) => {
        problems += 1;
        report(p);
      });
      return problems > 0 ? null : names;
    };
    const at = (column: string): number => index.get(column) ?? -1;
    for await (const records of readCsvTable(input, { ...context, header })) {
      // The columns' places are known once the header is read, before the first batch.
      const place = Object.fromEntries([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].map((c) => [c, at(c)])) as Record<
        (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number],
        number
      >;
      const split = dimensions.map((d) => [d, at(d)] as const);
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
