import { loadFixture, type ObservationSpec, series, supersede, type Fixture } from '../fixtures/fixture';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

type Warning = { code: string; message: string };
type Entry = {
  city: { slug: string };
  n: number;
  firstYear: number | null;
  lastYear: number | null;
  slope: number | null;
  standardError: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  theilSen: number | null;
  warnings: Warning[];
  sources: { title: string }[];
};
type TrendData = {
  trend: {
    entries: Entry[];
    totalCount: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    indicator: { code: string };
    yearFrom: number | null;
    yearTo: number | null;
    warnings: Warning[];
    citation: { text: string; sources: { title: string }[]; release: { id: string } | null; queryHash: string };
  };
};
const ENTRY =
  'city { slug } n firstYear lastYear slope standardError ciLower ciUpper theilSen warnings { code message } sources { title }';
const TREND = `query($indicator: String!, $filter: CityFilter, $yearFrom: Int, $yearTo: Int, $asOf: ID, $first: Int, $after: String) {
  trend(indicator: $indicator, filter: $filter, yearFrom: $yearFrom, yearTo: $yearTo, asOf: $asOf, first: $first, after: $after) {
    entries { ${ENTRY} }
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    indicator { code }
    yearFrom yearTo
    warnings { code message }
    citation { text sources { title } release { id } queryHash }
  }
}`;
const CITY_TRENDS = `query($first: Int, $indicator: String!, $yearFrom: Int, $yearTo: Int, $asOf: ID) {
  cities(first: $first) { edges { node { slug
    trend(indicator: $indicator, yearFrom: $yearFrom, yearTo: $yearTo, asOf: $asOf) { n slope standardError theilSen }
  } } }
}`;
type CityTrends = {
  cities: {
    edges: { node: { slug: string; trend: Pick<Entry, 'n' | 'slope' | 'standardError' | 'theilSen'> | null } }[];
  };
};

/** t(0.975, df), from the t table (R's qt, to 9 decimals): the test's own, not the code's. */
const T975: Record<number, number> = { 1: 12.706204736, 2: 4.30265273, 3: 3.182446305, 4: 2.776445105 };

/**
 * The trend computed here from the fixture's own rows, independently of the code: the rule
 * (totals, lowest source id per year) applied to the spec, OLS by the normal equations on raw
 * years, the SE from that line's residuals, Theil-Sen by brute force.
 */
function expected(rows: ObservationSpec[], city: string, from = 1900, to = 2100) {
  const sourceRank = (s: string | undefined) => ['s1', 's2'].indexOf(s ?? 's1');
  const byYear = new Map<number, ObservationSpec>();
  for (const row of rows) {
    if (row.city !== city || row.disaggregation || row.year < from || row.year > to) continue;
    const held = byYear.get(row.year);
    if (!held || sourceRank(row.source) < sourceRank(held.source)) byYear.set(row.year, row);
  }
  const ps = [...byYear.values()].sort((a, b) => a.year - b.year).map((r) => [r.year, r.value] as const);
  const n = ps.length;
  const sx = ps.reduce((s, [x]) => s + x, 0);
  const sxx = ps.reduce((s, [x]) => s + x * x, 0);
  const sy = ps.reduce((s, [, y]) => s + y, 0);
  const sxy = ps.reduce((s, [x, y]) => s + x * y, 0);
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const intercept = (sy - slope * sx) / n;
  const sse = ps.reduce((s, [x, y]) => s + (y - intercept - slope * x) ** 2, 0);
  const standardError = Math.sqrt(sse / (n - 2) / (sxx - (sx * sx) / n));
  const pairwise = ps.flatMap(([x1, y1], i) => ps.slice(i + 1).map(([x2, y2]) => (y2 - y1) / (x2 - x1)));
  pairwise.sort((a, b) => a - b);
  const m = pairwise.length;
  const theilSen = m % 2 ? pairwise[(m - 1) / 2] : (pairwise[m / 2 - 1] + pairwise[m / 2]) / 2;
  const margin = T975[n - 2] * standardError;
  return { n, slope, standardError, ciLower: slope - margin, ciUpper: slope + margin, theilSen };
}

