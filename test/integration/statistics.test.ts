import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type FixtureSpec, loadFixture, type ObservationSpec, supersede, type Fixture } from '../fixtures/fixture';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

type Group = {
  key: string;
  label: string;
  count: number;
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
  stddev: number | null;
  p25: number | null;
  p75: number | null;
};
type Statistics = {
  statistics: {
    indicator: { code: string };
    year: number;
    groupBy: string;
    instrument: { code: string } | null;
    count: number;
    ungrouped: number;
    groups: (Group & { cities?: { slug: string }[] })[];
    warnings: { code: string; message: string }[];
    citation: { sources: { title: string }[]; release: { id: string } | null; queryHash: string; text: string };
  };
};
const QUERY = `query($indicator: String!, $year: Int!, $groupBy: StatisticsGroupBy, $instrument: String, $filter: CityFilter, $asOf: ID) {
  statistics(indicator: $indicator, year: $year, groupBy: $groupBy, instrument: $instrument, filter: $filter, asOf: $asOf) {
    indicator { code } year groupBy instrument { code } count ungrouped
    groups { key label count mean median min max stddev p25 p75 }
    warnings { code message }
    citation { sources { title } release { id } queryHash text }
  }
}`;
const WITH_CITIES = QUERY.replace('p25 p75 }', 'p25 p75 cities { slug } }');

/** A group from its hand-computed statistics, in the field order of the query. */
function group(
  key: string,
  label: string,
  s: Omit<Group, 'key' | 'label' | 'p25' | 'p75'> & { p25: number | null; p75: number | null },
): Group {
  return { key, label, ...s };
}

/** Floating-point results compared to 12 significant digits; exact fields compared exactly. */
function expectGroups(actual: Group[], expected: Group[]): void {
  expect(actual.map((g) => [g.key, g.label, g.count])).toEqual(expected.map((g) => [g.key, g.label, g.count]));
  actual.forEach((g, i) => {
    for (const field of ['mean', 'median', 'min', 'max', 'stddev', 'p25', 'p75'] as const) {
      const want = expected[i][field];
      if (want === null) expect([g.key, field, g[field]]).toEqual([g.key, field, null]);
      else expect([g.key, field, g[field]]).toEqual([g.key, field, expect.closeTo(want, 12)]);
    }
  });
}

