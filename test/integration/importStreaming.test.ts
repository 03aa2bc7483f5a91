import { Readable } from 'node:stream';
import { importObservations, MAX_PROBLEMS } from '../../src/modules/ingest/importObservations';
import type { ImportMetadata } from '../../src/modules/ingest/datapackage';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * The import streams the file into a staging table as it reads it and checks the database
 * afterwards, set-based: what it finds late in a file, or only once every row is staged
 * (duplicates, cities to create), must still stop the whole import and be reported in line
 * order. The files are made to be larger than one staging batch (10,000 rows on PGlite).
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const METADATA: ImportMetadata = {
  source: {
    title: 'Streaming import test',
    publisher: 'Test',
    url: null,
    license: null,
    citation: 'Test.',
    synthetic: true,
  },
  indicators: [],
  disaggregations: ['sex'],
};

const HEADER = 'city,country,region,indicator,year,value,sex';

/** `n` valid rows for Boston: one per year 1901-2000 and group g0, g1, ...: distinct keys. */
function bostonRows(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => `Boston,US,MA,homicide-rate,${1901 + (i % 100)},${i}.5,g${Math.floor(i / 100)}`,
  );
}

async function snapshot() {
  const [row] = await db.dataSource.query(
    `SELECT (SELECT count(*)::int FROM observation) AS observations,
            (SELECT count(*)::int FROM release) AS releases,
            (SELECT count(*)::int FROM city) AS cities,
            (SELECT count(*)::int FROM indicator) AS indicators,
            (SELECT count(*)::int FROM source) AS sources,
            (SELECT md5(coalesce(string_agg(row_to_json(o)::text, '|' ORDER BY o.id), '')) FROM observation o) AS checksum`,
  );
  return row;
}

