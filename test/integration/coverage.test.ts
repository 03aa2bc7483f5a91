import { loadFixture, series, supersede, type Fixture } from '../fixtures/fixture';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

let t: TestServer;
let f: Fixture;
beforeAll(async () => {
  t = await createTestServer({ seed: false });
  f = await loadFixture(t.db.dataSource, {
    cities: [
      { slug: 'a', country: 'AT' },
      { slug: 'b', country: 'AT' },
      { slug: 'c', country: 'US' },
    ],
    indicators: [{ code: 'x' }, { code: 'y' }, { code: 'empty' }],
    sources: ['s1', 's2'],
    observations: [
      ...series('a', 'x', [
        [2001, 1],
        [2003, 2],
      ]),
      ...series('b', 'x', [[2005, 3]], { source: 's2' }),
      ...series('c', 'y', [[1999, 4]]),
      // A disaggregated value is not a total and does not count.
      { city: 'c', indicator: 'x', year: 1990, value: 5, disaggregation: 'sex=female' },
    ],
  });
});
afterAll(async () => {
  await t.close();
});

type Row = {
  indicator: { code: string };
  cities: number;
  firstYear: number | null;
  lastYear: number | null;
  observations: number;
};
type Coverage = {
  coverage: {
    indicators: Row[];
    warnings: { code: string }[];
    citation: { sources: { title: string }[]; release: { id: string }; queryHash: string };
  };
};
const QUERY = `query($codes: [String!], $cityIds: [ID!], $asOf: ID) {
  coverage(indicatorCodes: $codes, cityIds: $cityIds, asOf: $asOf) {
    indicators { indicator { code } cities firstYear lastYear observations }
    warnings { code }
    citation { sources { title } release { id } queryHash }
  }
}`;

describe('coverage', () => {
  it('counts cities, years and values per indicator, totals only', async () => {
    const data = dataOf<Coverage>(await t.query(QUERY));
    expect(data.coverage.indicators).toEqual([
      { indicator: { code: 'empty' }, cities: 0, firstYear: null, lastYear: null, observations: 0 },
      { indicator: { code: 'x' }, cities: 2, firstYear: 2001, lastYear: 2005, observations: 3 },
      { indicator: { code: 'y' }, cities: 1, firstYear: 1999, lastYear: 1999, observations: 1 },
    ]);
    expect(data.coverage.warnings.map((w) => w.code)).toEqual(['NO_DATA']);
    expect(data.coverage.citation.sources.map((s) => s.title)).toEqual(['s1', 's2']);
  });

  it('limits to cities and indicators asked for', async () => {
    const data = dataOf<Coverage>(await t.query(QUERY, { codes: ['x'], cityIds: [String(f.city('b'))] }));
    expect(data.coverage.indicators).toEqual([
      { indicator: { code: 'x' }, cities: 1, firstYear: 2005, lastYear: 2005, observations: 1 },
    ]);
    expect(data.coverage.citation.sources.map((s) => s.title)).toEqual(['s2']);
  });

  it('runs a fixed number of statements, whatever the number of indicators and cities', async () => {
    const all = await t.countStatements(QUERY);
    const one = await t.countStatements(QUERY, { codes: ['x'], cityIds: [String(f.city('b'))] });
    expect(all.result.errors).toBeUndefined();
    expect(one.result.errors).toBeUndefined();
    // indicators, newest release, the coverage, the cited sources
    expect(all.statements).toBe(4);
    // + the cities asked for (checked to exist)
    expect(one.statements).toBe(5);
    expect(all.sql).toMatchSnapshot('every indicator and city');
    expect(one.sql).toMatchSnapshot('one indicator, one city by id');
  });

  it('answers as of an earlier release, with a different query hash', async () => {
    const release2 = await supersede(t.db.dataSource, f, [{ city: 'a', indicator: 'y', year: 2010, value: 9 }]);
    const now = dataOf<Coverage>(await t.query(QUERY, { codes: ['y'] }));
    const before = dataOf<Coverage>(await t.query(QUERY, { codes: ['y'], asOf: String(f.releaseId) }));
    expect(now.coverage.indicators[0]).toMatchObject({ cities: 2, observations: 2, lastYear: 2010 });
    expect(now.coverage.citation.release.id).toBe(String(release2));
    expect(before.coverage.indicators[0]).toMatchObject({ cities: 1, observations: 1, lastYear: 1999 });
    expect(before.coverage.citation.release.id).toBe(String(f.releaseId));
    expect(before.coverage.citation.queryHash).not.toBe(now.coverage.citation.queryHash);
    const again = dataOf<Coverage>(await t.query(QUERY, { codes: ['y'], asOf: String(f.releaseId) }));
    expect(again.coverage.citation.queryHash).toBe(before.coverage.citation.queryHash);
  });

  it('names unknown indicators with the closest codes, and unknown cities', async () => {
    const result = await t.query(QUERY, { codes: ['emptyy'] });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    // Edit distances from "emptyy": empty 1, y 5, x 6.
    expect(result.errors?.[0].message).toBe('Unknown indicator "emptyy"; did you mean "empty", "y", "x"?');
    expect(errorCodes(await t.query(QUERY, { cityIds: ['999999'] }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.query(QUERY, { asOf: '999999' }))).toEqual(['BAD_USER_INPUT']);
  });
});
