import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadFixture, type ObservationSpec, series, supersede, type Fixture } from '../fixtures/fixture';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

/**
 * `ranking` and `City.rank` on a small hand-made world. Expected ranks and percentiles are
 * written out by hand (the arithmetic is in the comments) and, for the simple orderings, also
 * recomputed from the definitions by `byDefinition` below: rank = 1 + number of cities strictly
 * better; percentile = 100 * (number of cities equal or worse, itself included) / n.
 */

type Direction = 'LOWER_IS_BETTER' | 'HIGHER_IS_BETTER';

/** The definitions, applied literally (O(n²), no sorting tricks): an independent computation. */
function byDefinition(values: Record<string, number>, direction: Direction) {
  const better = (a: number, b: number) => (direction === 'LOWER_IS_BETTER' ? a < b : a > b);
  const all = Object.values(values);
  return Object.entries(values)
    .map(([slug, value]) => ({
      slug,
      value,
      rank: 1 + all.filter((other) => better(other, value)).length,
      percentile: (100 * all.filter((other) => !better(other, value)).length) / all.length,
    }))
    .sort((a, b) => a.rank - b.rank || a.slug.localeCompare(b.slug));
}

const FILLER = Array.from({ length: 24 }, (_, i) => `zz-${String(i + 1).padStart(2, '0')}`);

const TIER_CITIES = ['tier-p', 'tier-q', 'tier-r', 'tier-s', 'tier-t', 'tier-w', 'tier-u', 'tier-x'];

/**
 * The tier walk, LOWER_IS_BETTER, best first ([lower, upper]; no bounds = [value, value]):
 *   tier-p 10   [8, 12]      first entry              -> tier 1, head [8, 12]
 *   tier-q 11   [10.5, 13]   10.5 <= 12: overlaps     -> tier 1
 *   tier-r 12.5 [12, 12.8]   12 <= 12: touching counts -> tier 1
 *   tier-s 13   [13, 13]     13 > 12: disjoint        -> tier 2, head [13, 13]
 *   tier-t 14   [12.9, 15]   12.9 <= 13 <= 15         -> tier 2
 *   tier-w 15.5 [14.5, 16.5] 14.5 > 13: disjoint from the head (though it overlaps tier-t)
 *                                                     -> tier 3, head [14.5, 16.5]
 *   tier-u 20   [19, 21]     19 > 16.5                -> tier 4, head [19, 21]
 *   tier-x 22   [16, 22]     only a lower bound; 16 <= 21 and 22 >= 19 -> tier 4
 */
const TIERS: [slug: string, value: number, lower: number | undefined, upper: number | undefined, tier: number][] = [
  ['tier-p', 10, 8, 12, 1],
  ['tier-q', 11, 10.5, 13, 1],
  ['tier-r', 12.5, 12, 12.8, 1],
  ['tier-s', 13, undefined, undefined, 2],
  ['tier-t', 14, 12.9, 15, 2],
  ['tier-w', 15.5, 14.5, 16.5, 3],
  ['tier-u', 20, 19, 21, 4],
  ['tier-x', 22, 16, undefined, 4],
];

function tierObservations(indicator: string, sign: 1 | -1): ObservationSpec[] {
  // Mirrored for HIGHER_IS_BETTER: value -v with [-upper, -lower] is the same walk.
  return TIERS.map(([city, value, lower, upper]) => ({
    city,
    indicator,
    year: 2020,
    value: sign * value,
    ...(sign === 1
      ? { lower, upper }
      : { lower: upper === undefined ? undefined : -upper, upper: lower === undefined ? undefined : -lower }),
  }));
}

