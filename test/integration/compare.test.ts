import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadFixture, series, supersede, type Fixture } from '../fixtures/fixture';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

type Point = {
  year: number;
  value: number;
  lower: number | null;
  upper: number | null;
  status: string;
  source: { title: string };
};
type Series = { city: { slug: string }; indicator: { code: string }; points: Point[] };
type Compare = {
  compare: {
    series: Series[];
    warnings: { code: string; message: string }[];
    citation: { sources: { title: string }[]; release: { id: string }; queryHash: string };
  };
};
const QUERY = `query($cityIds: [ID!]!, $codes: [String!]!, $yearFrom: Int, $yearTo: Int, $asOf: ID) {
  compare(cityIds: $cityIds, indicatorCodes: $codes, yearFrom: $yearFrom, yearTo: $yearTo, asOf: $asOf) {
    series { city { slug } indicator { code } points { year value lower upper status source { title } } }
    warnings { code message }
    citation { sources { title } release { id } queryHash }
  }
}`;

/** [year, value] pairs of a series, the shape the hand-written expectations below use. */
const pairs = (s: Series) => s.points.map((p) => [p.year, p.value]);

describe('compare on fixtures', () => {
  let t: TestServer;
  let f: Fixture;
  const ids = (...slugs: string[]) => slugs.map((s) => String(f.city(s)));

  beforeAll(async () => {
    t = await createTestServer({ seed: false });
    f = await loadFixture(t.db.dataSource, {
      cities: [
        { slug: 'a', country: 'AT' },
        { slug: 'b', country: 'AT' },
        { slug: 'c', country: 'US' },
      ],
      indicators: [
        { code: 'x', unit: 'per 100k' },
        { code: 'y', unit: '%', direction: 'HIGHER_IS_BETTER' },
        { code: 'z', unit: 'per 100k' },
      ],
      sources: ['s1', 's2'],
      observations: [
        // a/x: 2002 and 2004 are missing, values negative and fractional.
        ...series('a', 'x', [
          [2001, 1.5],
          [2003, -2.25],
          [2005, 0.125],
        ]),
        // A disaggregated value is not a total: it never shows up in a series, not even in 2002.
        { city: 'a', indicator: 'x', year: 2002, value: 99, disaggregation: 'sex=female' },
        { city: 'b', indicator: 'x', year: 2001, value: 3, status: 'ESTIMATED' },
        { city: 'b', indicator: 'x', year: 2004, value: 4, source: 's2' },
        { city: 'b', indicator: 'y', year: 2003, value: 10, lower: 9, upper: 11, status: 'BREAK_IN_SERIES' },
        // Two sources report the same year: both appear, by source id.
        { city: 'c', indicator: 'z', year: 2002, value: 6, source: 's2' },
        { city: 'c', indicator: 'z', year: 2002, value: 5, source: 's1' },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('returns one series per city and indicator, in the order asked, missing years absent', async () => {
    const data = dataOf<Compare>(await t.query(QUERY, { cityIds: ids('b', 'a'), codes: ['y', 'x'] }));
    expect(data.compare.series.map((s) => [s.city.slug, s.indicator.code, pairs(s)])).toEqual([
      ['b', 'y', [[2003, 10]]],
      [
        'b',
        'x',
        [
          [2001, 3],
          [2004, 4],
        ],
      ],
      // a has no value of y: the series is there, empty.
      ['a', 'y', []],
      [
        'a',
        'x',
        [
          [2001, 1.5],
          [2003, -2.25],
          [2005, 0.125],
        ],
      ],
    ]);
    expect(data.compare.series[0].points[0]).toEqual({
      year: 2003,
      value: 10,
      lower: 9,
      upper: 11,
      status: 'BREAK_IN_SERIES',
      source: { title: 's1' },
    });
    expect(data.compare.series[1].points.map((p) => [p.status, p.source.title])).toEqual([
      ['ESTIMATED', 's1'],
      ['MEASURED', 's2'],
    ]);
    // x is per 100k and y is %; a/y is empty; b/x 2001 is estimated; b/y 2003 breaks the series.
    expect(data.compare.warnings).toEqual([
      {
        code: 'MIXED_UNITS',
        message:
          "The indicators are in different units (y: %, x: per 100k): compare the series' shapes, not their levels",
      },
      { code: 'NO_DATA', message: 'No values of y for a' },
      { code: 'ESTIMATED_VALUES', message: '1 value is estimated or provisional' },
      {
        code: 'BREAK_IN_SERIES',
        message: '1 value marks a break in series: earlier values are not comparable',
      },
    ]);
    expect(data.compare.citation.sources.map((s) => s.title)).toEqual(['s1', 's2']);
    expect(data.compare.citation.release.id).toBe(String(f.releaseId));
  });

  it('keeps every source of a year, and warns about units only when they differ', async () => {
    const data = dataOf<Compare>(await t.query(QUERY, { cityIds: ids('c'), codes: ['z', 'x'] }));
    expect(
      data.compare.series.map((s) => [s.indicator.code, s.points.map((p) => [p.year, p.value, p.source.title])]),
    ).toEqual([
      [
        'z',
        [
          [2002, 5, 's1'],
          [2002, 6, 's2'],
        ],
      ],
      ['x', []],
    ]);
    // x and z are both per 100k: no MIXED_UNITS.
    expect(data.compare.warnings.map((w) => w.code)).toEqual(['NO_DATA']);
  });

  it('answers for a single city and indicator', async () => {
    const data = dataOf<Compare>(await t.query(QUERY, { cityIds: ids('a'), codes: ['x'] }));
    expect(data.compare.series.map(pairs)).toEqual([
      [
        [2001, 1.5],
        [2003, -2.25],
        [2005, 0.125],
      ],
    ]);
    expect(data.compare.warnings).toEqual([]);
    expect(data.compare.citation.sources.map((s) => s.title)).toEqual(['s1']);
  });

  it('limits points to the years asked, bounds included', async () => {
    const data = dataOf<Compare>(
      await t.query(QUERY, { cityIds: ids('a', 'b'), codes: ['x'], yearFrom: 2003, yearTo: 2004 }),
    );
    expect(data.compare.series.map((s) => [s.city.slug, pairs(s)])).toEqual([
      ['a', [[2003, -2.25]]],
      ['b', [[2004, 4]]],
    ]);
    const empty = dataOf<Compare>(await t.query(QUERY, { cityIds: ids('a'), codes: ['x'], yearFrom: 2010 }));
    expect(empty.compare.series.map(pairs)).toEqual([[]]);
    expect(empty.compare.warnings).toEqual([{ code: 'NO_DATA', message: 'No values of x for a from 2010' }]);
  });

  it('asks for a repeated city or indicator once', async () => {
    const data = dataOf<Compare>(await t.query(QUERY, { cityIds: ids('a', 'a'), codes: ['x', 'x'] }));
    expect(data.compare.series).toHaveLength(1);
  });

  it('rejects bad input with BAD_USER_INPUT', async () => {
    const unknownCity = await t.query(QUERY, { cityIds: ['999999'], codes: ['x'] });
    expect(errorCodes(unknownCity)).toEqual(['BAD_USER_INPUT']);
    expect(unknownCity.errors?.[0].message).toBe('Unknown city id "999999"');
    const unknownIndicator = await t.query(QUERY, { cityIds: ids('a'), codes: ['xx'] });
    expect(errorCodes(unknownIndicator)).toEqual(['BAD_USER_INPUT']);
    // Edit distances from "xx": x 1, y 2, z 2 (ties by code).
    expect(unknownIndicator.errors?.[0].message).toBe('Unknown indicator "xx"; did you mean "x", "y", "z"?');
    const inverted = await t.query(QUERY, { cityIds: ids('a'), codes: ['x'], yearFrom: 2005, yearTo: 2001 });
    expect(errorCodes(inverted)).toEqual(['BAD_USER_INPUT']);
    expect(inverted.errors?.[0].message).toBe('yearFrom (2005) is after yearTo (2001)');
    expect(errorCodes(await t.query(QUERY, { cityIds: ids('a'), codes: ['x'], yearFrom: 1899 }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await t.query(QUERY, { cityIds: ids('a'), codes: ['x'], asOf: '999999' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(errorCodes(await t.query(QUERY, { cityIds: [], codes: ['x'] }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.query(QUERY, { cityIds: ids('a'), codes: [] }))).toEqual(['BAD_USER_INPUT']);
  });

  it('allows at most 100 cities and 20 indicators', async () => {
    const tooManyCities = await t.query(QUERY, {
      cityIds: Array.from({ length: 101 }, (_, i) => String(i + 1)),
      codes: ['x'],
    });
    expect(errorCodes(tooManyCities)).toEqual(['BAD_USER_INPUT']);
    expect(tooManyCities.errors?.[0].message).toBe('cityIds must name between 1 and 100 items, got 101');
    const tooManyIndicators = await t.query(QUERY, {
      cityIds: ids('a'),
      codes: Array.from({ length: 21 }, (_, i) => `i${i}`),
    });
    expect(tooManyIndicators.errors?.[0].message).toBe('indicatorCodes must name between 1 and 20 items, got 21');
    // 100 cities (repeats count once, so the limit is on distinct cities) pass the check.
    const hundred = Array.from({ length: 100 }, (_, i) => ids('a', 'b', 'c')[i % 3]);
    expect(dataOf<Compare>(await t.query(QUERY, { cityIds: hundred, codes: ['x'] })).compare.series).toHaveLength(3);
  });

  it('runs the same number of statements for one city as for three', async () => {
    // indicators (resolveIndicators), newest release, the series with their cities, the sources
    // of the citation: 4. City, indicator and source fields are served from the primed loaders.
    const one = await t.countStatements(QUERY, { cityIds: ids('a'), codes: ['x', 'y', 'z'] });
    const three = await t.countStatements(QUERY, { cityIds: ids('a', 'b', 'c'), codes: ['x', 'y', 'z'] });
    expect(one.result.errors).toBeUndefined();
    expect(three.result.errors).toBeUndefined();
    expect(one.statements).toBe(4);
    expect(three.statements).toBe(4);
    expect(one.sql).toMatchSnapshot('one city');
    expect(three.sql).toMatchSnapshot('three cities');
  });

  it('carries every field of a point exactly: doubles to the last bit, notes, ids, city and release', async () => {
    // Written by hand: the doubles JavaScript itself computes or reads, and a note with quotes,
    // a backslash, a newline and non-ASCII text, all of which must survive Postgres's JSON.
    const doubles = [0.1 + 0.2, 5e-324, -1.7976931348623157e308, 123456789.12345679, 2 / 3];
    const [{ id: releaseId }] = await t.db.dataSource.query(
      `INSERT INTO release (description) VALUES ('exact') RETURNING id`,
    );
    const [{ id: cityId }] = await t.db.dataSource.query(
      `INSERT INTO city (slug, name, ascii_name, country_code, alternate_names) VALUES ('exact', 'Exact', 'Exact', 'AT', '{}') RETURNING id`,
    );
    const note = 'said "ok" \\ then\nZürich – 東京';
    const inserted: { id: number }[] = await t.db.dataSource.query(
      `INSERT INTO observation (city_id, indicator_id, year, value, lower, upper, status, note, source_id, release_id)
       SELECT $1, $2, 2010 + n, v, CASE WHEN n = 5 THEN v - 0.5 END, CASE WHEN n = 5 THEN v + 0.25 END,
              'PROVISIONAL', CASE WHEN n = 1 THEN $3 END, $4, $5
       FROM unnest($6::float8[]) WITH ORDINALITY AS t(v, n) ORDER BY n RETURNING id`,
      [cityId, f.indicator('x'), note, f.source('s2'), releaseId, doubles],
    );
    const result = dataOf<{
      compare: {
        series: {
          city: { slug: string };
          points: {
            id: string;
            year: number;
            value: number;
            lower: number | null;
            upper: number | null;
            note: string | null;
            disaggregation: string;
            status: string;
            city: { slug: string };
            release: { id: string };
            source: { title: string };
          }[];
        }[];
      };
    }>(
      await t.query(
        `query($cityIds: [ID!]!) { compare(cityIds: $cityIds, indicatorCodes: ["x"]) { series { city { slug }
           points { id year value lower upper note disaggregation status city { slug } release { id } source { title } } } } }`,
        { cityIds: [String(cityId)] },
      ),
    );
    expect(result.compare.series[0].points).toEqual(
      doubles.map((value, i) => ({
        id: String(inserted[i].id),
        year: 2011 + i,
        value,
        lower: i === 4 ? value - 0.5 : null,
        upper: i === 4 ? value + 0.25 : null,
        note: i === 0 ? note : null,
        disaggregation: '',
        status: 'PROVISIONAL',
        city: { slug: 'exact' },
        release: { id: String(releaseId) },
        source: { title: 's2' },
      })),
    );
    // The same through a named fragment, an inline fragment and an alias: the resolver reads
    // only the columns the selection needs, and must find them through all three.
    const viaFragments = dataOf<{ compare: { series: { points: Record<string, unknown>[] }[] } }>(
      await t.query(
        `query($cityIds: [ID!]!) { compare(cityIds: $cityIds, indicatorCodes: ["x"]) { series {
           points { ...P ... on Observation { id } remark: note year value } } } }
         fragment P on Observation { lower upper disaggregation status city { slug } release { id } source { title } }`,
        { cityIds: [String(cityId)] },
      ),
    );
    expect(viaFragments.compare.series[0].points).toEqual(
      result.compare.series[0].points.map(({ note, ...rest }) => ({ ...rest, remark: note })),
    );
    // And a selection of two fields still gets every value right.
    const lean = dataOf<{ compare: { series: { points: { year: number; value: number }[] }[] } }>(
      await t.query(
        `query($cityIds: [ID!]!) { compare(cityIds: $cityIds, indicatorCodes: ["x"]) { series { points { year value } } } }`,
        { cityIds: [String(cityId)] },
      ),
    );
    expect(lean.compare.series[0].points).toEqual(doubles.map((value, i) => ({ year: 2011 + i, value })));
    expect(result.compare.series[0].points.map((p) => p.value)).toEqual([
      0.30000000000000004, 5e-324, -1.7976931348623157e308, 123456789.12345679, 0.6666666666666666,
    ]);
  });

  it('answers as of an earlier release', async () => {
    const release2 = await supersede(t.db.dataSource, f, [{ city: 'a', indicator: 'x', year: 2003, value: -3.5 }]);
    const now = dataOf<Compare>(await t.query(QUERY, { cityIds: ids('a'), codes: ['x'] }));
    const before = dataOf<Compare>(
      await t.query(QUERY, { cityIds: ids('a'), codes: ['x'], asOf: String(f.releaseId) }),
    );
    expect(now.compare.series.map(pairs)).toEqual([
      [
        [2001, 1.5],
        [2003, -3.5],
        [2005, 0.125],
      ],
    ]);
    expect(now.compare.citation.release.id).toBe(String(release2));
    expect(before.compare.series.map(pairs)).toEqual([
      [
        [2001, 1.5],
        [2003, -2.25],
        [2005, 0.125],
      ],
    ]);
    expect(before.compare.citation.release.id).toBe(String(f.releaseId));
    expect(before.compare.citation.queryHash).not.toBe(now.compare.citation.queryHash);
  });
});

describe('compare on the demo data', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('puts Pittsburgh and Boston side by side (seed-facts.md)', async () => {
    const rows: { slug: string; id: number }[] = await t.db.dataSource.query(
      `SELECT slug, id FROM city WHERE slug IN ('pittsburgh-us', 'boston-us')`,
    );
    const id = (slug: string) => String(rows.find((r) => r.slug === slug)?.id);
    const data = dataOf<Compare>(
      await t.query(QUERY, {
        cityIds: [id('pittsburgh-us'), id('boston-us')],
        codes: ['homicide-rate', 'pm25-annual-mean'],
        yearFrom: 2010,
        yearTo: 2016,
      }),
    );
    // The fact sheet's tables: UCR homicides per 100k 2010-2015 (none for 2016), and the single
    // WHO PM2.5 value each city reported (Pittsburgh 2015, Boston 2016).
    expect(data.compare.series.map((s) => [s.city.slug, s.indicator.code, pairs(s)])).toEqual([
      [
        'pittsburgh-us',
        'homicide-rate',
        [
          [2010, 17.88],
          [2011, 14.26],
          [2012, 13.14],
          [2013, 14.63],
          [2014, 22.43],
          [2015, 18.57],
        ],
      ],
      ['pittsburgh-us', 'pm25-annual-mean', [[2015, 9]]],
      [
        'boston-us',
        'homicide-rate',
        [
          [2010, 11.82],
          [2011, 10.14],
          [2012, 9.04],
          [2013, 6.06],
          [2014, 8.1],
          [2015, 5.71],
        ],
      ],
      ['boston-us', 'pm25-annual-mean', [[2016, 7]]],
    ]);
    // per 100k vs µg/m³.
    expect(data.compare.warnings.map((w) => w.code)).toEqual(['MIXED_UNITS']);
    expect(data.compare.citation.sources).toHaveLength(2);
  });

  it('runs the examples of docs/analytics/compare-scorecard.md, whose ids are the demo cities named', async () => {
    const doc = readFileSync(path.resolve(__dirname, '../../docs/analytics/compare-scorecard.md'), 'utf8');
    const blocks = [...doc.matchAll(/^```graphql[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => m[1]);
    expect(blocks).toHaveLength(2);
    const compared = dataOf<Compare>(await t.query(blocks[0]));
    expect(compared.compare.series.map((s) => [s.city.slug, s.indicator.code, s.points.length])).toEqual([
      ['pittsburgh-us', 'homicide-rate', 6],
      ['pittsburgh-us', 'pm25-annual-mean', 1],
      ['boston-us', 'homicide-rate', 6],
      ['boston-us', 'pm25-annual-mean', 1],
    ]);
    const scored = dataOf<{ scorecard: { city: { name: string }; peers: unknown[] } }>(await t.query(blocks[1]));
    expect(scored.scorecard.city.name).toBe('Pittsburgh');
    expect(scored.scorecard.peers).toHaveLength(16);
  });
});