describe('a streamed import', () => {
  it('refuses a large file whose last row is bad, reporting every problem in line order and writing nothing', async () => {
    const rows = bostonRows(12_000);
    // Line numbers: the header is line 1, rows[i] is line i + 2.
    rows[500] = 'Boston,US,MA,homicide-rate,1901,1,g0'; // line 502: same key as rows[0], line 2
    rows[7_000] = 'Boston,US,MA,homicide-rate,1901,x,g70'; // line 7002: not a number
    rows.push('Boston,US,MA,happiness,1950,1,g0'); // line 12002: unknown indicator
    const before = await snapshot();
    const report = await importObservations(db.dataSource, [HEADER, ...rows].join('\n'), {
      metadata: METADATA,
      createCities: true,
    });
    expect(report).toMatchObject({ ok: false, records: 12_001, missing: 0, problemCount: 3, releaseId: null });
    expect(report.problems).toEqual([
      {
        line: 502,
        column: null,
        value: null,
        reason: 'duplicates line 2: same city, indicator, year and disaggregation',
      },
      { line: 7002, column: 'value', value: 'x', reason: 'is not a number (missing values are empty, NA, .. or -)' },
      {
        line: 12002,
        column: 'indicator',
        value: 'happiness',
        reason: 'unknown indicator: define it in datapackage.json (rightsgraph.indicators)',
      },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('lists the first problems by line and counts the rest, wherever in the checks they were found', async () => {
    // More than twice MAX_PROBLEMS found while reading, then one with a lower line found afterwards.
    const rows = [
      'Boston,US,MA,homicide-rate,1950,1,', // line 2
      'Boston,US,MA,homicide-rate,1950,2,', // line 3: duplicates line 2, found only once all is staged
      ...Array.from({ length: 2500 }, (_, i) => `Boston,US,MA,homicide-rate,1951,bad${i},`), // lines 4-2503
      'Atlantis,US,,homicide-rate,1950,1,', // line 2504: unknown city
      'Vienna,AT,,homicide-rate,1950,1,', // line 2505: valid, Vienna exists
      'Boston,XX,,homicide-rate,1950,1,', // line 2506: unknown country
    ];
    const before = await snapshot();
    const report = await importObservations(db.dataSource, [HEADER, ...rows].join('\n'), { metadata: METADATA });
    expect(report.ok).toBe(false);
    expect(report.problemCount).toBe(1 + 2500 + 1 + 1);
    expect(report.problems).toHaveLength(MAX_PROBLEMS);
    expect(report.problems[0]).toEqual({
      line: 3,
      column: null,
      value: null,
      reason: 'duplicates line 2: same city, indicator, year',
    });
    expect(report.problems[1]).toEqual({
      line: 4,
      column: 'value',
      value: 'bad0',
      reason: 'is not a number (missing values are empty, NA, .. or -)',
    });
    expect(report.problems[MAX_PROBLEMS - 1]).toMatchObject({ line: 1002, column: 'value', value: 'bad998' });
    expect(await snapshot()).toEqual(before);
  });

  it('reports every reference problem of a row, country before indicator, city after it', async () => {
    const report = await importObservations(
      db.dataSource,
      [
        HEADER,
        'Atlantis,US,,happiness,1950,1,',
        'Boston,XX,,happiness,1950,1,',
        'Boston,US,,homicide-rate,1950,1,',
      ].join('\n'),
      { metadata: METADATA },
    );
    expect(report.problems).toEqual([
      {
        line: 2,
        column: 'indicator',
        value: 'happiness',
        reason: 'unknown indicator: define it in datapackage.json (rightsgraph.indicators)',
      },
      {
        line: 2,
        column: 'city',
        value: 'Atlantis',
        reason: 'no city "Atlantis" in US (use --create-cities to add it)',
      },
      {
        line: 3,
        column: 'country',
        value: 'XX',
        reason:
          'unknown country (expected an ISO 3166-1 alpha-2 or alpha-3 code or an English name); did you mean "AX", "CX", "MX"?',
      },
      {
        line: 3,
        column: 'indicator',
        value: 'happiness',
        reason: 'unknown indicator: define it in datapackage.json (rightsgraph.indicators)',
      },
    ]);
    expect(report.problemCount).toBe(4);
  });

  it('reports a file naming 20,000 different unknown cities, one problem per row', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `Nowhere${i},US,,homicide-rate,1950,1,`);
    const report = await importObservations(db.dataSource, [HEADER, ...rows].join('\n'), { metadata: METADATA });
    expect(report).toMatchObject({ ok: false, records: 20_000, problemCount: 20_000 });
    expect(report.problems).toHaveLength(MAX_PROBLEMS);
    expect(report.problems[0]).toEqual({
      line: 2,
      column: 'city',
      value: 'Nowhere0',
      reason: 'no city "Nowhere0" in US (use --create-cities to add it)',
    });
    expect(report.problems[MAX_PROBLEMS - 1]).toMatchObject({ line: 1001, value: 'Nowhere999' });
  });

  it('reports a disaggregation too long to store with the other problems, instead of failing the load', async () => {
    const long = 'x'.repeat(197); // 'sex=' + 197 = 201 characters
    const before = await snapshot();
    const report = await importObservations(
      db.dataSource,
      [HEADER, `Boston,US,MA,homicide-rate,1950,1,${long}`, 'Boston,US,MA,homicide-rate,1951,oops,'].join('\n'),
      { metadata: METADATA },
    );
    expect(report).toMatchObject({ ok: false, problemCount: 2 });
    expect(report.problems).toEqual([
      {
        line: 2,
        column: 'sex',
        value: `sex=${long}`,
        reason:
          'the disaggregation (this column as "column=value" pairs joined by ";") is 201 characters long, at most 200 are allowed',
      },
      { line: 3, column: 'value', value: 'oops', reason: 'is not a number (missing values are empty, NA, .. or -)' },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('rejects with the error of a file that fails half-way, writing nothing and keeping the connection usable', async () => {
    // More than one staging batch and one COPY chunk are sent before the read fails.
    let sent = 0;
    const file = new Readable({
      read() {
        if (sent === 0) this.push(`${HEADER}\n`);
        if (sent < 30) {
          const rows = bostonRows(30_000).slice(sent * 1000, (sent + 1) * 1000);
          this.push(`${rows.join('\n')}\n`);
          sent += 1;
        } else {
          this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
        }
      },
    });
    const before = await snapshot();
    await expect(importObservations(db.dataSource, file, { metadata: METADATA })).rejects.toMatchObject({
      code: 'EIO',
    });
    expect(await snapshot()).toEqual(before);
    // Every connection went back to the pool, out of its transaction.
    const [{ open }] = await db.dataSource.query(
      `SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(open).toBe(0);
    const again = await importObservations(
      db.dataSource,
      [HEADER, 'Boston,US,MA,homicide-rate,1901,1.5,g0'].join('\n'),
      { metadata: METADATA, dryRun: true },
    );
    expect(again).toMatchObject({ ok: true, added: 1 });
  });

  it('rejects with the original error when the rollback after it fails too', async () => {
    const before = await snapshot();
    const createQueryRunner = db.dataSource.createQueryRunner.bind(db.dataSource);
    const spy = jest.spyOn(db.dataSource, 'createQueryRunner').mockImplementationOnce((...args) => {
      const queryRunner = createQueryRunner(...args);
      const rollback = queryRunner.rollbackTransaction.bind(queryRunner);
      queryRunner.rollbackTransaction = async () => {
        await rollback();
        throw new Error('rollback failed: connection lost');
      };
      return queryRunner;
    });
    const file = Readable.from(
      (function* () {
        yield `${HEADER}\nBoston,US,MA,homicide-rate,1901,1.5,g0\n`;
        throw Object.assign(new Error('EACCES: permission denied, read'), { code: 'EACCES' });
      })(),
    );
    try {
      await expect(importObservations(db.dataSource, file, { metadata: METADATA })).rejects.toMatchObject({
        code: 'EACCES',
        message: 'EACCES: permission denied, read',
      });
    } finally {
      spy.mockRestore();
    }
    expect(await snapshot()).toEqual(before);
  });

  it('finds a duplicate between two names of one city', async () => {
    const report = await importObservations(
      db.dataSource,
      [HEADER, 'Boston,US,MA,homicide-rate,1950,1,', 'boston-us,US,,homicide-rate,1950,2,'].join('\n'),
      { metadata: METADATA },
    );
    expect(report.problems).toEqual([
      { line: 3, column: null, value: null, reason: 'duplicates line 2: same city, indicator, year' },
    ]);
  });

  describe('a file whose only problem is duplicate keys (found by the merge, then rolled back)', () => {
    const file = (...rows: string[]) => [HEADER, ...rows].join('\n');
    const dup = (line: number, first: number, split = true) => ({
      line,
      column: null,
      value: null,
      reason: `duplicates line ${first}: same city, indicator, year${split ? ' and disaggregation' : ''}`,
    });
    /** Imports the rows, which must be refused with nothing written, and returns the report. */
    const refused = async (rows: string[], options: { createCities?: boolean } = {}) => {
      const before = await snapshot();
      const report = await importObservations(db.dataSource, file(...rows), { metadata: METADATA, ...options });
      expect(report).toMatchObject({ ok: false, releaseId: null });
      expect(await snapshot()).toEqual(before);
      return report;
    };
    // Current values for group dupa, 1901-1903, from this source.
    beforeAll(async () => {
      const first = await importObservations(
        db.dataSource,
        file(...[1901, 1902, 1903].map((y) => `Boston,US,MA,homicide-rate,${y},${y - 1900},dupa`)),
        { metadata: METADATA },
      );
      expect(first).toMatchObject({ ok: true, added: 3 });
    });

    it('reports two rows equal to the current value, which would change nothing', async () => {
      const report = await refused([
        'Boston,US,MA,homicide-rate,1901,1,dupa',
        'boston-us,US,,homicide-rate,1901,1,dupa',
      ]);
      expect(report).toMatchObject({ problemCount: 1, added: 0 });
      expect(report.problems).toEqual([dup(3, 2)]);
    });

    it('reports a changed and an unchanged value for one current row, and a new value beside them', async () => {
      const report = await refused([
        'Boston,US,MA,homicide-rate,1904,9,dupa', // new, valid
        'Boston,US,MA,homicide-rate,1902,2,dupa', // unchanged
        'Boston,US,MA,homicide-rate,1902,7,dupa', // changed: duplicates line 3
      ]);
      expect(report.problemCount).toBe(1);
      expect(report.problems).toEqual([dup(4, 3)]);
    });

    it('reports every duplicate among new values, in line order, and creates no city', async () => {
      const report = await refused(
        [
          'Atlantis,US,,homicide-rate,1950,1,', // a city to create
          'Boston,US,MA,homicide-rate,1950,1,dupb',
          'atlantis,US,,homicide-rate,1950,2,', // duplicates line 2
          'Boston,US,MA,homicide-rate,1951,1,dupb',
          'Boston,US,MA,homicide-rate,1950,3,dupb', // duplicates line 3
          'Boston,US,MA,homicide-rate,1950,4,dupb', // duplicates line 3
        ],
        { createCities: true },
      );
      expect(report).toMatchObject({ problemCount: 3, createdCities: [] });
      expect(report.problems).toEqual([dup(4, 2, false), dup(6, 3), dup(7, 3)]);
    });

    it('imports the same file without its duplicates', async () => {
      const report = await importObservations(
        db.dataSource,
        file('Boston,US,MA,homicide-rate,1902,7,dupa', 'Boston,US,MA,homicide-rate,1950,3,dupb'),
        { metadata: METADATA },
      );
      expect(report).toMatchObject({ ok: true, added: 1, changed: 1, unchanged: 0 });
    });
  });

  it('creates a city once for all the rows that name it, however they spell its case', async () => {
    // 3,000 rows: years 1901-2000 times groups g0-g29; every tenth one writes the name in capitals.
    const rows = Array.from(
      { length: 3000 },
      (_, i) =>
        `${i % 10 === 0 ? 'GOTHAM' : 'Gotham'},US,NJ,homicide-rate,${1901 + (i % 100)},${i},g${Math.floor(i / 100)}`,
    );
    const csv = [HEADER, ...rows].join('\n');
    const before = await snapshot();
    const dry = await importObservations(db.dataSource, csv, { metadata: METADATA, createCities: true, dryRun: true });
    // The dry run lists the city it would create; nothing of it stays.
    expect(dry).toMatchObject({
      ok: true,
      added: 3000,
      changed: 0,
      unchanged: 0,
      releaseId: null,
      createdCities: ['gotham-nj-us'],
    });
    expect(await snapshot()).toEqual(before);

    const messages: string[] = [];
    const report = await importObservations(db.dataSource, csv, {
      metadata: METADATA,
      createCities: true,
      onProgress: (m) => messages.push(m),
    });
    expect(report).toMatchObject({ ok: true, added: 3000, changed: 0, unchanged: 0, createdCities: ['gotham-nj-us'] });
    expect(messages).toEqual([
      'read 3,000 rows; checking 3,000 values',
      'looking up new cities in the gazetteer (GeoNames) for 1 country',
      'validated 3,000 values; loading',
      '0 values unchanged; writing 3,000',
    ]);
    const [gotham] = await db.dataSource.query(
      `SELECT c.name, c.region, count(o.id)::int AS observations, count(DISTINCT o.disaggregation)::int AS groups,
              min(o.year) AS first, max(o.year) AS last, sum(o.value) AS total
       FROM city c JOIN observation o ON o.city_id = c.id WHERE c.slug = 'gotham-nj-us' GROUP BY c.id`,
    );
    // The first row names the city, so its spelling is kept; 0 + 1 + ... + 2999 = 4,498,500.
    expect(gotham).toEqual({
      name: 'GOTHAM',
      region: 'NJ',
      observations: 3000,
      groups: 30,
      first: 1901,
      last: 2000,
      total: 4_498_500,
    });
    const after = await snapshot();
    expect(after.cities).toBe(before.cities + 1);
    expect(after.releases).toBe(before.releases + 1);

    // The city exists now: the same file again changes nothing, creates nothing.
    const again = await importObservations(db.dataSource, csv, { metadata: METADATA, createCities: true });
    expect(again).toMatchObject({ ok: true, added: 0, unchanged: 3000, createdCities: [], releaseId: null });
    expect(await snapshot()).toEqual(after);
  });
});