let t: TestServer;
let f: Fixture;
beforeAll(async () => {
  t = await createTestServer({ seed: false });
  f = await loadFixture(t.db.dataSource, {
    cities: [
      { slug: 'anna', country: 'AT' },
      { slug: 'bert', country: 'AT' },
      { slug: 'cleo', country: 'US' },
      { slug: 'dora', country: 'US' },
      { slug: 'emil', country: 'US' },
      ...TIER_CITIES.map((slug) => ({ slug, country: 'GB' })),
      ...FILLER.map((slug) => ({ slug, country: 'DE' })),
    ],
    indicators: [
      { code: 'tie' },
      { code: 'up', direction: 'HIGHER_IS_BETTER' },
      { code: 'neutral', direction: 'NEUTRAL' },
      { code: 'gaps' },
      { code: 'signed', direction: 'HIGHER_IS_BETTER' },
      { code: 'signed-low' },
      { code: 'tiers' },
      { code: 'tiers-up', direction: 'HIGHER_IS_BETTER' },
      { code: 'revised' },
      { code: 'nothing' },
    ],
    sources: ['s1', 's2'],
    observations: [
      ...series('anna', 'tie', [[2020, 1]]),
      ...series('bert', 'tie', [[2020, 2]]),
      // Same city-year from a second source: the lowest source id (s1) is used.
      ...series('bert', 'tie', [[2020, 0.5]], { source: 's2' }),
      ...series('cleo', 'tie', [[2020, 2]]),
      ...series('dora', 'tie', [[2020, 5]]),
      // Disaggregated values are not totals: anna keeps 1, emil has no total and is not ranked.
      { city: 'anna', indicator: 'tie', year: 2020, value: 0, disaggregation: 'sex=female' },
      { city: 'emil', indicator: 'tie', year: 2020, value: 0.1, disaggregation: 'sex=female' },

      ...series('anna', 'up', [[2020, 1]]),
      ...series('bert', 'up', [[2020, 2]]),
      ...series('cleo', 'up', [[2020, 2]]),
      ...series('dora', 'up', [[2020, 5]]),

      ...series('anna', 'neutral', [[2020, 10]]),
      ...series('bert', 'neutral', [[2020, 30]]),
      ...series('cleo', 'neutral', [[2020, 20]]),

      ...series('anna', 'gaps', [
        [2018, 5],
        [2020, 7],
      ]),
      ...series('bert', 'gaps', [[2019, 3]]),
      ...series('cleo', 'gaps', [
        [2017, 1],
        [2021, 9],
      ]),

      ...series('anna', 'signed', [[2020, -1.5]]),
      ...series('bert', 'signed', [[2020, 0.25]]),
      ...series('cleo', 'signed', [[2020, -0.75]], { status: 'ESTIMATED' }),
      ...series('dora', 'signed', [[2020, 0]]),
      ...series('emil', 'signed', [[2020, -0.1]]),
      ...series('anna', 'signed-low', [[2020, -1.5]]),
      ...series('bert', 'signed-low', [[2020, 0.25]]),
      ...series('cleo', 'signed-low', [[2020, -0.75]]),
      ...series('dora', 'signed-low', [[2020, 0]]),
      ...series('emil', 'signed-low', [[2020, -0.1]]),

      ...tierObservations('tiers', 1),
      ...tierObservations('tiers-up', -1),

      ...series('anna', 'revised', [[2020, 1]]),
      ...series('bert', 'revised', [[2020, 2]]),
      ...series('cleo', 'revised', [[2020, 3]]),
    ],
  });
});
afterAll(async () => {
  await t.close();
});

interface Entry {
  city: { slug: string };
  rank: number;
  value: number;
  lower: number | null;
  upper: number | null;
  year: number;
  status: string;
  percentile: number;
  tier: number;
  source: { title: string };
}
interface Ranking {
  ranking: {
    entries: Entry[];
    totalCount: number;
    indicator: { code: string };
    year: number | null;
    warnings: { code: string; message: string }[];
    citation: { text: string; sources: { title: string }[]; release: { id: string } | null; queryHash: string };
  };
}

const RANKING = `query($indicator: String!, $year: Int, $filter: CityFilter, $first: Int, $asOf: ID) {
  ranking(indicator: $indicator, year: $year, filter: $filter, first: $first, asOf: $asOf) {
    entries { city { slug } rank value lower upper year status percentile tier source { title } }
    totalCount indicator { code } year
    warnings { code message }
    citation { text sources { title } release { id } queryHash }
  }
}`;

async function rank(variables: Record<string, unknown>): Promise<Ranking['ranking']> {
  return dataOf<Ranking>(await t.query(RANKING, variables)).ranking;
}

const brief = (entries: Entry[]) =>
  entries.map((e) => ({ slug: e.city.slug, value: e.value, rank: e.rank, percentile: e.percentile }));