describe('statistics on a hand-made world', () => {
  let t: TestServer;
  let f: Fixture;
  beforeAll(async () => {
    t = await createTestServer({ seed: false });
    f = await loadFixture(t.db.dataSource, {
      cities: [
        { slug: 'at-1', country: 'AT' },
        { slug: 'at-2', country: 'AT' },
        { slug: 'at-3', country: 'AT' },
        { slug: 'nl-1', country: 'NL' },
        { slug: 'us-1', country: 'US' },
        { slug: 'us-2', country: 'US' },
        { slug: 'us-3', country: 'US' },
        { slug: 'us-4', country: 'US' },
      ],
      indicators: [{ code: 'score' }, { code: 'flat' }, { code: 'late' }, { code: 'tenth' }, { code: 'pair' }],
      instruments: [{ code: 'CEDAW' }, { code: 'UDHR' }],
      networks: [
        { code: 'net-a', members: ['at-1', 'us-1', 'us-2'] },
        { code: 'net-b', members: ['us-1', 'nl-1'] },
      ],
      commitments: [
        // Adopted long before any value exists: still "adopted" in 2010.
        { city: 'at-1', instrument: 'CEDAW', adoptedOn: '1990' },
        // The last day of the year counts.
        { city: 'us-1', instrument: 'CEDAW', adoptedOn: '2010-12-31', status: 'IMPLEMENTED' },
        // Adopted after 2010: "not adopted" in 2010, "adopted" in 2011.
        { city: 'us-2', instrument: 'CEDAW', adoptedOn: '2011-01-01' },
        // Neither proposed nor repealed commitments count, nor another instrument.
        { city: 'us-3', instrument: 'CEDAW', adoptedOn: '2005', status: 'PROPOSED' },
        { city: 'us-4', instrument: 'CEDAW', adoptedOn: '2003', status: 'REPEALED' },
        { city: 'nl-1', instrument: 'UDHR', adoptedOn: '2000' },
      ],
      sources: ['s1', 's2'],
      observations: [
        { city: 'at-1', indicator: 'score', year: 2010, value: -2.5 },
        { city: 'at-2', indicator: 'score', year: 2010, value: 0.5 },
        { city: 'at-3', indicator: 'score', year: 2010, value: 4 },
        { city: 'nl-1', indicator: 'score', year: 2010, value: 2 },
        { city: 'us-1', indicator: 'score', year: 2010, value: 1.25 },
        { city: 'us-2', indicator: 'score', year: 2010, value: -0.75 },
        { city: 'us-3', indicator: 'score', year: 2010, value: 3, source: 's2' },
        { city: 'us-4', indicator: 'score', year: 2010, value: 10, status: 'ESTIMATED' },
        // A second source for us-4: the lowest source id (s1, loaded first) wins, 999 is not used.
        { city: 'us-4', indicator: 'score', year: 2010, value: 999, source: 's2' },
        // Disaggregated values are not totals and never enter the statistics.
        { city: 'at-1', indicator: 'score', year: 2010, value: 100, disaggregation: 'sex=female' },
        { city: 'us-2', indicator: 'score', year: 2011, value: 5 },
        { city: 'us-3', indicator: 'score', year: 2011, value: 7 },
        { city: 'at-1', indicator: 'flat', year: 2010, value: 5.5 },
        { city: 'at-2', indicator: 'flat', year: 2010, value: 5.5 },
        { city: 'at-3', indicator: 'flat', year: 2010, value: 5.5 },
        ...['at-1', 'at-2', 'at-3', 'nl-1', 'us-1', 'us-2', 'us-3', 'us-4'].map((city) => ({
          city,
          indicator: 'tenth',
          year: 2010,
          value: 0.1,
        })),
        { city: 'us-1', indicator: 'pair', year: 2010, value: 0.1 },
        { city: 'us-2', indicator: 'pair', year: 2010, value: 0.2 },
        { city: 'nl-1', indicator: 'pair', year: 2010, value: 1 / 3 },
        { city: 'at-1', indicator: 'late', year: 2010, value: 1 },
        { city: 'at-2', indicator: 'late', year: 2010, value: 2 },
        { city: 'at-3', indicator: 'late', year: 2010, value: 3 },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const run = async (variables: Record<string, unknown>) =>
    dataOf<Statistics>(await t.query(QUERY, variables)).statistics;

  it('summarises all cities (groupBy NONE): negative and fractional values, one value per city', async () => {
    const s = await run({ indicator: 'score', year: 2010 });
    // score 2010, sorted: -2.5, -0.75, 0.5, 1.25, 2, 3, 4, 10 (n = 8; us-4's s2 value 999 and
    // at-1's disaggregated 100 are not used).
    // mean = 17.5 / 8 = 2.1875
    // percentile_cont(p) = v[floor(h)] + (h - floor(h)) * (v[floor(h) + 1] - v[floor(h)]), h = p (n - 1):
    //   median h = 3.5: 1.25 + 0.5 * (2 - 1.25) = 1.625
    //   p25    h = 1.75: -0.75 + 0.75 * (0.5 + 0.75) = 0.1875
    //   p75    h = 5.25: 3 + 0.25 * (4 - 3) = 3.25
    // sum of squares 6.25 + 0.5625 + 0.25 + 1.5625 + 4 + 9 + 16 + 100 = 137.625;
    // minus n mean^2 = 8 * 4.78515625 = 38.28125 gives Sxx = 99.34375; stddev = sqrt(Sxx / 7)
    expectGroups(s.groups, [
      group('all', 'All cities', {
        count: 8,
        mean: 2.1875,
        median: 1.625,
        min: -2.5,
        max: 10,
        stddev: Math.sqrt(99.34375 / 7),
        p25: 0.1875,
        p75: 3.25,
      }),
    ]);
    expect(s).toMatchObject({ count: 8, ungrouped: 0, groupBy: 'NONE', instrument: null, year: 2010 });
    // us-4's value is an estimate; us-3's comes from s2, so both sources are cited.
    expect(s.warnings.map((w) => w.code)).toEqual(['ESTIMATED_VALUES']);
    expect(s.citation.sources.map((x) => x.title)).toEqual(['s1', 's2']);
    expect(s.citation.release?.id).toBe(String(f.releaseId));
  });

  it('groups by country, with FEW_OBSERVATIONS naming the small groups', async () => {
    const s = await run({ indicator: 'score', year: 2010, groupBy: 'COUNTRY' });
    expectGroups(s.groups, [
      // AT: -2.5, 0.5, 4. mean 2/3; median 0.5; p25 h = 0.5: -2.5 + 0.5 * 3 = -1; p75 h = 1.5: 0.5 + 0.5 * 3.5 = 2.25;
      // Sxx = 6.25 + 0.25 + 16 - 3 * (2/3)^2 = 127/6; stddev = sqrt(127/12)
      group('AT', 'Austria', {
        count: 3,
        mean: 2 / 3,
        median: 0.5,
        min: -2.5,
        max: 4,
        stddev: Math.sqrt(127 / 12),
        p25: -1,
        p75: 2.25,
      }),
      // NL: a single value: every statistic is that value, stddev undefined (null).
      group('NL', 'Netherlands', { count: 1, mean: 2, median: 2, min: 2, max: 2, stddev: null, p25: 2, p75: 2 }),
      // US: -0.75, 1.25, 3, 10. mean 13.5 / 4 = 3.375; median h = 1.5: (1.25 + 3) / 2 = 2.125;
      // p25 h = 0.75: -0.75 + 0.75 * 2 = 0.75; p75 h = 2.25: 3 + 0.25 * 7 = 4.75;
      // Sxx = 0.5625 + 1.5625 + 9 + 100 - 4 * 3.375^2 = 111.125 - 45.5625 = 65.5625; stddev = sqrt(65.5625 / 3)
      group('US', 'United States', {
        count: 4,
        mean: 3.375,
        median: 2.125,
        min: -0.75,
        max: 10,
        stddev: Math.sqrt(65.5625 / 3),
        p25: 0.75,
        p75: 4.75,
      }),
    ]);
    const few = s.warnings.filter((w) => w.code === 'FEW_OBSERVATIONS');
    expect(few).toHaveLength(1);
    expect(few[0].message).toContain('NL (1)');
    expect(few[0].message).not.toContain('AT');
  });

  it('groups by network: a city in two networks counts in both, cities in none in no group', async () => {
    const s = await run({ indicator: 'score', year: 2010, groupBy: 'NETWORK' });
    expectGroups(s.groups, [
      // net-a: at-1 -2.5, us-2 -0.75, us-1 1.25. mean -2/3; median -0.75;
      // p25 h = 0.5: -2.5 + 0.5 * 1.75 = -1.625; p75 h = 1.5: -0.75 + 0.5 * 2 = 0.25;
      // Sxx = 6.25 + 0.5625 + 1.5625 - 3 * (2/3)^2 = 8.375 - 4/3 = 169/24; stddev = sqrt(169/48)
      group('net-a', 'net-a', {
        count: 3,
        mean: -2 / 3,
        median: -0.75,
        min: -2.5,
        max: 1.25,
        stddev: Math.sqrt(169 / 48),
        p25: -1.625,
        p75: 0.25,
      }),
      // net-b: us-1 1.25, nl-1 2. mean = median = 1.625; p25 = 1.25 + 0.25 * 0.75 = 1.4375;
      // p75 = 1.25 + 0.75 * 0.75 = 1.8125; stddev = |2 - 1.25| / sqrt(2)
      group('net-b', 'net-b', {
        count: 2,
        mean: 1.625,
        median: 1.625,
        min: 1.25,
        max: 2,
        stddev: 0.75 / Math.SQRT2,
        p25: 1.4375,
        p75: 1.8125,
      }),
    ]);
    // at-2, at-3, us-3, us-4 are in no network.
    expect(s).toMatchObject({ count: 8, ungrouped: 4 });
    expect(s.warnings.find((w) => w.code === 'FEW_OBSERVATIONS')?.message).toContain('net-b (2)');
  });

  it('groups by commitment: adopted on or before the end of the year vs not', async () => {
    const s = await run({ indicator: 'score', year: 2010, groupBy: 'COMMITMENT', instrument: 'CEDAW' });
    expectGroups(s.groups, [
      // adopted: at-1 (1990, before any data) -2.5 and us-1 (2010-12-31, IMPLEMENTED) 1.25.
      // mean = median = -0.625; p25 = -2.5 + 0.25 * 3.75 = -1.5625; p75 = -2.5 + 0.75 * 3.75 = 0.3125;
      // stddev = 3.75 / sqrt(2)
      group('adopted', 'Adopted CEDAW by the end of 2010', {
        count: 2,
        mean: -0.625,
        median: -0.625,
        min: -2.5,
        max: 1.25,
        stddev: 3.75 / Math.SQRT2,
        p25: -1.5625,
        p75: 0.3125,
      }),
      // not adopted: us-2 (adopted 2011) -0.75, at-2 0.5, nl-1 (UDHR only) 2, us-3 (PROPOSED) 3,
      // at-3 4, us-4 (REPEALED) 10. mean 18.75 / 6 = 3.125; median h = 2.5: (2 + 3) / 2 = 2.5;
      // p25 h = 1.25: 0.5 + 0.25 * 1.5 = 0.875; p75 h = 3.75: 3 + 0.75 * 1 = 3.75;
      // Sxx = 0.5625 + 0.25 + 4 + 9 + 16 + 100 - 6 * 3.125^2 = 129.8125 - 58.59375 = 71.21875; stddev = sqrt(Sxx / 5)
      group('not adopted', 'Had not adopted CEDAW by the end of 2010', {
        count: 6,
        mean: 3.125,
        median: 2.5,
        min: -0.75,
        max: 10,
        stddev: Math.sqrt(71.21875 / 5),
        p25: 0.875,
        p75: 3.75,
      }),
    ]);
    expect(s.instrument).toEqual({ code: 'CEDAW' });
    expect(s.warnings.find((w) => w.code === 'FEW_OBSERVATIONS')?.message).toContain('adopted (2)');

    // In 2011 us-2's commitment (2011-01-01) counts; us-3's is still only proposed.
    const later = await run({ indicator: 'score', year: 2011, groupBy: 'COMMITMENT', instrument: 'CEDAW' });
    expect(later.groups.map((g) => [g.key, g.count, g.mean])).toEqual([
      ['adopted', 1, 5],
      ['not adopted', 1, 7],
    ]);
  });

  it('reports an empty adopted group rather than omitting it', async () => {
    const s = await run({
      indicator: 'score',
      year: 2010,
      groupBy: 'COMMITMENT',
      instrument: 'UDHR',
      filter: { countryCodes: ['AT'] },
    });
    expect(s.groups).toEqual([
      {
        key: 'adopted',
        label: 'Adopted UDHR by the end of 2010',
        count: 0,
        mean: null,
        median: null,
        min: null,
        max: null,
        stddev: null,
        p25: null,
        p75: null,
      },
      expect.objectContaining({ key: 'not adopted', count: 3 }),
    ]);
    expect(s.warnings.find((w) => w.code === 'FEW_OBSERVATIONS')?.message).toContain('adopted (0)');
  });

  it('gives stddev 0 for all-equal values', async () => {
    const s = await run({ indicator: 'flat', year: 2010, groupBy: 'COUNTRY' });
    expect(s.groups).toEqual([
      {
        key: 'AT',
        label: 'Austria',
        count: 3,
        mean: 5.5,
        median: 5.5,
        min: 5.5,
        max: 5.5,
        stddev: 0,
        p25: 5.5,
        p75: 5.5,
      },
    ]);
    expect(s.warnings).toEqual([]);
  });

  it('sums in decimal: eight values of 0.1 average to exactly 0.1 with stddev 0', async () => {
    // In float8, 0.1 added eight times is 0.7999999999999999 and / 8 gives 0.09999999999999999.
    const s = await run({ indicator: 'tenth', year: 2010 });
    expect(s.groups.map((g) => [g.count, g.mean, g.min, g.max, g.stddev])).toEqual([[8, 0.1, 0.1, 0.1, 0]]);
    // (0.1 + 0.2) / 2 is 0.15, not the float8 0.15000000000000002; a lone 1/3 is its own mean.
    const pair = await run({ indicator: 'pair', year: 2010, groupBy: 'COUNTRY' });
    expect(pair.groups.map((g) => [g.key, g.count, g.mean])).toEqual([
      ['NL', 1, 1 / 3],
      ['US', 2, 0.15],
    ]);
    expect(pair.groups[1].stddev).toBeCloseTo(0.1 / Math.SQRT2, 15);
  });

  it('limits to the filter', async () => {
    const s = await run({
      indicator: 'score',
      year: 2010,
      filter: { ids: [String(f.city('us-1')), String(f.city('us-3'))] },
    });
    // 1.25 and 3 (from s2 only): mean 2.125, stddev 1.75 / sqrt(2)
    expectGroups(s.groups, [
      group('all', 'All cities', {
        count: 2,
        mean: 2.125,
        median: 2.125,
        min: 1.25,
        max: 3,
        stddev: 1.75 / Math.SQRT2,
        p25: 1.25 + 0.25 * 1.75,
        p75: 1.25 + 0.75 * 1.75,
      }),
    ]);
    expect(s.citation.sources.map((x) => x.title)).toEqual(['s1', 's2']);
  });

  it('returns the cities of each group, by name', async () => {
    const s = dataOf<Statistics>(
      await t.query(WITH_CITIES, { indicator: 'score', year: 2010, groupBy: 'NETWORK' }),
    ).statistics;
    expect(s.groups.map((g) => [g.key, g.cities?.map((c) => c.slug)])).toEqual([
      ['net-a', ['at-1', 'us-1', 'us-2']],
      ['net-b', ['nl-1', 'us-1']],
    ]);
  });

  it('answers a year without data with no groups and NO_DATA, not an error', async () => {
    for (const groupBy of ['NONE', 'COUNTRY', 'NETWORK', 'COMMITMENT']) {
      const s = await run({
        indicator: 'score',
        year: 1999,
        groupBy,
        instrument: groupBy === 'COMMITMENT' ? 'CEDAW' : null,
      });
      expect(s).toMatchObject({ groups: [], count: 0, ungrouped: 0 });
      expect(s.warnings.map((w) => w.code)).toEqual(['NO_DATA']);
      expect(s.citation.sources).toEqual([]);
    }
  });

  it('rejects bad input with BAD_USER_INPUT', async () => {
    const unknown = await t.query(QUERY, { indicator: 'scor', year: 2010 });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.errors?.[0].message).toContain('"score"');
    const cases: Record<string, unknown>[] = [
      { indicator: 'score', year: 2010, groupBy: 'COMMITMENT' },
      { indicator: 'score', year: 2010, groupBy: 'COMMITMENT', instrument: 'CEDAV' },
      { indicator: 'score', year: 2010, groupBy: 'COUNTRY', instrument: 'CEDAW' },
      { indicator: 'score', year: 1899 },
      { indicator: 'score', year: 2101 },
      { indicator: 'score', year: 2010, asOf: '999999' },
      { indicator: 'score', year: 2010, filter: { countryCodes: ['ZZ'] } },
    ];
    for (const variables of cases)
      expect([variables, errorCodes(await t.query(QUERY, variables))]).toEqual([variables, ['BAD_USER_INPUT']]);
    const typo = await t.query(QUERY, { indicator: 'score', year: 2010, groupBy: 'COMMITMENT', instrument: 'CEDAV' });
    expect(typo.errors?.[0].message).toBe('Unknown instrument "CEDAV"; did you mean "CEDAW", "UDHR"?');
  });

  it('runs a fixed number of statements, whatever the number of cities', async () => {
    // indicators, newest release, the aggregate, the cited sources
    const all = await t.countStatements(QUERY, { indicator: 'score', year: 2010, groupBy: 'COUNTRY' });
    expect(all.result.errors).toBeUndefined();
    expect(all.statements).toBe(4);
    const one = await t.countStatements(QUERY, {
      indicator: 'score',
      year: 2010,
      groupBy: 'COUNTRY',
      filter: { ids: [String(f.city('at-1'))] },
    });
    expect(one.statements).toBe(4);
    // + the instruments
    const commitment = await t.countStatements(QUERY, {
      indicator: 'score',
      year: 2010,
      groupBy: 'COMMITMENT',
      instrument: 'CEDAW',
    });
    expect(commitment.statements).toBe(5);
    // + the cities of every group, one statement
    const cities = await t.countStatements(WITH_CITIES, { indicator: 'score', year: 2010, groupBy: 'NETWORK' });
    expect(cities.statements).toBe(5);
    expect(all.sql).toMatchSnapshot('by country');
    expect(one.sql).toMatchSnapshot('by country, one city by id');
    expect(commitment.sql).toMatchSnapshot('by commitment to an instrument');
    expect(cities.sql).toMatchSnapshot('by network, with the cities of each group');
  });

  // Last: it adds a release.
  it('answers as of an earlier release', async () => {
    const release2 = await supersede(t.db.dataSource, f, [
      { city: 'at-3', indicator: 'late', year: 2010, value: 6 },
      { city: 'us-1', indicator: 'late', year: 2010, value: 10 },
    ]);
    const now = await run({ indicator: 'late', year: 2010 });
    const before = await run({ indicator: 'late', year: 2010, asOf: String(f.releaseId) });
    // now: 1, 2, 6, 10: mean 19 / 4 = 4.75, median (2 + 6) / 2 = 4
    expect(now.groups.map((g) => [g.count, g.mean, g.median])).toEqual([[4, 4.75, 4]]);
    expect(now.citation.release?.id).toBe(String(release2));
    // release 1: 1, 2, 3: mean 2, median 2
    expect(before.groups.map((g) => [g.count, g.mean, g.median])).toEqual([[3, 2, 2]]);
    expect(before.citation.release?.id).toBe(String(f.releaseId));
    expect(before.citation.queryHash).not.toBe(now.citation.queryHash);
  });
});

/**
 * Cross-check on generated data: a seeded pseudo-random world of 60 cities, with missing
 * values, ties, a second source, disaggregated rows and commitments, against a plain
 * TypeScript computation of each statistic from the generated rows.
 */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Postgres percentile_cont: linear interpolation between the sorted values at h = p (n - 1). */
function percentileCont(sorted: number[], p: number): number {
  const h = p * (sorted.length - 1);
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function reference(values: number[]): Omit<Group, 'key' | 'label'> {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return {
    count: n,
    mean,
    median: percentileCont(sorted, 0.5),
    min: sorted[0],
    max: sorted[n - 1],
    stddev: n < 2 ? null : Math.sqrt(ss / (n - 1)),
    p25: percentileCont(sorted, 0.25),
    p75: percentileCont(sorted, 0.75),
  };
}

function expectRelativelyClose(actual: number | null, expected: number | null, label: string): void {
  if (expected === null) {
    expect([label, actual]).toEqual([label, null]);
    return;
  }
  const ok = actual !== null && Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(expected), 1e-300);
  if (!ok) throw new Error(`${label}: got ${actual}, expected ${expected} (relative tolerance 1e-9)`);
}

describe('statistics cross-checked on generated data', () => {
  const YEAR = 2020;
  const COUNTRIES = ['AT', 'US', 'NL', 'ES'];
  const NETWORKS = ['n1', 'n2', 'n3'];
  const random = mulberry32(20240607);
  const slugs = Array.from({ length: 60 }, (_, i) => `g-${String(i).padStart(2, '0')}`);
  const country = new Map(slugs.map((slug, i) => [slug, COUNTRIES[i % COUNTRIES.length]]));
  const networks = NETWORKS.map((code) => ({ code, members: slugs.filter(() => random() < 0.35) }));
  const commitments = slugs
    .filter(() => random() < 0.4)
    .map((city) => ({
      city,
      instrument: 'CEDAW',
      adoptedOn: `${2015 + Math.floor(random() * 11)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-15`,
      status: (['ADOPTED', 'IMPLEMENTED', 'PROPOSED', 'REPEALED'] as const)[Math.floor(random() * 4)],
    }));
  // The values used, one per city with data: u has integers (many ties), w fractions with 17
  // significant digits, negative and positive. Each indicator misses ~15% of the cities.
  const INDICATORS = ['u', 'w'] as const;
  const values = new Map<string, Map<string, number>>(INDICATORS.map((code) => [code, new Map()]));
  const observations: ObservationSpec[] = [];
  for (const city of slugs) {
    for (const indicator of INDICATORS) {
      if (random() < 0.15) continue;
      const value = indicator === 'u' ? 20 + Math.round(random() * 60) : random() * 100 - 30;
      values.get(indicator)?.set(city, value);
      observations.push({ city, indicator, year: YEAR, value });
      // Noise the answer must ignore: another source, a disaggregation, another year.
      if (random() < 0.2) observations.push({ city, indicator, year: YEAR, value: value + 1000, source: 'g2' });
      if (random() < 0.2) observations.push({ city, indicator, year: YEAR, value: -value, disaggregation: 'sex=male' });
      observations.push({ city, indicator, year: YEAR - 1, value: random() * 100 });
    }
  }
  const spec: FixtureSpec = {
    cities: slugs.map((slug) => ({ slug, country: country.get(slug) as string })),
    indicators: [{ code: 'u' }, { code: 'w' }],
    instruments: [{ code: 'CEDAW' }],
    networks,
    commitments,
    sources: ['g1', 'g2'],
    observations,
  };

  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer({ seed: false });
    await loadFixture(t.db.dataSource, spec);
  });
  afterAll(async () => {
    await t.close();
  });

  function expected(indicator: string, groups: Map<string, string[]>): [string, Omit<Group, 'key' | 'label'>][] {
    const byCity = values.get(indicator) as Map<string, number>;
    return [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, cities]) => [
        key,
        reference(cities.filter((c) => byCity.has(c)).map((c) => byCity.get(c) as number)),
      ]);
  }

  async function check(groupBy: string, groups: Map<string, string[]>, instrument?: string) {
    const answers: Statistics['statistics'][] = [];
    for (const indicator of INDICATORS) {
      const { result, statements } = await t.countStatements(QUERY, { indicator, year: YEAR, groupBy, instrument });
      const s = dataOf(result as Awaited<ReturnType<typeof t.query<Statistics>>>).statistics;
      const want = expected(indicator, groups).filter(([, stats]) => stats.count > 0 || groupBy === 'COMMITMENT');
      expect(s.groups.map((g) => [g.key, g.count])).toEqual(want.map(([key, stats]) => [key, stats.count]));
      want.forEach(([key, stats], i) => {
        for (const field of ['mean', 'median', 'min', 'max', 'stddev', 'p25', 'p75'] as const) {
          expectRelativelyClose(s.groups[i][field], stats[field], `${indicator} ${groupBy} ${key} ${field}`);
        }
      });
      expect(s.count).toBe(values.get(indicator)?.size);
      // The same statements as on the 8-city world: the count does not grow with the cities.
      expect(statements).toBe(groupBy === 'COMMITMENT' ? 5 : 4);
      answers.push(s);
    }
    return answers;
  }

  it('matches a plain computation, groupBy NONE', async () => {
    for (const indicator of INDICATORS) expect(values.get(indicator)?.size).toBeGreaterThan(40);
    await check('NONE', new Map([['all', slugs]]));
  });

  it('matches a plain computation, groupBy COUNTRY', async () => {
    const groups = new Map<string, string[]>();
    for (const slug of slugs)
      groups.set(country.get(slug) as string, [...(groups.get(country.get(slug) as string) ?? []), slug]);
    await check('COUNTRY', groups);
  });

  it('matches a plain computation, groupBy NETWORK', async () => {
    const answers = await check('NETWORK', new Map(networks.map((n) => [n.code, n.members])));
    const inSome = new Set(networks.flatMap((n) => n.members));
    INDICATORS.forEach((indicator, i) => {
      const withValue = [...(values.get(indicator)?.keys() ?? [])];
      expect(answers[i].ungrouped).toBe(withValue.filter((c) => !inSome.has(c)).length);
    });
  });

  it('matches a plain computation, groupBy COMMITMENT', async () => {
    const adopted = new Set(
      commitments
        .filter(
          (c) => (c.status === 'ADOPTED' || c.status === 'IMPLEMENTED') && Number(c.adoptedOn.slice(0, 4)) <= YEAR,
        )
        .map((c) => c.city),
    );
    expect(adopted.size).toBeGreaterThan(3);
    await check(
      'COMMITMENT',
      new Map([
        ['adopted', slugs.filter((s) => adopted.has(s))],
        ['not adopted', slugs.filter((s) => !adopted.has(s))],
      ]),
      'CEDAW',
    );
  });
});