/*
 * The world (indicator `homicides`, LOWER_IS_BETTER, right safety; sources s1 < s2 by id):
 *   a (US): 2010..2015 = 10 12 11 15 14 18 (s1). s2 also gives 2012 = 100 and a disaggregated
 *           2013 value exists: both ignored (lowest source id; totals only). Hand-checked in
 *           test/unit/trendFit.test.ts: slope 10/7, SE 4/(7√3) = 0.329914, CI [0.512582, 2.344561],
 *           Theil-Sen 3/2.
 *   b (US): 2010 1, 2011 2, 2012 4: n = 3 < 5, FEW_OBSERVATIONS. Sxx = 2, Sxy = 3, slope 3/2;
 *           residuals -1/6 1/3 -1/6, SSE 1/6, SE = sqrt(1/6 / 1 / 2) = 0.288675;
 *           CI 1.5 ± 12.706205 · 0.288675 = [-2.167965, 5.167965]; pairwise 1 3/2 2: Theil-Sen 3/2.
 *   c (US): 2010 5, 2011 6, 2014 9, 2015 9, 2016 11: gaps 2012, 2013 (BREAK_IN_SERIES).
 *   d (GB): 2010..2012 = 1 2 3 from s1, 2013..2015 = 10 11 12 from s2: a change of source in 2013.
 *   e (GB): 2015 only: n = 1, no slope, FEW_OBSERVATIONS.
 *   f (GB): 2010..2014 = 3 4 5 6 7; 2010 and 2012 flagged BREAK_IN_SERIES: only 2012 breaks
 *           the window (a flag on the first value has nothing earlier in it).
 *   g (GB): no value: not an entry; its City.trend is null.
 */
const OBSERVATIONS: ObservationSpec[] = [
  ...series('a', 'homicides', [
    [2010, 10],
    [2011, 12],
    [2012, 11],
    [2013, 15],
    [2014, 14],
    [2015, 18],
  ]),
  { city: 'a', indicator: 'homicides', year: 2012, value: 100, source: 's2' },
  { city: 'a', indicator: 'homicides', year: 2013, value: 0, disaggregation: 'sex=female' },
  ...series('b', 'homicides', [
    [2010, 1],
    [2011, 2],
    [2012, 4],
  ]),
  ...series('c', 'homicides', [
    [2010, 5],
    [2011, 6],
    [2014, 9],
    [2015, 9],
    [2016, 11],
  ]),
  ...series('d', 'homicides', [
    [2010, 1],
    [2011, 2],
    [2012, 3],
  ]),
  ...series(
    'd',
    'homicides',
    [
      [2013, 10],
      [2014, 11],
      [2015, 12],
    ],
    { source: 's2' },
  ),
  ...series('e', 'homicides', [[2015, 7]]),
  ...series('f', 'homicides', [
    [2011, 4],
    [2013, 6],
    [2014, 7],
  ]),
  ...series(
    'f',
    'homicides',
    [
      [2010, 3],
      [2012, 5],
    ],
    { status: 'BREAK_IN_SERIES' },
  ),
  ...series('a', 'poverty', [[2015, 20]]),
];

let t: TestServer;
let f: Fixture;
const entryOf = (data: TrendData, slug: string) => {
  const found = data.trend.entries.find((e) => e.city.slug === slug);
  if (!found) throw new Error(`no entry for ${slug}`);
  return found;
};
const codes = (warnings: Warning[]) => warnings.map((w) => w.code);

beforeAll(async () => {
  t = await createTestServer({ seed: false });
  f = await loadFixture(t.db.dataSource, {
    cities: [
      { slug: 'a', country: 'US' },
      { slug: 'b', country: 'US' },
      { slug: 'c', country: 'US' },
      { slug: 'd', country: 'GB' },
      { slug: 'e', country: 'GB' },
      { slug: 'f', country: 'GB' },
      { slug: 'g', country: 'GB' },
    ],
    indicators: [
      { code: 'homicides', rights: ['safety'] },
      { code: 'poverty', rights: ['safety'] },
    ],
    sources: ['s1', 's2'],
    observations: OBSERVATIONS,
  });
});
afterAll(async () => {
  await t.close();
});

