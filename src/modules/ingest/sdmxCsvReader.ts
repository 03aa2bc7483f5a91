import { readCsvTable } from './csvTable';
import { type ImportProblem, problem } from './importErrors';
import type { ObservationField, ObservationReader, RawObservation } from './observationReader';
import { readSdmxMapping, type SdmxMapping, statusOfFlag } from './sdmxMapping';
import { isMissing } from './values';

/**
 * SDMX-CSV, versions 1.0 (first column DATAFLOW, as Eurostat exports) and 2.0 (STRUCTURE,
 * STRUCTURE_ID, ACTION): one observation per row, its dimensions, TIME_PERIOD, OBS_VALUE and
 * attributes in columns. The datapackage's `rightsgraph.sdmx` maps the area and indicator codes
 * to cities and indicators (sdmxMapping.ts); every other dimension becomes the disaggregation.
 * Each row then goes through the same checks as a tidy CSV row. docs/import.md#sdmx-csv.
 */

/** Columns with a meaning of their own; never a disaggregation. */
const RESERVED = [
  'DATAFLOW',
  'STRUCTURE',
  'STRUCTURE_ID',
  'ACTION',
  'SERIES_KEY',
  'OBS_KEY',
  'TIME_PERIOD',
  'OBS_VALUE',
  'OBS_STATUS',
  'OBS_FLAG',
  'FREQ',
  'UNIT_MULT',
  'DECIMALS',
  'COMMENT_OBS',
];

/**
 * Attributes left out unless a package says otherwise: Eurostat's `LAST UPDATE` and
 * `CONF_STATUS`, and SDMX's cross-domain attributes that describe a value without splitting it.
 * (A column whose header ends in brackets, `ATTR[]` or `ATTR[en;fr]`, is a multi-valued or
 * multi-lingual attribute and is left out too.)
 */
export const IGNORED_ATTRIBUTES = [
  'LAST UPDATE',
  'UPDATED',
  'CONF_STATUS',
  'OBS_CONF',
  'OBS_PRE_BREAK',
  'TIME_FORMAT',
  'EMBARGO_TIME',
  'TITLE',
  'TITLE_COMPL',
];

/** SDMX's ID type: what a code (of a dimension, a status, an action) may hold. */
const CODE = /^[A-Za-z0-9_@$-]+$/;

/** A cell as its ID: `FREQ: Frequency` and `A: Annual` (labels=both) are FREQ and A. */
function codeOf(cell: string): string {
  const label = cell.indexOf(': ');
  return (label >= 0 ? cell.slice(0, label) : cell).trim();
}

/** A header cell as its column ID, upper case: `STRUCTURE[;]` and `ATTR[]` lose their brackets. */
const columnId = (cell: string): string =>
  codeOf(cell)
    .replace(/\[[^\]]*\]$/, '')
    .toUpperCase();

/** What a period that is not a year is, for the problem that names it. */
function periodKind(period: string): string {
  if (period.includes('/')) return 'a time range';
  const kind = /^\d{4}-?([QSTMWD])\d+$/.exec(period)?.[1];
  if (kind)
    return { Q: 'a quarter', S: 'a half-year', T: 'a third of a year', M: 'a month', W: 'a week', D: 'a day' }[kind]!;
  if (/^\d{4}-\d{2}$/.test(period)) return 'a month';
  if (/^\d{4}-\d{2}-\d{2}/.test(period)) return 'a day';
  return 'not a period of a year';
}

/**
 * A value in units of 10^power, written in plain units: the decimal point moved in the text, so
 * 1.9 thousands is exactly 1900. null when the text is not a number (the row checks say so).
 */
function scaled(value: string, power: number): string | null {
  const t = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(value) ? value.replace(/,/g, '') : value;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+))?$/.exec(t);
  return m ? `${m[1]}e${Number(m[2] ?? 0) + power}` : null;
}

/** Where each column the reader reads is, -1 when absent, and what the file calls it. */
interface Layout {
  index: Map<string, number>;
  names: string[];
  dimensions: { name: string; at: number }[];
  columns: Partial<Record<ObservationField, string>>;
}

