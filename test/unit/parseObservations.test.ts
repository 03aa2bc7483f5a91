import { parseObservations } from '../../src/modules/ingest/parseObservations';

const HEADER = 'city,country,region,indicator,year,value,lower,upper,status,note';

describe('parseObservations', () => {
  it('reads what real files contain: BOM, CRLF, quotes with commas and newlines, blank lines, whitespace, thousands separators', async () => {
    const csv =
      '\ufeff' +
      [
        HEADER,
        'Pittsburgh,US,PA,population,2010,"307,630",,,,',
        '"Washington, D.C.",us,DC,homicide-rate,2010, 21.94 ,,,ESTIMATED,"a note, with a comma"',
        '',
        'Vienna,AT,,pm25-annual-mean,2016,14,12.5,15,measured,"two',
        'lines"',
      ].join('\r\n') +
      '\r\n';
    const result = await parseObservations(csv);
    expect(result.problems).toEqual([]);
    expect(result.records).toBe(3);
    expect(result.rows).toEqual([
      {
        line: 2,
        city: 'Pittsburgh',
        country: 'US',
        region: 'PA',
        indicator: 'population',
        year: 2010,
        value: 307630,
        lower: null,
        upper: null,
        status: 'MEASURED',
        note: null,
        disaggregation: '',
      },
      {
        line: 3,
        city: 'Washington, D.C.',
        country: 'US',
        region: 'DC',
        indicator: 'homicide-rate',
        year: 2010,
        value: 21.94,
        lower: null,
        upper: null,
        status: 'ESTIMATED',
        note: 'a note, with a comma',
        disaggregation: '',
      },
      {
        line: 5,
        city: 'Vienna',
        country: 'AT',
        region: null,
        indicator: 'pm25-annual-mean',
        year: 2016,
        value: 14,
        lower: 12.5,
        upper: 15,
        status: 'MEASURED',
        note: 'two\r\nlines',
        disaggregation: '',
      },
    ]);
  });

  it('counts NA, .., - and empty values as missing, never as zero', async () => {
    const csv = [
      'city,country,indicator,year,value',
      'A,US,x,2010,NA',
      'A,US,x,2011,..',
      'A,US,x,2012,-',
      'A,US,x,2013,',
      'A,US,x,2014,0',
    ].join('\n');
    const result = await parseObservations(csv);
    expect(result.problems).toEqual([]);
    expect(result.missing.map((m) => m.line)).toEqual([2, 3, 4, 5]);
    expect(result.rows.map((r) => [r.year, r.value])).toEqual([[2014, 0]]);
  });

  it('reports every bad field with its line, column, value and reason', async () => {
    const csv = [
      'city,country,indicator,year,value,lower,upper,status',
      ',USA,x,1899,1,5,,',
      'A,US,,2010,1,5,0.5,GUESSED',
      'A,US,x,20x0,1.2.3,,,',
      'A,US,x,2010,"1,5",,,',
      'A,US,x,2010',
    ].join('\n');
    const result = await parseObservations(csv);
    expect(result.rows).toEqual([]);
    expect(result.problems).toEqual([
      { line: 2, column: 'city', value: '', reason: 'is empty' },
      { line: 2, column: 'year', value: '1899', reason: 'must be a year between 1900 and 2100' },
      { line: 2, column: 'lower', value: '5', reason: 'is above the value 1' },
      { line: 3, column: 'indicator', value: '', reason: 'is empty' },
      {
        line: 3,
        column: 'status',
        value: 'GUESSED',
        reason: 'must be one of MEASURED, ESTIMATED, PROVISIONAL, CONVERTED, BREAK_IN_SERIES',
      },
      { line: 3, column: 'lower', value: '5', reason: 'is above the value 1' },
      { line: 3, column: 'upper', value: '0.5', reason: 'is below the value 1' },
      { line: 4, column: 'year', value: '20x0', reason: 'must be a year between 1900 and 2100' },
      { line: 4, column: 'value', value: '1.2.3', reason: 'is not a number (missing values are empty, NA, .. or -)' },
      { line: 5, column: 'value', value: '1,5', reason: 'is not a number (missing values are empty, NA, .. or -)' },
      { line: 6, column: null, value: null, reason: 'has 4 fields, the header has 8' },
    ]);
  });

  it('refuses a value or bound too large to be a finite number', async () => {
    const csv = [
      'city,country,indicator,year,value,lower,upper',
      'A,US,x,2010,1e400,,',
      'A,US,x,2011,-1E999,,',
      'A,US,x,2012,5,-1e400,1e309',
      'A,US,x,2013,1e308,,',
    ].join('\n');
    const result = await parseObservations(csv);
    const reason = 'is too large: numbers must be finite, at most about 1.8e308';
    expect(result.problems).toEqual([
      { line: 2, column: 'value', value: '1e400', reason },
      { line: 3, column: 'value', value: '-1E999', reason },
      { line: 4, column: 'lower', value: '-1e400', reason },
      { line: 4, column: 'upper', value: '1e309', reason },
    ]);
    expect(result.rows.map((r) => [r.line, r.value])).toEqual([[5, 1e308]]);
  });

  it('refuses a disaggregation longer than the 200 characters the database holds', async () => {
    const csv = [
      'city,country,indicator,year,value,sex,age',
      `A,US,x,2010,1,${'f'.repeat(196)},`, // 'sex=' + 196: exactly 200, allowed
      `A,US,x,2011,1,${'F'.repeat(197)},`, // 201 characters
      `A,US,x,2012,1,${'é'.repeat(100)},${'y'.repeat(100)}`, // 'age=' + 100 + ';sex=' + 100: 209
    ].join('\n');
    const result = await parseObservations(csv, { disaggregations: ['sex', 'age'] });
    expect(result.problems).toEqual([
      {
        line: 3,
        column: 'sex',
        value: `sex=${'f'.repeat(197)}`,
        reason:
          'the disaggregation (this column as "column=value" pairs joined by ";") is 201 characters long, at most 200 are allowed',
      },
      {
        line: 4,
        column: 'age, sex',
        value: `age=${'y'.repeat(100)};sex=${'é'.repeat(100)}`,
        reason:
          'the disaggregation (these columns as "column=value" pairs joined by ";") is 209 characters long, at most 200 are allowed',
      },
    ]);
    expect(result.rows.map((r) => [r.line, r.disaggregation.length])).toEqual([[2, 200]]);
  });

  it('refuses a duplicated, missing or unknown header column', async () => {
    const result = await parseObservations('city,country,city,indicator,year,sex\nA,US,A,x,2010,f\n');
    expect(result.problems).toEqual([
      { line: 1, column: 'city', value: 'city', reason: 'the column name appears twice (columns 1 and 3)' },
      { line: 1, column: 'value', value: null, reason: 'required column is missing from the header' },
      {
        line: 1,
        column: 'sex',
        value: 'sex',
        reason: 'unknown column: declare it in datapackage.json (rightsgraph.disaggregations) if it splits the values',
      },
    ]);
  });

  it('keys declared disaggregations canonically', async () => {
    const csv = 'city,country,indicator,year,value,sex,age\nA,US,x,2010,1,Female,15-24\nA,US,x,2010,2,,\n';
    const result = await parseObservations(csv, { disaggregations: ['sex', 'age'] });
    expect(result.problems).toEqual([]);
    expect(result.rows.map((r) => r.disaggregation)).toEqual(['age=15-24;sex=female', '']);
  });

  it('reports an unclosed quote and an empty file instead of throwing', async () => {
    const unclosed = await parseObservations('city,country,indicator,year,value\nA,US,x,2010,"1\n');
    expect(unclosed.problems).toHaveLength(1);
    expect(unclosed.problems[0].reason).toMatch(/^CSV syntax error/);
    const empty = await parseObservations('');
    expect(empty.problems).toEqual([
      { line: 0, column: null, value: null, reason: 'the file is empty: expected a header line' },
    ]);
  });
});