describe('statistics on the demo data', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('PM2.5 in 2016 by country, from the fact sheet', async () => {
    const s = dataOf<Statistics>(
      await t.query(WITH_CITIES, { indicator: 'pm25-annual-mean', year: 2016, groupBy: 'COUNTRY' }),
    ).statistics;
    // Fact sheet, WHO 2018 database. Edmonton (CA) and Pittsburgh (US) have 2015 values only,
    // so Canada has no group and Pittsburgh is not among the US cities.
    expectGroups(s.groups, [
      // AT: Graz 17, Vienna 14. mean 15.5; p25 = 14 + 0.25 * 3 = 14.75; p75 = 14 + 0.75 * 3 = 16.25;
      // stddev = |17 - 14| / sqrt(2)
      group('AT', 'Austria', {
        count: 2,
        mean: 15.5,
        median: 15.5,
        min: 14,
        max: 17,
        stddev: 3 / Math.SQRT2,
        p25: 14.75,
        p75: 16.25,
      }),
      group('ES', 'Spain', { count: 1, mean: 14, median: 14, min: 14, max: 14, stddev: null, p25: 14, p75: 14 }),
      group('GB', 'United Kingdom', {
        count: 1,
        mean: 11,
        median: 11,
        min: 11,
        max: 11,
        stddev: null,
        p25: 11,
        p75: 11,
      }),
      group('KR', 'Republic of Korea', {
        count: 1,
        mean: 23,
        median: 23,
        min: 23,
        max: 23,
        stddev: null,
        p25: 23,
        p75: 23,
      }),
      group('NL', 'Netherlands', { count: 1, mean: 11, median: 11, min: 11, max: 11, stddev: null, p25: 11, p75: 11 }),
      // US: Boston 7, Honolulu 3, Los Angeles 12, Louisville KY 8, Miami 8, Minneapolis 7,
      // Salt Lake City 9, San Francisco 8, Seattle 6, Washington 7.
      // sorted 3, 6, 7, 7, 7, 8, 8, 8, 9, 12; n = 10; mean 75 / 10 = 7.5
      // median h = 4.5: 7 + 0.5 * (8 - 7) = 7.5; p25 h = 2.25: 7 + 0.25 * 0 = 7; p75 h = 6.75: 8 + 0.75 * 0 = 8
      // deviations -4.5, -1.5, -0.5 x3, 0.5 x3, 1.5, 4.5: Sxx = 20.25 + 2.25 + 0.75 + 0.75 + 2.25 + 20.25 = 46.5
      // stddev = sqrt(46.5 / 9)
      group('US', 'United States', {
        count: 10,
        mean: 7.5,
        median: 7.5,
        min: 3,
        max: 12,
        stddev: Math.sqrt(46.5 / 9),
        p25: 7,
        p75: 8,
      }),
    ]);
    expect(s.count).toBe(16);
    expect(s.groups.find((g) => g.key === 'US')?.cities?.map((c) => c.slug)).not.toContain('pittsburgh-us');
    expect(s.warnings.map((w) => w.code)).toEqual(['FEW_OBSERVATIONS']);
    expect(s.warnings[0].message).toContain('AT (2), ES (1), GB (1), KR (1), NL (1)');
    expect(s.citation.sources).toHaveLength(1);
    expect(s.citation.text).toContain('Computed with rightsgraph (statistics)');
  });

  it('runs every example of docs/analytics/statistics.md', async () => {
    const doc = readFileSync(path.resolve(__dirname, '../../docs/analytics/statistics.md'), 'utf8');
    const blocks = [...doc.matchAll(/^```graphql[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => m[1]);
    expect(blocks).toHaveLength(3);
    for (const block of blocks) {
      const data = dataOf<Record<string, { warnings: unknown[] }>>(await t.query(block));
      expect(Object.values(data)[0]).toBeTruthy();
    }
  });

  it('PM2.5 in 2016 by CEDAW commitment', async () => {
    const s = dataOf<Statistics>(
      await t.query(WITH_CITIES, {
        indicator: 'pm25-annual-mean',
        year: 2016,
        groupBy: 'COMMITMENT',
        instrument: 'CEDAW',
      }),
    ).statistics;
    // Of the cities with a 2016 value only San Francisco (CEDAW ordinance 1998) had adopted
    // CEDAW; Pittsburgh's 2016-12-06 ordinance would count, but its PM2.5 value is from 2015.
    expect(s.groups.map((g) => [g.key, g.count, g.mean, g.cities?.map((c) => c.slug)])).toEqual([
      ['adopted', 1, 8, ['san-francisco-us']],
      // the other 15: (17 + 14 + 14 + 11 + 23 + 11 + 75 - 8) / 15 = 157 / 15
      ['not adopted', 15, expect.closeTo(157 / 15, 12), expect.any(Array)],
    ]);
  });
});
