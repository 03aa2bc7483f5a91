import type { ImportMetadata } from '../../src/modules/ingest/datapackage';
import type { ImportProblem } from '../../src/modules/ingest/importErrors';
import { type ParsedRow, readObservations } from '../../src/modules/ingest/parseObservations';
import { sdmxCsvReader } from '../../src/modules/ingest/sdmxCsvReader';
import { readSdmxMapping, type SdmxMapping, statusOfFlag } from '../../src/modules/ingest/sdmxMapping';

const SDMX = {
  areas: { AT001C: { city: 'Wien', country: 'AT' } },
  indicator: 'INDICATOR',
  indicators: { POP: 'population' },
};

function metadata(sdmx: Record<string, unknown> = SDMX): ImportMetadata {
  return { source: null, indicators: [], disaggregations: [], rightsgraph: { sdmx } };
}

async function read(csv: string, sdmx?: Record<string, unknown>) {
  const rows: ParsedRow[] = [];
  const problems: ImportProblem[] = [];
  const missing: number[] = [];
  for await (const row of readObservations(csv, {
    reader: sdmxCsvReader,
    metadata: metadata(sdmx),
    onProblem: (p) => problems.push(p),
    onMissing: (m) => missing.push(m.line),
  })) {
    rows.push(row);
  }
  return { rows, problems, missing };
}

function mapping(sdmx: Record<string, unknown>): { mapping: SdmxMapping | null; faults: string[] } {
  const faults: string[] = [];
  return { mapping: readSdmxMapping({ sdmx }, (reason) => faults.push(reason)), faults };
}

describe('rightsgraph.sdmx', () => {
  it('defaults the area column to REF_AREA and knows SDMX totals', () => {
    const { mapping: m, faults } = mapping(SDMX);
    expect(faults).toEqual([]);
    expect(m).toMatchObject({ area: 'REF_AREA', indicator: 'INDICATOR' });
    expect([...m!.totals]).toEqual(['_T', '_Z']);
  });

  it('names every fault of the block', () => {
    expect(
      mapping({
        area: 'GEO',
        indicator: 'geo',
        areas: { X: { city: 'A' } },
        indicators: { Y: 3 },
        statuses: { u: 'RELIABLE' },
        totals: 'TOTAL',
        indicatorz: {},
      }).faults,
    ).toEqual([
      'rightsgraph.sdmx.indicatorz is not a setting (the settings are area, areas, indicator, indicators, statuses, totals, ignore)',
      'rightsgraph.sdmx.area and .indicator name the same column, GEO',
      'rightsgraph.sdmx.areas.X must be { "city": ..., "country": ... } with an optional "region", all text',
      'rightsgraph.sdmx.indicators.Y must be an indicator code, e.g. "population"',
      'rightsgraph.sdmx.statuses.u must be one of MEASURED, ESTIMATED, PROVISIONAL, CONVERTED, BREAK_IN_SERIES',
      'rightsgraph.sdmx.totals must be a list of codes',
    ]);
    expect(mapping({ areas: {}, indicators: {} }).faults).toEqual([
      'rightsgraph.sdmx.indicator must name the column of the indicator codes, e.g. INDIC_UR',
    ]);
  });

  it('maps CL_OBS_STATUS and Eurostat flags in any case, combined letters by precedence', () => {
    const { mapping: m } = mapping({ ...SDMX, statuses: { c: 'CONVERTED' } });
    const of = (flag: string) => statusOfFlag(m!, flag);
    expect(of('')).toEqual({ status: 'MEASURED' });
    expect(of('A')).toEqual({ status: 'MEASURED' });
    expect(of('e')).toEqual({ status: 'ESTIMATED' });
    expect(of('P')).toEqual({ status: 'PROVISIONAL' });
    expect(of('b')).toEqual({ status: 'BREAK_IN_SERIES' });
    expect(of('ep')).toEqual({ status: 'ESTIMATED' });
    expect(of('pc')).toEqual({ status: 'CONVERTED' });
    expect(of('cbe')).toEqual({ status: 'BREAK_IN_SERIES' });
    expect(of('bd')).toEqual({ unknown: 'd' });
    expect(of('u')).toEqual({ unknown: 'u' });
    expect(of('1')).toEqual({ unknown: '1' });
  });
});