const codes = (r: Ranking['ranking']) => r.warnings.map((w) => w.code);

describe('ranking', () => {
  it('gives ties the same competition rank ("1224") and counts ties as "at least as well" in percentiles', async () => {
    const r = await rank({ indicator: 'tie', year: 2020 });
    // LOWER_IS_BETTER, n = 4: anna 1, bert 2, cleo 2, dora 5.
    //   rank:        anna 1; bert and cleo 1 + 1 = 2; dora 1 + 3 = 4
    //   percentile:  anna 4/4 = 100; bert, cleo: {bert, cleo, dora} 3/4 = 75; dora 1/4 = 25
    expect(brief(r.entries)).toEqual([
      { slug: 'anna', value: 1, rank: 1, percentile: 100 },
      { slug: 'bert', value: 2, rank: 2, percentile: 75 },
      { slug: 'cleo', value: 2, rank: 2, percentile: 75 },
      { slug: 'dora', value: 5, rank: 4, percentile: 25 },
    ]);
    expect(brief(r.entries)).toEqual(byDefinition({ anna: 1, bert: 2, cleo: 2, dora: 5 }, 'LOWER_IS_BETTER'));
    // No bounds: each value its own interval; the two 2s overlap, nothing else does.
    expect(r.entries.map((e) => e.tier)).toEqual([1, 2, 2, 3]);
    expect(r.totalCount).toBe(4);
    expect(r.year).toBe(2020);
    expect(r.entries.every((e) => e.year === 2020 && e.status === 'MEASURED')).toBe(true);
    expect(r.warnings).toEqual([]);
  });

  it('uses totals only and, for two sources of one city-year, the lowest source id', async () => {
    expect(f.source('s1')).toBeLessThan(f.source('s2'));
    const r = await rank({ indicator: 'tie', year: 2020 });
    // anna's disaggregated 0 and bert's s2 value 0.5 would both rank first if they were used.
    expect(r.entries.find((e) => e.city.slug === 'anna')?.value).toBe(1);
    expect(r.entries.find((e) => e.city.slug === 'bert')).toMatchObject({ value: 2, source: { title: 's1' } });
    // emil has only a disaggregated value: not ranked at all.
    expect(r.entries.map((e) => e.city.slug)).not.toContain('emil');
    expect(r.citation.sources.map((s) => s.title)).toEqual(['s1']);
    expect(r.citation.text).toContain('Test source s1.');
    expect(r.citation.text).not.toContain('Test source s2.');
  });

  it('orders HIGHER_IS_BETTER descending and LOWER_IS_BETTER ascending', async () => {
    const up = await rank({ indicator: 'up', year: 2020 });
    // Same values as "tie", higher is better: dora 5 first (4/4), bert and cleo rank 2
    // ({anna, bert, cleo} are equal or worse: 3/4 = 75), anna 4 (1/4 = 25).
    expect(brief(up.entries)).toEqual([
      { slug: 'dora', value: 5, rank: 1, percentile: 100 },
      { slug: 'bert', value: 2, rank: 2, percentile: 75 },
      { slug: 'cleo', value: 2, rank: 2, percentile: 75 },
      { slug: 'anna', value: 1, rank: 4, percentile: 25 },
    ]);
    expect(brief(up.entries)).toEqual(byDefinition({ anna: 1, bert: 2, cleo: 2, dora: 5 }, 'HIGHER_IS_BETTER'));
  });

  it('ranks NEUTRAL indicators highest first and says so', async () => {
    const r = await rank({ indicator: 'neutral', year: 2020 });
    // bert 30, cleo 20, anna 10; n = 3: 3/3, 2/3, 1/3.
    expect(brief(r.entries)).toEqual([
      { slug: 'bert', value: 30, rank: 1, percentile: 100 },
      { slug: 'cleo', value: 20, rank: 2, percentile: (100 * 2) / 3 },
      { slug: 'anna', value: 10, rank: 3, percentile: 100 / 3 },
    ]);
    expect(codes(r)).toEqual(['NEUTRAL_DIRECTION']);
  });

  it("uses each city's latest year when no year is given, and reports it per entry", async () => {
    const r = await rank({ indicator: 'gaps' });
    // anna: 2018 5, 2020 7 -> 7 (2020); bert: 2019 3 -> 3 (2019); cleo: 2017 1, 2021 9 -> 9 (2021).
    // Ascending: bert 3, anna 7, cleo 9 (cleo's older 1 is not used).
    expect(r.entries.map((e) => [e.city.slug, e.year, e.value, e.rank])).toEqual([
      ['bert', 2019, 3, 1],
      ['anna', 2020, 7, 2],
      ['cleo', 2021, 9, 3],
    ]);
    expect(r.year).toBeNull();
    expect(r.totalCount).toBe(3);

    // A given year uses that year only: in 2018 only anna (5) has a value.
    const y2018 = await rank({ indicator: 'gaps', year: 2018 });
    expect(y2018.entries.map((e) => [e.city.slug, e.year, e.value, e.rank, e.percentile, e.tier])).toEqual([
      ['anna', 2018, 5, 1, 100, 1],
    ]);
    expect(y2018.year).toBe(2018);
    expect(codes(y2018)).toEqual(['FEW_OBSERVATIONS']);
  });

  it('answers a year without data with an empty ranking and NO_DATA, not an error', async () => {
    const r = await rank({ indicator: 'gaps', year: 1999 });
    expect(r.entries).toEqual([]);
    expect(r.totalCount).toBe(0);
    expect(codes(r)).toEqual(['NO_DATA']);
    expect(r.citation.sources).toEqual([]);
    const none = await rank({ indicator: 'nothing' });
    expect(none.totalCount).toBe(0);
    expect(codes(none)).toEqual(['NO_DATA']);
  });

  it('ranks a single city first, at the 100th percentile, with FEW_OBSERVATIONS', async () => {
    const r = await rank({ indicator: 'tie', year: 2020, filter: { ids: [String(f.city('dora'))] } });
    expect(brief(r.entries)).toEqual([{ slug: 'dora', value: 5, rank: 1, percentile: 100 }]);
    expect(r.entries[0].tier).toBe(1);
    expect(r.totalCount).toBe(1);
    expect(codes(r)).toEqual(['FEW_OBSERVATIONS']);
  });

  it('orders negative and fractional values correctly in both directions', async () => {
    const values = { anna: -1.5, bert: 0.25, cleo: -0.75, dora: 0, emil: -0.1 };
    const high = await rank({ indicator: 'signed', year: 2020 });
    // Higher is better: 0.25 > 0 > -0.1 > -0.75 > -1.5; n = 5: 5/5, 4/5, 3/5, 2/5, 1/5.
    expect(brief(high.entries)).toEqual([
      { slug: 'bert', value: 0.25, rank: 1, percentile: 100 },
      { slug: 'dora', value: 0, rank: 2, percentile: 80 },
      { slug: 'emil', value: -0.1, rank: 3, percentile: 60 },
      { slug: 'cleo', value: -0.75, rank: 4, percentile: 40 },
      { slug: 'anna', value: -1.5, rank: 5, percentile: 20 },
    ]);
    expect(brief(high.entries)).toEqual(byDefinition(values, 'HIGHER_IS_BETTER'));
    const low = await rank({ indicator: 'signed-low', year: 2020 });
    expect(low.entries.map((e) => e.city.slug)).toEqual(['anna', 'cleo', 'emil', 'dora', 'bert']);
    expect(brief(low.entries)).toEqual(byDefinition(values, 'LOWER_IS_BETTER'));
  });

  it('reports the statuses of the values used', async () => {
    const r = await rank({ indicator: 'signed', year: 2020 });
    expect(r.entries.find((e) => e.city.slug === 'cleo')?.status).toBe('ESTIMATED');
    expect(codes(r)).toEqual(['ESTIMATED_VALUES']);
    expect(r.warnings[0].message).toBe('1 value is estimated or provisional');
    // The warning covers every ranked value, also those beyond `first`: cleo is 4th.
    expect(codes(await rank({ indicator: 'signed', year: 2020, first: 1 }))).toEqual(['ESTIMATED_VALUES']);
  });

  it('walks tiers against the first entry of each tier, overlapping and disjoint intervals', async () => {
    const r = await rank({ indicator: 'tiers', year: 2020 });
    expect(r.entries.map((e) => [e.city.slug, e.value, e.lower, e.upper, e.rank, e.tier])).toEqual(
      TIERS.map(([slug, value, lower, upper, tier], i) => [slug, value, lower ?? null, upper ?? null, i + 1, tier]),
    );
    // The same walk best-first for a HIGHER_IS_BETTER mirror image (values and bounds negated).
    const up = await rank({ indicator: 'tiers-up', year: 2020 });
    expect(up.entries.map((e) => [e.city.slug, e.tier])).toEqual(TIERS.map(([slug, , , , tier]) => [slug, tier]));
    // A page is a prefix of the ranking, so its tiers are the full ranking's.
    const page = await rank({ indicator: 'tiers', year: 2020, first: 6 });
    expect(page.entries.map((e) => e.tier)).toEqual([1, 1, 1, 2, 2, 3]);
  });

  it('scopes the ranking to a city filter (ranks, percentiles and totals within it)', async () => {
    const r = await rank({ indicator: 'tie', year: 2020, filter: { countryCodes: ['US'] } });
    // US cities with a total: cleo 2, dora 5 (emil has none); n = 2: 2/2 and 1/2.
    expect(brief(r.entries)).toEqual([
      { slug: 'cleo', value: 2, rank: 1, percentile: 100 },
      { slug: 'dora', value: 5, rank: 2, percentile: 50 },
    ]);
    expect(r.totalCount).toBe(2);
    expect(codes(r)).toEqual(['FEW_OBSERVATIONS']);
  });

  it('returns at most `first` entries while totalCount counts all', async () => {
    const r = await rank({ indicator: 'tie', year: 2020, first: 2 });
    // Ties are listed by city name: bert before cleo.
    expect(brief(r.entries)).toEqual([
      { slug: 'anna', value: 1, rank: 1, percentile: 100 },
      { slug: 'bert', value: 2, rank: 2, percentile: 75 },
    ]);
    expect(r.totalCount).toBe(4);
    const zero = await rank({ indicator: 'tie', year: 2020, first: 0 });
    expect(zero.entries).toEqual([]);
    expect(zero.totalCount).toBe(4);
    expect(zero.citation.sources.map((s) => s.title)).toEqual(['s1']);
  });

  it('rejects bad input with BAD_USER_INPUT', async () => {
    const above = await t.query(RANKING, { indicator: 'tie', first: 101 });
    expect(errorCodes(above)).toEqual(['BAD_USER_INPUT']);
    expect(above.errors?.[0].message).toBe('first must be between 0 and 100, got 101');
    expect(errorCodes(await t.query(RANKING, { indicator: 'tie', first: -1 }))).toEqual(['BAD_USER_INPUT']);
    const unknown = await t.query(RANKING, { indicator: 'tye' });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    // "tie" is one substitution away from "tye"; every other code is further.
    expect(unknown.errors?.[0].message).toMatch(/^Unknown indicator "tye"; did you mean "tie"/);
    expect(errorCodes(await t.query(RANKING, { indicator: 'tie', year: 1899 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.query(RANKING, { indicator: 'tie', year: 2101 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.query(RANKING, { indicator: 'tie', asOf: '999999' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.query(RANKING, { indicator: 'tie', filter: { countryCodes: ['ZZ'] } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const city = await t.query(RANKING, { indicator: 'tie', filter: { ids: ['999999'] } });
    expect(errorCodes(city)).toEqual(['BAD_USER_INPUT']);
    expect(city.errors?.[0].message).toBe('Unknown city id "999999"');
  });

  it('runs a fixed number of statements, whatever the page size', async () => {
    const small = await t.countStatements(RANKING, { indicator: 'tiers', year: 2020, first: 2 });
    const large = await t.countStatements(RANKING, { indicator: 'tiers', year: 2020, first: 8 });
    expect(large.result.errors).toBeUndefined();
    expect((large.result.data as unknown as Ranking).ranking.entries).toHaveLength(8);
    // indicators (resolveIndicator), newest release, the ranking with its page's cities, the sources
    expect(large.statements).toBe(4);
    expect(small.statements).toBe(large.statements);
    expect(small.sql).toMatchSnapshot('first 2');
    expect(large.sql).toMatchSnapshot('first 8');
  });
});

interface NestedRank {
  rank: number;
  value: number;
  year: number;
  percentile: number;
  tier: number;
  of: number;
}
interface Nested {
  cities: { edges: { node: { slug: string; rank: NestedRank | null } }[] };
}

const NESTED = `query($first: Int!, $indicator: String!, $year: Int, $filter: CityFilter, $asOf: ID) {
  cities(first: $first) {
    edges { node { slug rank(indicator: $indicator, year: $year, filter: $filter, asOf: $asOf) { rank value year percentile tier of } } }
  }
}`;

async function nested(variables: Record<string, unknown>): Promise<Map<string, NestedRank | null>> {
  const data = dataOf<Nested>(await t.query(NESTED, variables));
  return new Map(data.cities.edges.map((e) => [e.node.slug, e.node.rank]));
}

describe('City.rank', () => {
  it('ranks each city among all cities in scope, not only the page', async () => {
    // cities are listed by name: the page of 2 is anna and bert; the ranking has 4 cities.
    const page = await nested({ first: 2, indicator: 'tie', year: 2020 });
    expect([...page.entries()]).toEqual([
      ['anna', { rank: 1, value: 1, year: 2020, percentile: 100, tier: 1, of: 4 }],
      ['bert', { rank: 2, value: 2, year: 2020, percentile: 75, tier: 2, of: 4 }],
    ]);
    const all = await nested({ first: 30, indicator: 'tie', year: 2020 });
    expect(all.get('cleo')).toEqual({ rank: 2, value: 2, year: 2020, percentile: 75, tier: 2, of: 4 });
    expect(all.get('dora')).toEqual({ rank: 4, value: 5, year: 2020, percentile: 25, tier: 3, of: 4 });
    // No total value: null, not a rank.
    expect(all.get('emil')).toBeNull();
    expect(all.get('zz-01')).toBeNull();
  });

  it('agrees with `ranking` for the latest year, filters and tiers', async () => {
    const gaps = await nested({ first: 30, indicator: 'gaps' });
    expect(gaps.get('anna')).toMatchObject({ rank: 2, value: 7, year: 2020, of: 3 });
    const us = await nested({ first: 30, indicator: 'tie', year: 2020, filter: { countryCodes: ['US'] } });
    expect(us.get('cleo')).toEqual({ rank: 1, value: 2, year: 2020, percentile: 100, tier: 1, of: 2 });
    expect(us.get('anna')).toBeNull();
    const tiers = await nested({ first: 40, indicator: 'tiers', year: 2020 });
    expect(TIER_CITIES.map((slug) => tiers.get(slug)?.tier)).toEqual(TIERS.map(([, , , , tier]) => tier));
  });

  it('is one statement for the ranks, for 2 cities as for 25', async () => {
    const small = await t.countStatements(NESTED, { first: 2, indicator: 'tie', year: 2020 });
    const large = await t.countStatements(NESTED, { first: 25, indicator: 'tie', year: 2020 });
    expect(large.result.errors).toBeUndefined();
    expect((large.result.data as unknown as Nested).cities.edges).toHaveLength(25);
    // the cities page, the ranking
    expect(large.statements).toBe(2);
    expect(small.statements).toBe(large.statements);
    expect(small.sql).toMatchSnapshot('2 cities');
    expect(large.sql).toMatchSnapshot('25 cities');
  });

  it('runs one ranking statement per distinct argument set', async () => {
    const query = `{ cities(first: 25) { edges { node {
      a: rank(indicator: "tie", year: 2020) { rank }
      b: rank(indicator: "tie", year: 2020) { tier }
      c: rank(indicator: "up", year: 2020) { rank }
    } } } }`;
    const { result, statements, sql } = await t.countStatements(query);
    expect(result.errors).toBeUndefined();
    // the cities page, the "tie" ranking (shared by a and b), the "up" ranking
    expect(statements).toBe(3);
    expect(sql).toMatchSnapshot();
  });

  it('names an unknown indicator, once for all the cities that asked', async () => {
    const result = await t.query(NESTED, { first: 2, indicator: 'tye', year: 2020 });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.occurrences).toBe(2);
    expect(result.errors?.[0].message).toMatch(/^Unknown indicator "tye"; did you mean "tie"/);
    expect(errorCodes(await t.query(NESTED, { first: 2, indicator: 'tie', year: 1800 }))).toContain('BAD_USER_INPUT');
  });
});

describe('as of a release', () => {
  it('ranks the values as they stood before and after a correction', async () => {
    const before = await rank({ indicator: 'revised', year: 2020 });
    // anna 1, bert 2, cleo 3
    expect(before.entries.map((e) => [e.city.slug, e.rank])).toEqual([
      ['anna', 1],
      ['bert', 2],
      ['cleo', 3],
    ]);
    // A new release corrects anna to 4: bert 2, cleo 3, anna 4.
    const release2 = await supersede(t.db.dataSource, f, [
      { city: 'anna', indicator: 'revised', year: 2020, value: 4 },
    ]);
    const after = await rank({ indicator: 'revised', year: 2020 });
    expect(after.entries.map((e) => [e.city.slug, e.value, e.rank])).toEqual([
      ['bert', 2, 1],
      ['cleo', 3, 2],
      ['anna', 4, 3],
    ]);
    expect(after.citation.release?.id).toBe(String(release2));
    const asOf = await rank({ indicator: 'revised', year: 2020, asOf: String(f.releaseId) });
    expect(asOf.entries.map((e) => [e.city.slug, e.value, e.rank])).toEqual([
      ['anna', 1, 1],
      ['bert', 2, 2],
      ['cleo', 3, 3],
    ]);
    expect(asOf.citation.release?.id).toBe(String(f.releaseId));
    expect(asOf.citation.queryHash).not.toBe(after.citation.queryHash);

    const nestedNow = await nested({ first: 2, indicator: 'revised', year: 2020 });
    const nestedThen = await nested({ first: 2, indicator: 'revised', year: 2020, asOf: String(f.releaseId) });
    expect(nestedNow.get('anna')).toMatchObject({ rank: 3, value: 4 });
    expect(nestedThen.get('anna')).toMatchObject({ rank: 1, value: 1 });
  });
});

describe('on the demo data', () => {
  let demo: TestServer;
  beforeAll(async () => {
    demo = await createTestServer();
  });
  afterAll(async () => {
    await demo.close();
  });

  it('ranks the US homicide rates of 2015 as in the fact sheet', async () => {
    const result = await demo.countStatements(RANKING, {
      indicator: 'homicide-rate',
      year: 2015,
      filter: { countryCodes: ['US'] },
    });
    const r = (dataOf(result.result) as unknown as Ranking).ranking;
    // seed-facts.md, UCR table, "homicides per 100k" for 2015, sorted ascending by hand.
    const factSheet: [string, number][] = [
      ['honolulu-us', 1.5],
      ['seattle-us', 3.36],
      ['salt-lake-city-us', 4.17],
      ['boston-us', 5.71],
      ['san-francisco-us', 6.14],
      ['los-angeles-us', 7.12],
      ['long-beach-us', 7.56],
      ['minneapolis-us', 11.37],
      ['louisville-ky-us', 11.9],
      ['miami-us', 17.12],
      ['pittsburgh-us', 18.57],
      ['washington-us', 24.1],
    ];
    // No ties: rank i + 1; percentile 100 * (12 - i) / 12; no bounds and distinct values: tier i + 1.
    expect(r.entries.map((e) => [e.city.slug, e.value, e.year, e.rank, e.percentile, e.tier])).toEqual(
      factSheet.map(([slug, value], i) => [slug, value, 2015, i + 1, (100 * (12 - i)) / 12, i + 1]),
    );
    expect(r.totalCount).toBe(12);
    expect(r.warnings).toEqual([]);
    expect(r.citation.sources).toHaveLength(1);
    expect(r.citation.text).toContain('Marshall Project');
    // The four of the fixture query, plus the country code check of the filter.
    expect(result.statements).toBe(5);
    expect(result.sql).toMatchSnapshot();
  });

  it("ranks PM2.5 at each city's latest year, with ties", async () => {
    const r = (dataOf(await demo.query(RANKING, { indicator: 'pm25-annual-mean', first: 100 })) as unknown as Ranking)
      .ranking;
    // seed-facts.md, WHO table (µg/m³), sorted ascending by hand; n = 18. Ties share the rank of
    // the first of them and are listed by name. Edmonton and Pittsburgh report 2015, all others 2016.
    const factSheet: [slug: string, value: number, year: number, rank: number][] = [
      ['honolulu-us', 3, 2016, 1],
      ['seattle-us', 6, 2016, 2],
      ['boston-us', 7, 2016, 3],
      ['minneapolis-us', 7, 2016, 3],
      ['washington-us', 7, 2016, 3],
      ['louisville-ky-us', 8, 2016, 6],
      ['miami-us', 8, 2016, 6],
      ['san-francisco-us', 8, 2016, 6],
      ['edmonton-ca', 9, 2015, 9],
      ['pittsburgh-us', 9, 2015, 9],
      ['salt-lake-city-us', 9, 2016, 9],
      ['utrecht-nl', 11, 2016, 12],
      ['york-gb', 11, 2016, 12],
      ['los-angeles-us', 12, 2016, 14],
      ['barcelona-es', 14, 2016, 15],
      ['vienna-at', 14, 2016, 15],
      ['graz-at', 17, 2016, 17],
      ['gwangju-kr', 23, 2016, 18],
    ];
    // Percentile: 100 * (18 - rank + 1) / 18, e.g. the three 7s: (18 - 3 + 1) / 18 = 16/18.
    expect(r.entries.map((e) => [e.city.slug, e.value, e.year, e.rank, e.percentile])).toEqual(
      factSheet.map(([slug, value, year, rank]) => [slug, value, year, rank, (100 * (18 - rank + 1)) / 18]),
    );
    // One tier per distinct value (no bounds): 3, 6, 7, 8, 9, 11, 12, 14, 17, 23.
    const distinct = [...new Set(factSheet.map(([, value]) => value))];
    expect(r.entries.map((e) => e.tier)).toEqual(factSheet.map(([, value]) => distinct.indexOf(value) + 1));
    expect(r.year).toBeNull();
  });

  it('runs the examples of docs/analytics/ranking.md as described there', async () => {
    const doc = readFileSync(path.resolve(__dirname, '../../docs/analytics/ranking.md'), 'utf8');
    const blocks = [...doc.matchAll(/^```graphql\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    expect(blocks).toHaveLength(3);
    const [homicide, pm25, list] = await Promise.all(blocks.map(async (block) => dataOf(await demo.query(block))));
    expect((homicide as { ranking: { totalCount: number } }).ranking.totalCount).toBe(12);
    expect((pm25 as { ranking: { totalCount: number } }).ranking.totalCount).toBe(18);
    const nodes = (list as { cities: { edges: { node: { name: string; rank: unknown } }[] } }).cities.edges.map(
      (e) => e.node,
    );
    // As the document says: Pittsburgh 11th of 12 at 100 * 2 / 12 = 16.67; Eugene has no rate.
    expect(nodes.find((n) => n.name === 'Pittsburgh')?.rank).toEqual({
      rank: 11,
      value: 18.57,
      year: 2015,
      percentile: (100 * 2) / 12,
      tier: 11,
      of: 12,
    });
    expect(nodes.find((n) => n.name === 'Eugene')?.rank).toBeNull();
  });

  it('answers City.rank in a list with one statement for the ranks', async () => {
    const query = `query($first: Int!) { cities(first: $first) { edges { node { slug
      rank(indicator: "homicide-rate", year: 2015) { rank tier of } } } } }`;
    const small = await demo.countStatements(query, { first: 2 });
    const large = await demo.countStatements(query, { first: 25 });
    expect(large.statements).toBe(2);
    expect(small.statements).toBe(large.statements);
    expect(small.sql).toMatchSnapshot('2 cities');
    expect(large.sql).toMatchSnapshot('25 cities');
    const bySlug = new Map(
      (dataOf(large.result) as unknown as Nested).cities.edges.map((e) => [e.node.slug, e.node.rank]),
    );
    // Pittsburgh 18.57 is 11th of the 12 cities with a 2015 rate; Graz has none.
    expect(bySlug.get('pittsburgh-us')).toEqual({ rank: 11, tier: 11, of: 12 });
    expect(bySlug.get('graz-at')).toBeNull();
  });
});