describe('trend', () => {
  it('fits each city with a value, by name, with the hand-checked numbers', async () => {
    const data = dataOf<TrendData>(await t.query(TREND, { indicator: 'homicides' }));
    expect(data.trend.entries.map((e) => e.city.slug)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(data.trend.totalCount).toBe(6);
    const a = entryOf(data, 'a');
    expect([a.n, a.firstYear, a.lastYear]).toEqual([6, 2010, 2015]);
    expect(a.slope).toBeCloseTo(10 / 7, 12);
    expect(a.standardError).toBeCloseTo(4 / (7 * Math.sqrt(3)), 12);
    expect(a.ciLower).toBeCloseTo(0.512582, 6);
    expect(a.ciUpper).toBeCloseTo(2.344561, 6);
    expect(a.theilSen).toBe(1.5);
    expect(a.warnings).toEqual([]);
    expect(a.sources).toEqual([{ title: 's1' }]);
    const b = entryOf(data, 'b');
    expect([b.n, b.slope, b.theilSen]).toEqual([3, 1.5, 1.5]);
    expect(b.standardError).toBeCloseTo(Math.sqrt(1 / 12), 12);
    expect(b.ciLower).toBeCloseTo(-2.167965, 6);
    expect(b.ciUpper).toBeCloseTo(5.167965, 6);
  });

  it('agrees with an independent computation for every city and window', async () => {
    for (const [yearFrom, yearTo] of [
      [undefined, undefined],
      [2011, 2014],
      [2012, 2016],
    ]) {
      const data = dataOf<TrendData>(await t.query(TREND, { indicator: 'homicides', yearFrom, yearTo }));
      for (const entry of data.trend.entries.filter((e) => e.n >= 3)) {
        const want = expected(OBSERVATIONS, entry.city.slug, yearFrom, yearTo);
        expect([entry.city.slug, entry.n]).toEqual([entry.city.slug, want.n]);
        for (const key of ['slope', 'standardError', 'ciLower', 'ciUpper', 'theilSen'] as const) {
          expect([entry.city.slug, key, entry[key]]).toEqual([entry.city.slug, key, expect.closeTo(want[key], 8)]);
        }
      }
    }
  });

  it('warns about short series, gaps, source changes and flagged breaks, city by city', async () => {
    const data = dataOf<TrendData>(await t.query(TREND, { indicator: 'homicides' }));
    expect(codes(entryOf(data, 'b').warnings)).toEqual(['FEW_OBSERVATIONS']);
    expect(entryOf(data, 'b').warnings[0].message).toMatch(/b has 3 yearly values/);
    const c = entryOf(data, 'c');
    expect(codes(c.warnings)).toEqual(['BREAK_IN_SERIES']);
    expect(c.warnings[0].message).toMatch(/no value in 2012, 2013/);
    const d = entryOf(data, 'd');
    expect(codes(d.warnings)).toEqual(['BREAK_IN_SERIES']);
    expect(d.warnings[0].message).toMatch(/source changes in 2013/);
    expect(d.sources).toEqual([{ title: 's1' }, { title: 's2' }]);
    const e = entryOf(data, 'e');
    expect([e.n, e.firstYear, e.lastYear, e.slope, e.theilSen, e.standardError]).toEqual([
      1,
      2015,
      2015,
      null,
      null,
      null,
    ]);
    expect(codes(e.warnings)).toEqual(['FEW_OBSERVATIONS']);
    const fl = entryOf(data, 'f');
    expect(codes(fl.warnings)).toEqual(['BREAK_IN_SERIES']);
    expect(fl.warnings[0].message).toMatch(/value of 2012 marks a break/);
    // The page's summary: b and e are short; c, d and f have breaks.
    expect(data.trend.warnings).toEqual([
      { code: 'FEW_OBSERVATIONS', message: expect.stringMatching(/^2 of the 6 cities/) },
      { code: 'BREAK_IN_SERIES', message: expect.stringMatching(/^3 of the 6 cities/) },
    ]);
  });

  it('cites the sources of the values fitted and the release', async () => {
    const data = dataOf<TrendData>(await t.query(TREND, { indicator: 'homicides', filter: { countryCodes: ['US'] } }));
    // a, b, c use s1 only: s2's 2012 value of a is not the one used.
    expect(data.trend.citation.sources).toEqual([{ title: 's1' }]);
    expect(data.trend.citation.release).toEqual({ id: String(f.releaseId) });
    expect(data.trend.citation.text).toMatch(/Computed with rightsgraph \(trend\) from release/);
    const gb = dataOf<TrendData>(await t.query(TREND, { indicator: 'homicides', filter: { countryCodes: ['GB'] } }));
    expect(gb.trend.entries.map((e) => e.city.slug)).toEqual(['d', 'e', 'f']);
    expect(gb.trend.citation.sources).toEqual([{ title: 's1' }, { title: 's2' }]);
    expect(gb.trend.citation.queryHash).not.toBe(data.trend.citation.queryHash);
  });

  it('pages by name with a cursor; totalCount counts every page', async () => {
    const first = dataOf<TrendData>(await t.query(TREND, { indicator: 'homicides', first: 4 }));
    expect(first.trend.entries.map((e) => e.city.slug)).toEqual(['a', 'b', 'c', 'd']);
    expect(first.trend.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = dataOf<TrendData>(
      await t.query(TREND, { indicator: 'homicides', first: 4, after: first.trend.pageInfo.endCursor }),
    );
    expect(second.trend.entries.map((e) => e.city.slug)).toEqual(['e', 'f']);
    expect(second.trend.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect([first.trend.totalCount, second.trend.totalCount]).toEqual([6, 6]);
  });

  it('answers NO_DATA, not an error, when no city has a value in the window', async () => {
    const data = dataOf<TrendData>(await t.query(TREND, { indicator: 'homicides', yearFrom: 1990, yearTo: 2000 }));
    expect([data.trend.entries, data.trend.totalCount, codes(data.trend.warnings)]).toEqual([[], 0, ['NO_DATA']]);
    expect([data.trend.yearFrom, data.trend.yearTo]).toEqual([1990, 2000]);
  });

  it('refuses bad input with BAD_USER_INPUT naming the argument', async () => {
    const unknown = await t.query(TREND, { indicator: 'homicide' });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.errors?.[0].message).toMatch(/Unknown indicator "homicide"; did you mean "homicides"/);
    expect(unknown.errors?.[0].extensions).toMatchObject({ argument: 'indicator' });
    expect((unknown.errors?.[0].extensions?.suggestions as string[])[0]).toBe('homicides');
    const reversed = await t.query(TREND, { indicator: 'homicides', yearFrom: 2015, yearTo: 2010 });
    expect(errorCodes(reversed)).toEqual(['BAD_USER_INPUT']);
    expect(reversed.errors?.[0].extensions).toMatchObject({ argument: 'yearFrom', value: 2015 });
    for (const variables of [
      { yearFrom: 1899 },
      { yearTo: 2101 },
      { asOf: '999999' },
      { first: 1000 },
      { after: 'not a cursor' },
      // A well-formed cursor of another list's ordering.
      { after: Buffer.from(JSON.stringify(['city:NAME', 'a', 1])).toString('base64url') },
      { filter: { countryCodes: ['ZZ'] } },
      { filter: { ids: ['nowhere'] } },
    ]) {
      const result = await t.query(TREND, { indicator: 'homicides', ...variables });
      expect([variables, errorCodes(result)]).toEqual([variables, ['BAD_USER_INPUT']]);
    }
  });

  it('reads the data as of a release', async () => {
    const release = await supersede(t.db.dataSource, f, [{ city: 'b', indicator: 'homicides', year: 2012, value: 3 }]);
    try {
      const now = dataOf<TrendData>(await t.query(TREND, { indicator: 'homicides', filter: { slugs: ['b'] } }));
      const before = dataOf<TrendData>(
        await t.query(TREND, { indicator: 'homicides', filter: { slugs: ['b'] }, asOf: String(f.releaseId) }),
      );
      // b now 1, 2, 3: a line of slope 1 exactly; before, 1, 2, 4: slope 3/2.
      expect([now.trend.entries[0].slope, now.trend.entries[0].standardError]).toEqual([1, 0]);
      expect(now.trend.citation.release).toEqual({ id: String(release) });
      expect(before.trend.entries[0].slope).toBe(1.5);
    } finally {
      // Back to the fixture as the other tests read it.
      await supersede(t.db.dataSource, f, [{ city: 'b', indicator: 'homicides', year: 2012, value: 4 }]);
    }
  });
});

describe('City.trend', () => {
  it('gives each city of a list its trend, null without a value in the window', async () => {
    const data = dataOf<CityTrends>(await t.query(CITY_TRENDS, { first: 10, indicator: 'homicides' }));
    const bySlug = Object.fromEntries(data.cities.edges.map((e) => [e.node.slug, e.node.trend]));
    expect(bySlug.g).toBeNull();
    expect(bySlug.a).toEqual({
      n: 6,
      slope: expect.closeTo(10 / 7, 12),
      standardError: expect.closeTo(0.329914, 6),
      theilSen: 1.5,
    });
    const windowed = dataOf<CityTrends>(
      await t.query(CITY_TRENDS, { first: 10, indicator: 'homicides', yearFrom: 2011, yearTo: 2014 }),
    );
    const a = windowed.cities.edges.find((e) => e.node.slug === 'a')?.node.trend;
    const want = expected(OBSERVATIONS, 'a', 2011, 2014);
    expect(a?.n).toBe(4);
    expect(a?.slope).toBeCloseTo(want.slope, 10);
    expect(a?.theilSen).toBeCloseTo(want.theilSen, 12);
  });

  it('costs one statement for the whole list, whatever its length and mix of arguments', async () => {
    const small = await t.countStatements(CITY_TRENDS, { first: 2, indicator: 'homicides' });
    const large = await t.countStatements(CITY_TRENDS, { first: 7, indicator: 'homicides' });
    expect(large.result.errors).toBeUndefined();
    // The cities page, then the trends.
    expect([small.statements, large.statements]).toEqual([2, 2]);

    const mixed = await t.countStatements(
      `query { cities(first: 7) { edges { node {
        all: trend(indicator: "homicides") { slope }
        window: trend(indicator: "homicides", yearFrom: 2011, yearTo: 2014) { slope }
        other: trend(indicator: "poverty") { n }
      } } } }`,
    );
    expect(mixed.result.errors).toBeUndefined();
    expect(mixed.statements).toBe(2);
    // The one statement of the City.trend batch, whatever the mix of its keys.
    expect(
      mixed.sql.filter((s) => s.includes('WITH ORDINALITY AS k(city_id, code, year_from, year_to, release_id, ord)')),
    ).toHaveLength(1);
    // Sources, when asked for, are one more statement for the list.
    const withSources = await t.countStatements(
      `query { cities(first: 7) { edges { node { trend(indicator: "homicides") { sources { title } } } } } }`,
    );
    expect(withSources.statements).toBe(3);
  });

  it('refuses an unknown indicator with suggestions, on every row', async () => {
    const result = await t.query(CITY_TRENDS, { first: 3, indicator: 'homicide' });
    // One error object for the request (memoised by the reference service), every row null.
    expect(new Set(errorCodes(result))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(result.errors?.[0].message).toMatch(/did you mean "homicides"/);
    expect((result.data as unknown as CityTrends).cities.edges.map((e) => e.node.trend)).toEqual([null, null, null]);
    const reversed = await t.query(CITY_TRENDS, { first: 1, indicator: 'homicides', yearFrom: 2015, yearTo: 2010 });
    expect(errorCodes(reversed)).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.query(CITY_TRENDS, { first: 1, indicator: 'homicides', asOf: '999999' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});

describe('trend on a page', () => {
  it('costs the same statements for 2 cities as for 6', async () => {
    const small = await t.countStatements(TREND, { indicator: 'homicides', first: 2 });
    const large = await t.countStatements(TREND, { indicator: 'homicides', first: 6 });
    expect(large.result.errors).toBeUndefined();
    // indicator, newest release, the page, its cities, the sources (citation and entries share the loader)
    expect([small.statements, large.statements]).toEqual([5, 5]);
  });
});

describe("the scorecard's trend", () => {
  it('is the OLS slope of the trend over the same window (the 10 years up to the latest)', async () => {
    for (const city of ['a', 'c', 'd', 'f']) {
      const card = dataOf<{
        scorecard: {
          rights: {
            indicators: {
              indicator: { code: string };
              trend: number | null;
              trendFirstYear: number;
              trendLastYear: number;
            }[];
          }[];
        };
      }>(
        await t.query(
          `query($id: ID!) { scorecard(cityId: $id) { rights { indicators { indicator { code } trend trendFirstYear trendLastYear } } } }`,
          { id: String(f.city(city)) },
        ),
      );
      const line = card.scorecard.rights.flatMap((r) => r.indicators).find((l) => l.indicator.code === 'homicides');
      const last = line?.trendLastYear as number;
      const data = dataOf<TrendData>(
        await t.query(TREND, { indicator: 'homicides', filter: { slugs: [city] }, yearFrom: last - 9, yearTo: last }),
      );
      const entry = data.trend.entries[0];
      expect([city, entry.firstYear, entry.lastYear]).toEqual([city, line?.trendFirstYear, last]);
      expect([city, line?.trend]).toEqual([city, expect.closeTo(entry.slope as number, 10)]);
    }
  });
});

describe('trend on the demo data', () => {
  let demo: TestServer;
  beforeAll(async () => {
    demo = await createTestServer();
  });
  afterAll(async () => {
    await demo.close();
  });

  it("gives Pittsburgh's homicide trend as docs/analytics/trend.md states it", async () => {
    const data = dataOf<TrendData>(
      await demo.query(TREND, { indicator: 'homicide-rate', filter: { slugs: ['pittsburgh-us'] } }),
    );
    const p = data.trend.entries[0];
    // The fact sheet's 2010..2015 rates: 17.88 14.26 13.14 14.63 22.43 18.57. Sxx = 17.5 and
    // Sxy = 14.725 (docs/analytics/trend.md), so slope 0.841428...; SE and CI from scipy's
    // linregress and t.ppf(0.975, 4); Theil-Sen: the 8th of the 15 pairwise slopes, 2011 to 2015: (18.57 - 14.26) / 4 = 1.0775.
    expect([p.n, p.firstYear, p.lastYear]).toEqual([6, 2010, 2015]);
    expect(p.slope).toBeCloseTo(14.725 / 17.5, 10);
    expect(p.standardError).toBeCloseTo(0.829459786, 8);
    expect(p.ciLower).toBeCloseTo(-1.461520993, 8);
    expect(p.ciUpper).toBeCloseTo(3.144378136, 8);
    expect(p.theilSen).toBeCloseTo(1.0775, 10);
    expect(p.sources).toEqual([{ title: expect.stringMatching(/^The Crime Report/) }]);
  });

  it("gives the US table of docs/analytics/trend.md (computed there with SciPy's linregress and theilslopes)", async () => {
    const table: [string, number, number, number, number, number][] = [
      ['Boston', -1.133, 0.279, -1.907, -0.359, -1.11],
      ['Honolulu', -0.011, 0.088, -0.256, 0.234, -0.02],
      ['Long Beach', 0.063, 0.288, -0.736, 0.863, 0.128],
      ['Los Angeles', -0.217, 0.112, -0.528, 0.095, -0.155],
      ['Louisville', 0.603, 0.372, -0.429, 1.636, 0.72],
      ['Miami', 0.229, 0.225, -0.397, 0.855, 0.083],
      ['Minneapolis', 0.162, 0.341, -0.786, 1.11, 0.16],
      ['Pittsburgh', 0.841, 0.829, -1.462, 3.144, 1.078],
      ['Salt Lake City', -0.034, 0.078, -0.251, 0.183, -0.024],
      ['San Francisco', -0.123, 0.284, -0.913, 0.667, -0.067],
      ['Seattle', 0.059, 0.121, -0.277, 0.394, 0.048],
      ['Washington', 0.234, 1.048, -2.677, 3.145, 0.01],
    ];
    const query = TREND.replace('city { slug }', 'city { slug name }');
    const data = dataOf<TrendData>(
      await demo.query(query, {
        indicator: 'homicide-rate',
        filter: { countryCodes: ['US'] },
        yearFrom: 2010,
        yearTo: 2015,
      }),
    );
    const rows = data.trend.entries.map((e) => [
      (e.city as { name?: string }).name,
      ...[e.slope, e.standardError, e.ciLower, e.ciUpper, e.theilSen].map(
        (v) => Math.round((v as number) * 1000) / 1000,
      ),
    ]);
    expect(rows).toEqual(table);
    expect(data.trend.entries.every((e) => e.n === 6 && e.warnings.length === 0)).toBe(true);
    expect(data.trend.warnings).toEqual([]);
  });
});