describe('the SDMX-CSV reader', () => {
  const HEADER = 'DATAFLOW,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE';

  it('reads an SDMX-CSV 1.0 row as the tidy row it stands for', async () => {
    const { rows, problems } = await read(`${HEADER}\nX:Y(1.0),A,AT001C,POP,2020,5\n`);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        city: 'Wien',
        country: 'AT',
        region: null,
        indicator: 'population',
        year: 2020,
        value: 5,
        lower: null,
        upper: null,
        status: 'MEASURED',
        note: null,
        disaggregation: '',
      },
    ]);
  });

  it('splits by further dimensions, sorted, with totals as the total, and leaves out attributes', async () => {
    const csv = [
      'STRUCTURE[;],STRUCTURE_ID,REF_AREA,INDICATOR,SEX,age,TIME_PERIOD,OBS_VALUE,LAST UPDATE,unit,NOTE[en;fr]',
      'dataflow,X:Y(1.0),AT001C,POP,F,Y15-24,2020,5,21/03/24 23:00:00,NR,en:a;fr:b',
      'dataflow,X:Y(1.0),AT001C,POP,_T,TOTAL,2020,9,21/03/24 23:00:00,NR,',
    ].join('\n');
    const { rows, problems } = await read(csv, { ...SDMX, totals: ['TOTAL'], ignore: ['UNIT'] });
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.disaggregation, r.value])).toEqual([
      ['age=y15-24;sex=f', 5],
      ['', 9],
    ]);
  });

  it('refuses a cell that is not a code in a dimension column: an attribute to ignore', async () => {
    const { problems } = await read(
      `DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,SOURCE_NOTE\nX:Y(1.0),AT001C,POP,2020,5,from a survey\n`,
    );
    expect(problems).toEqual([
      {
        line: 2,
        column: 'SOURCE_NOTE',
        value: 'from a survey',
        reason:
          'is not a code, so this column is not a dimension: list it in rightsgraph.sdmx.ignore if it is an attribute',
      },
    ]);
  });

  it('applies UNIT_MULT exactly, and counts NaN and Eurostat ":" as missing values', async () => {
    const csv = [
      'DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MULT',
      'X:Y(1.0),AT001C,POP,2020,1.9,3',
      'X:Y(1.0),AT001C,POP,2021,250,-2',
      'X:Y(1.0),AT001C,POP,2022,NaN,3',
      'X:Y(1.0),AT001C,POP,2023,:,',
      'X:Y(1.0),AT001C,POP,2024,7,k',
    ].join('\n');
    const { rows, problems, missing } = await read(csv);
    expect(rows.map((r) => r.value)).toEqual([1900, 2.5]);
    expect(missing).toEqual([4, 5]);
    expect(problems).toEqual([
      { line: 6, column: 'UNIT_MULT', value: 'k', reason: 'is not a power of ten (e.g. 3 for thousands)' },
    ]);
  });

  it('refuses a header it cannot read, once, on line 1', async () => {
    expect((await read('STRUCTURE;STRUCTURE_ID;ACTION;OBS_VALUE\n')).problems).toEqual([
      {
        line: 1,
        column: null,
        value: null,
        reason: 'the fields are separated by ";": only commas are read; export the file with commas',
      },
    ]);
    expect((await read('STRUCTURE,STRUCTURE_NAME,REF_AREA,INDICATOR,TIME_PERIOD\n')).problems).toEqual([
      {
        line: 1,
        column: 'STRUCTURE_ID',
        value: null,
        reason: 'required column of SDMX-CSV 2.0 is missing from the header',
      },
      {
        line: 1,
        column: 'STRUCTURE_NAME',
        value: null,
        reason:
          'a file with labels in columns of their own (labels=name) cannot be read: export it with labels=id or labels=both',
      },
      { line: 1, column: 'OBS_VALUE', value: null, reason: 'required column is missing from the header' },
    ]);
    expect((await read('DATAFLOW,geo,TIME_PERIOD,OBS_VALUE,geo\n')).problems).toEqual([
      { line: 1, column: 'geo', value: 'geo', reason: 'the column appears twice (columns 2 and 5)' },
      {
        line: 1,
        column: 'REF_AREA',
        value: null,
        reason: 'the area column (rightsgraph.sdmx.area in datapackage.json) is missing from the header',
      },
      {
        line: 1,
        column: 'INDICATOR',
        value: null,
        reason: 'the indicator column (rightsgraph.sdmx.indicator in datapackage.json) is missing from the header',
      },
    ]);
  });
});