function readHeader(
  cells: string[],
  line: number,
  mapping: SdmxMapping,
  report: (p: ImportProblem) => void,
): Layout | null {
  const names = cells.map((c) => c.trim());
  const ids = names.map(columnId);
  let faults = 0;
  const fail = (column: string | null, reason: string, value: string | null = null) => {
    faults += 1;
    report(problem(line, column, value, reason));
  };
  if (ids[0] !== 'DATAFLOW' && ids[0] !== 'STRUCTURE') {
    if (names.length === 1 && /^STRUCTURE(\[.*\])?;/i.test(names[0])) {
      fail(null, 'the fields are separated by ";": only commas are read; export the file with commas');
    } else {
      fail(
        names[0],
        'is not an SDMX-CSV file: its first column is DATAFLOW (SDMX-CSV 1.0) or STRUCTURE (SDMX-CSV 2.0)',
        names[0],
      );
    }
    return null;
  }
  const index = new Map<string, number>();
  ids.forEach((id, i) => {
    if (index.has(id))
      fail(names[i], `the column appears twice (columns ${index.get(id)! + 1} and ${i + 1})`, names[i]);
    else index.set(id, i);
  });
  if (ids[0] === 'STRUCTURE' && !index.has('STRUCTURE_ID'))
    fail('STRUCTURE_ID', 'required column of SDMX-CSV 2.0 is missing from the header');
  if (index.has('STRUCTURE_NAME'))
    fail(
      'STRUCTURE_NAME',
      'a file with labels in columns of their own (labels=name) cannot be read: export it with labels=id or labels=both',
    );
  for (const id of ['TIME_PERIOD', 'OBS_VALUE']) {
    if (!index.has(id)) fail(id, 'required column is missing from the header');
  }
  for (const key of ['area', 'indicator'] as const) {
    if (!index.has(mapping[key]))
      fail(mapping[key], `the ${key} column (rightsgraph.sdmx.${key} in datapackage.json) is missing from the header`);
  }
  if (faults > 0) return null;
  const named = (id: string) => names[index.get(id)!];
  const leftOut = new Set([...RESERVED, ...IGNORED_ATTRIBUTES, ...mapping.ignore, mapping.area, mapping.indicator]);
  const dimensions = ids
    .flatMap((id, at) => (leftOut.has(id) || codeOf(names[at]).endsWith(']') ? [] : [{ name: id.toLowerCase(), at }]))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const status = index.has('OBS_STATUS') ? 'OBS_STATUS' : index.has('OBS_FLAG') ? 'OBS_FLAG' : null;
  return {
    index,
    names,
    dimensions,
    columns: {
      city: named(mapping.area),
      country: named(mapping.area),
      indicator: named(mapping.indicator),
      year: named('TIME_PERIOD'),
      value: named('OBS_VALUE'),
      ...(status ? { status: named(status) } : {}),
    },
  };
}

export const sdmxCsvReader: ObservationReader = {
  name: 'sdmx-csv',
  description: 'SDMX-CSV 1.0 or 2.0 (Eurostat, .Stat Suite), codes mapped in datapackage.json',
  mediaTypes: ['application/vnd.sdmx.data+csv'],
  async *read(input, context) {
    let mapping: SdmxMapping | null = null;
    let layout: Layout | null = null;
    const header = (cells: string[], line: number, report: (p: ImportProblem) => void): string[] | null => {
      mapping = readSdmxMapping(context.metadata.rightsgraph, (reason) =>
        report(problem(0, 'datapackage.json', null, reason)),
      );
      layout = mapping ? readHeader(cells, line, mapping, report) : null;
      return layout ? layout.names : null;
    };
    for await (const records of readCsvTable(input, { ...context, header })) {
      const rows: RawObservation[] = [];
      for (const record of records) {
        const row = observationOf(record.line, record.values, mapping!, layout!, context.report);
        if (row !== null) rows.push(row);
      }
      if (rows.length > 0) yield rows;
    }
  },
};

/** One record as a raw observation, or null when it has a problem of SDMX's own (each reported). */
function observationOf(
  line: number,
  values: string[],
  mapping: SdmxMapping,
  layout: Layout,
  report: (p: ImportProblem) => void,
): RawObservation | null {
  const { index, names } = layout;
  const at = (id: string) => index.get(id) ?? -1;
  const cell = (id: string) => (index.has(id) ? values[index.get(id)!] : '');
  const name = (id: string) => names[at(id)];
  let bad = 0;
  const fail = (id: string, value: string, reason: string) => {
    bad += 1;
    report(problem(line, name(id), value, reason));
  };
  const action = codeOf(cell('ACTION')).toUpperCase();
  if (action === 'D') {
    fail(
      'ACTION',
      cell('ACTION'),
      'D (delete) cannot be imported: releases are append-only, a value is never removed, only superseded by ' +
        'a later release, so every earlier release still answers asOf; leave the row out',
    );
    return null;
  }
  if (!['', 'I', 'A', 'R'].includes(action))
    fail('ACTION', cell('ACTION'), 'must be I (information), A (append) or R (replace), or empty');
  const freq = codeOf(cell('FREQ'));
  if (freq !== '' && freq.toUpperCase() !== 'A')
    fail('FREQ', cell('FREQ'), `is not annual (A): rightsgraph holds one value per city and year`);
  const period = codeOf(cell('TIME_PERIOD'));
  const annual = /^(\d{4})(-A1)?$/.exec(period);
  if (!annual && period !== '') {
    fail(
      'TIME_PERIOD',
      period,
      `${period} is ${periodKind(period)}, not a year: only annual periods (2021 or 2021-A1) can be imported`,
    );
  }
  const areaCode = codeOf(cell(mapping.area));
  const area = mapping.areas.get(areaCode);
  if (!area) {
    fail(
      mapping.area,
      areaCode,
      areaCode === ''
        ? 'is empty'
        : `no mapping for area code ${areaCode}: add it to rightsgraph.sdmx.areas in datapackage.json`,
    );
  }
  const indicatorCode = codeOf(cell(mapping.indicator));
  const indicator = mapping.indicators.get(indicatorCode);
  if (indicator === undefined) {
    fail(
      mapping.indicator,
      indicatorCode,
      indicatorCode === ''
        ? 'is empty'
        : `no mapping for indicator code ${indicatorCode}: add it to rightsgraph.sdmx.indicators in datapackage.json`,
    );
  }
  const dimensions: [string, string][] = layout.dimensions.map(({ name: dimension, at: i }) => {
    const code = codeOf(values[i]);
    if (code !== '' && !CODE.test(code)) {
      fail(
        dimension.toUpperCase(),
        values[i],
        'is not a code, so this column is not a dimension: list it in rightsgraph.sdmx.ignore if it is an attribute',
      );
    }
    return [dimension, mapping.totals.has(code) ? '' : code];
  });
  // Eurostat writes ":" for a value that is not available, SDMX-ML "NaN": both are missing values.
  let value = cell('OBS_VALUE').trim();
  const missing = value === ':' || /^nan$/i.test(value) || isMissing(value);
  let status = '';
  if (missing) value = '';
  else {
    const multiplier = codeOf(cell('UNIT_MULT'));
    if (multiplier !== '' && multiplier !== '0') {
      if (!/^-?\d{1,3}$/.test(multiplier))
        fail('UNIT_MULT', multiplier, 'is not a power of ten (e.g. 3 for thousands)');
      else value = scaled(value, Number(multiplier)) ?? value;
    }
    // A flag qualifies a value: on a missing one (Eurostat's c, confidential, or z) it is not read.
    const flagColumn = codeOf(cell('OBS_STATUS')) !== '' || !index.has('OBS_FLAG') ? 'OBS_STATUS' : 'OBS_FLAG';
    const flag = codeOf(cell(flagColumn));
    const found = statusOfFlag(mapping, flag);
    if ('status' in found) status = found.status;
    else {
      fail(
        flagColumn,
        flag,
        `${found.unknown} is not a status code this import knows (${[...mapping.statuses.keys()].sort().join(', ')}, ` +
          'or their letters combined): map it in rightsgraph.sdmx.statuses in datapackage.json',
      );
    }
  }
  if (bad > 0) return null;
  return {
    line,
    city: area!.city,
    country: area!.country,
    region: area!.region,
    indicator: indicator!,
    year: annual ? annual[1] : '',
    value,
    lower: '',
    upper: '',
    status,
    note: cell('COMMENT_OBS'),
    dimensions,
    columns: layout.columns,
  };
}
