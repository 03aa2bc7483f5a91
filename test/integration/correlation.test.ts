import { type Fixture, loadFixture, type ObservationSpec, supersede } from '../fixtures/fixture';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

type Point = { city: { slug: string }; x: number; y: number; xRank: number; yRank: number };
type Correlation = {
  correlation: {
    xIndicator: { code: string };
    yIndicator: { code: string };
    year: number;
    n: number;
    pearson: number | null;
    spearman: number | null;
    points: Point[];
    warnings: { code: string; message: string }[];
    citation: { sources: { title: string }[]; release: { id: string } | null; queryHash: string };
  };
};
const QUERY = `query($x: String!, $y: String!, $year: Int!, $filter: CityFilter, $asOf: ID) {
  correlation(x: $x, y: $y, year: $year, filter: $filter, asOf: $asOf) {
    xIndicator { code } yIndicator { code } year n pearson spearman
    points { city { slug } x y xRank yRank }
    warnings { code message }
    citation { sources { title } release { id } queryHash }
  }
}`;

/** Pearson's r the textbook way: centred cross products over the root of the centred squares. */
function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i += 1) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** 1-based ranks; a run of equal values gets the mean of the ranks it occupies. */
function averageRanks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1][0] === order[start][0]) end += 1;
    // positions start..end hold ranks start+1..end+1; their mean:
    for (let k = start; k <= end; k += 1) ranks[order[k][1]] = (start + 1 + end + 1) / 2;
    start = end + 1;
  }
  return ranks;
}

function spearman(xs: number[], ys: number[]): number {
  return pearson(averageRanks(xs), averageRanks(ys));
}

describe('correlation on a hand-made world', () => {
  let t: TestServer;
  let f: Fixture;
  beforeAll(async () => {
    t = await createTestServer({ seed: false });
    f = await loadFixture(t.db.dataSource, {
      cities: [
        { slug: 'p1', country: 'US' },
        { slug: 'p2', country: 'US' },
        { slug: 'p3', country: 'US' },
        { slug: 'p4', country: 'US' },
        { slug: 'p5', country: 'US' },
        { slug: 'p6', country: 'US' },
        { slug: 'q1', country: 'AT' },
      ],
      indicators: [{ code: 'x' }, { code: 'y', unit: '%' }, { code: 'cube' }, { code: 'flat' }],
      sources: ['s1', 's2', 's3'],
      observations: [
        { city: 'p1', indicator: 'x', year: 2010, value: 1 },
        { city: 'p2', indicator: 'x', year: 2010, value: 2 },
        { city: 'p3', indicator: 'x', year: 2010, value: 2, status: 'CONVERTED' },
        { city: 'p4', indicator: 'x', year: 2010, value: 3 },
        { city: 'p5', indicator: 'x', year: 2010, value: -1.5 },
        // q1 has x but no y: not a point, and its source is not cited.
        { city: 'q1', indicator: 'x', year: 2010, value: 50, source: 's3' },
        // A disaggregated x is not a total: p6 has no x, so no point.
        { city: 'p6', indicator: 'x', year: 2010, value: 9, disaggregation: 'sex=female' },
        { city: 'p1', indicator: 'y', year: 2010, value: 2 },
        { city: 'p2', indicator: 'y', year: 2010, value: 1, source: 's2' },
        { city: 'p3', indicator: 'y', year: 2010, value: 4 },
        { city: 'p4', indicator: 'y', year: 2010, value: 3.5, status: 'PROVISIONAL' },
        // A second source for p4: the lowest source id (s1) wins.
        { city: 'p4', indicator: 'y', year: 2010, value: -100, source: 's2' },
        { city: 'p5', indicator: 'y', year: 2010, value: 0.5 },
        { city: 'p6', indicator: 'y', year: 2010, value: 7 },
        // cube = x^3: a monotone, non-linear function of x.
        { city: 'p1', indicator: 'cube', year: 2010, value: 1 },
        { city: 'p2', indicator: 'cube', year: 2010, value: 8 },
        { city: 'p3', indicator: 'cube', year: 2010, value: 8 },
        { city: 'p4', indicator: 'cube', year: 2010, value: 27 },
        { city: 'p5', indicator: 'cube', year: 2010, value: -3.375 },
        { city: 'p1', indicator: 'flat', year: 2010, value: 5 },
        { city: 'p2', indicator: 'flat', year: 2010, value: 5 },
        { city: 'p3', indicator: 'flat', year: 2010, value: 5 },
        { city: 'p4', indicator: 'flat', year: 2010, value: 5 },
      ],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const run = async (variables: Record<string, unknown>) =>
    dataOf<Correlation>(await t.query(QUERY, variables)).correlation;

  it('computes r and rho with tied ranks, negative and fractional values', async () => {
    const c = await run({ x: 'x', y: 'y', year: 2010 });
    // points (x, y): p1 (1, 2), p2 (2, 1), p3 (2, 4), p4 (3, 3.5), p5 (-1.5, 0.5)
    // x ranks: -1.5 -> 1, 1 -> 2, the two 2s share ranks 3 and 4 -> 3.5 each, 3 -> 5
    // y ranks: 0.5 -> 1, 1 -> 2, 2 -> 3, 3.5 -> 4, 4 -> 5
    expect(c.points).toEqual([
      { city: { slug: 'p1' }, x: 1, y: 2, xRank: 2, yRank: 3 },
      { city: { slug: 'p2' }, x: 2, y: 1, xRank: 3.5, yRank: 2 },
      { city: { slug: 'p3' }, x: 2, y: 4, xRank: 3.5, yRank: 5 },
      { city: { slug: 'p4' }, x: 3, y: 3.5, xRank: 5, yRank: 4 },
      { city: { slug: 'p5' }, x: -1.5, y: 0.5, xRank: 1, yRank: 1 },
    ]);
    expect(c.n).toBe(5);
    // r: mean x = 6.5 / 5 = 1.3, mean y = 11 / 5 = 2.2;
    // dx = -0.3, 0.7, 0.7, 1.7, -2.8; dy = -0.2, -1.2, 1.8, 1.3, -1.7
    // Sxy = 0.06 - 0.84 + 1.26 + 2.21 + 4.76 = 7.45; Sxx = 0.09 + 0.49 + 0.49 + 2.89 + 7.84 = 11.8;
    // Syy = 0.04 + 1.44 + 3.24 + 1.69 + 2.89 = 9.3
    expect(c.pearson).toBeCloseTo(7.45 / Math.sqrt(11.8 * 9.3), 12);
    // rho = r of the ranks: both rank means are 3; drx = -1, 0.5, 0.5, 2, -2; dry = 0, -1, 2, 1, -2
    // Sxy = 0 - 0.5 + 1 + 2 + 4 = 6.5; Sxx = 1 + 0.25 + 0.25 + 4 + 4 = 9.5; Syy = 0 + 1 + 4 + 1 + 4 = 10
    expect(c.spearman).toBeCloseTo(6.5 / Math.sqrt(9.5 * 10), 12);
    expect(c.xIndicator.code).toBe('x');
    expect(c.yIndicator.code).toBe('y');
    // p3's x was converted, p4's y is provisional; different units are normal here (no MIXED_UNITS).
    expect(c.warnings.map((w) => w.code)).toEqual(['ESTIMATED_VALUES', 'CONVERTED_VALUES']);
    expect(c.citation.sources.map((s) => s.title)).toEqual(['s1', 's2']);
  });

  it('gives rho = 1 for a monotone function, with r below 1', async () => {
    const c = await run({ x: 'x', y: 'cube', year: 2010 });
    expect(c.n).toBe(5);
    expect(c.spearman).toBeCloseTo(1, 12);
    // x = 1, 2, 2, 3, -1.5 and cube = x^3 = 1, 8, 8, 27, -3.375: mean x 1.3, mean cube 40.625 / 5 = 8.125
    // dx = -0.3, 0.7, 0.7, 1.7, -2.8; dc = -7.125, -0.125, -0.125, 18.875, -11.5
    // Sxc = 2.1375 - 0.0875 - 0.0875 + 32.0875 + 32.2 = 66.25; Sxx = 11.8;
    // Scc = 50.765625 + 0.015625 + 0.015625 + 356.265625 + 132.25 = 539.3125
    expect(c.pearson).toBeCloseTo(66.25 / Math.sqrt(11.8 * 539.3125), 12);
    expect(c.pearson as number).toBeLessThan(1);
  });

  it('is undefined (null) when a variable has no variance', async () => {
    const c = await run({ x: 'flat', y: 'y', year: 2010 });
    expect(c.n).toBe(4);
    expect(c.pearson).toBeNull();
    expect(c.spearman).toBeNull();
    // all four flat values tie: ranks 1..4 averaged = 2.5
    expect(c.points.map((p) => p.xRank)).toEqual([2.5, 2.5, 2.5, 2.5]);
    const warning = c.warnings.find((w) => w.code === 'FEW_OBSERVATIONS');
    expect(warning?.message).toBe('All 4 values of flat (x) are equal: with no variance the correlation is undefined');
  });

  it('is null with FEW_OBSERVATIONS below 3 cities', async () => {
    const c = await run({ x: 'x', y: 'y', year: 2010, filter: { ids: [String(f.city('p1')), String(f.city('p2'))] } });
    expect(c.n).toBe(2);
    expect(c.pearson).toBeNull();
    expect(c.spearman).toBeNull();
    expect(c.points.map((p) => p.city.slug)).toEqual(['p1', 'p2']);
    expect(c.warnings.map((w) => w.code)).toContain('FEW_OBSERVATIONS');
    const three = await run({
      x: 'x',
      y: 'y',
      year: 2010,
      filter: { ids: [String(f.city('p1')), String(f.city('p2')), String(f.city('p5'))] },
    });
    // (1, 2), (2, 1), (-1.5, 0.5): three points are enough. ranks x 2, 3, 1; y 3, 2, 1:
    // rank means 2, 2: d = (0, 1, -1) and (1, 0, -1): rho = 1 / sqrt(2 * 2) = 0.5
    expect(three.n).toBe(3);
    expect(three.spearman).toBeCloseTo(0.5, 12);
    expect(three.warnings.map((w) => w.code)).toEqual([]);
  });

  it('answers a year without data with no points and NO_DATA, not an error', async () => {
    const c = await run({ x: 'x', y: 'y', year: 1999 });
    expect(c).toMatchObject({ n: 0, pearson: null, spearman: null, points: [] });
    expect(c.warnings.map((w) => w.code)).toEqual(['NO_DATA']);
    expect(c.citation.sources).toEqual([]);
  });

  it('correlates an indicator with itself', async () => {
    const c = await run({ x: 'x', y: 'x', year: 2010 });
    // p1..p5 and q1: six cities have x
    expect(c.n).toBe(6);
    expect(c.pearson).toBeCloseTo(1, 12);
    expect(c.spearman).toBeCloseTo(1, 12);
  });

  it('rejects bad input with BAD_USER_INPUT', async () => {
    const unknown = await t.query(QUERY, { x: 'x', y: 'yy', year: 2010 });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.errors?.[0].message).toContain('Unknown indicator "yy"');
    for (const variables of [
      { x: 'x', y: 'y', year: 1899 },
      { x: 'x', y: 'y', year: 2010, asOf: 'abc' },
      { x: 'x', y: 'y', year: 2010, filter: { networkCodes: ['none'] } },
    ]) {
      expect([variables, errorCodes(await t.query(QUERY, variables))]).toEqual([variables, ['BAD_USER_INPUT']]);
    }
  });

  it('runs a fixed number of statements, whatever the number of cities', async () => {
    // indicators, newest release, points with r and rho, the cited sources
    const all = await t.countStatements(QUERY, { x: 'x', y: 'y', year: 2010 });
    expect(all.result.errors).toBeUndefined();
    expect(all.statements).toBe(4);
    const two = await t.countStatements(QUERY, {
      x: 'x',
      y: 'y',
      year: 2010,
      filter: { ids: [String(f.city('p1')), String(f.city('p2'))] },
    });
    expect(two.statements).toBe(4);
    // The points' cities come with the points: their countries are one more statement.
    const countries = await t.countStatements(QUERY.replace('city { slug }', 'city { slug country { code name } }'), {
      x: 'x',
      y: 'y',
      year: 2010,
    });
    expect(countries.result.errors).toBeUndefined();
    expect(countries.statements).toBe(5);
    expect(all.sql).toMatchSnapshot('all cities');
    expect(two.sql).toMatchSnapshot('two cities by id');
    expect(countries.sql).toMatchSnapshot('with the countries of the cities');
  });

  // Last: it adds a release.
  it('answers as of an earlier release', async () => {
    const release2 = await supersede(t.db.dataSource, f, [{ city: 'p5', indicator: 'cube', year: 2010, value: 100 }]);
    const before = await run({ x: 'x', y: 'cube', year: 2010, asOf: String(f.releaseId) });
    const now = await run({ x: 'x', y: 'cube', year: 2010 });
    expect(before.spearman).toBeCloseTo(1, 12);
    expect(before.points.find((p) => p.city.slug === 'p5')?.y).toBe(-3.375);
    // now cube = 1, 8, 8, 27, 100 for p1..p5: ranks 1, 2.5, 2.5, 4, 5; x ranks 2, 3.5, 3.5, 5, 1.
    // drx = -1, 0.5, 0.5, 2, -2; dry = -2, -0.5, -0.5, 1, 2: Sxy = 2 - 0.25 - 0.25 + 2 - 4 = -0.5;
    // Sxx = 9.5, Syy = 4 + 0.25 + 0.25 + 1 + 4 = 9.5: rho = -0.5 / 9.5 = -1/19
    expect(now.spearman).toBeCloseTo(-1 / 19, 12);
    expect(now.citation.release?.id).toBe(String(release2));
    expect(before.citation.release?.id).toBe(String(f.releaseId));
    expect(before.citation.queryHash).not.toBe(now.citation.queryHash);
  });
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function expectRelativelyClose(actual: number | null, expected: number, label: string): void {
  const ok = actual !== null && Math.abs(actual - expected) <= 1e-9 * Math.abs(expected);
  if (!ok) throw new Error(`${label}: got ${actual}, expected ${expected} (relative tolerance 1e-9)`);
}

/**
 * Cross-check on generated data: 60 cities x 2 indicators from a seeded PRNG, with missing
 * values on both sides, many ties (integer u), a second source and disaggregated rows,
 * against the plain TypeScript computation above.
 */
describe('correlation cross-checked on generated data', () => {
  const YEAR = 2020;
  const random = mulberry32(7);
  const slugs = Array.from({ length: 60 }, (_, i) => `g-${String(i).padStart(2, '0')}`);
  const country = new Map(slugs.map((slug, i) => [slug, i % 3 === 0 ? 'AT' : 'US']));
  const u = new Map<string, number>();
  const v = new Map<string, number>();
  const observations: ObservationSpec[] = [];
  for (const city of slugs) {
    const base = random() * 40;
    if (random() > 0.1) {
      // integers 10..50: many ties
      u.set(city, 10 + Math.round(base));
      observations.push({ city, indicator: 'u', year: YEAR, value: u.get(city) as number });
    }
    if (random() > 0.15) {
      v.set(city, 3 + 0.8 * base + random() * 25 - 12.5);
      observations.push({ city, indicator: 'v', year: YEAR, value: v.get(city) as number });
      if (random() < 0.2) observations.push({ city, indicator: 'v', year: YEAR, value: 1e6, source: 'g2' });
    }
    if (random() < 0.2)
      observations.push({ city, indicator: 'u', year: YEAR, value: -1e6, disaggregation: 'age=0-14' });
    // k: the same value everywhere, one that binary floating point cannot represent exactly.
    observations.push({ city, indicator: 'k', year: YEAR, value: 0.1 });
  }

  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer({ seed: false });
    await loadFixture(t.db.dataSource, {
      cities: slugs.map((slug) => ({ slug, country: country.get(slug) as string })),
      indicators: [{ code: 'u' }, { code: 'v' }, { code: 'k' }],
      sources: ['g1', 'g2'],
      observations,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  for (const countryCodes of [null, ['AT']]) {
    it(`matches a plain computation${countryCodes ? ` within ${countryCodes.join(', ')}` : ''}`, async () => {
      const both = slugs.filter(
        (s) => u.has(s) && v.has(s) && (!countryCodes || countryCodes.includes(country.get(s) as string)),
      );
      const xs = both.map((s) => u.get(s) as number);
      const ys = both.map((s) => v.get(s) as number);
      expect(new Set(xs).size).toBeLessThan(xs.length); // there are ties to average
      const { result, statements } = await t.countStatements(QUERY, {
        x: 'u',
        y: 'v',
        year: YEAR,
        filter: countryCodes ? { countryCodes } : null,
      });
      const c = dataOf(result as Awaited<ReturnType<typeof t.query<Correlation>>>).correlation;
      expect(c.n).toBe(both.length);
      expectRelativelyClose(c.pearson, pearson(xs, ys), 'pearson');
      expectRelativelyClose(c.spearman, spearman(xs, ys), 'spearman');
      const ranks = averageRanks(xs);
      const bySlug = new Map(c.points.map((p) => [p.city.slug, p]));
      both.forEach((s, i) => {
        expect(bySlug.get(s)).toMatchObject({ x: xs[i], y: ys[i], xRank: ranks[i] });
      });
      // Same count as on the 7-city world (+1 for the filter's country code check).
      expect(statements).toBe(countryCodes ? 5 : 4);
    });
  }

  it('is null when all values are equal, even where Postgres corr() is not', async () => {
    // Summing squared deviations of 0.1 in float8 leaves a tiny remainder instead of 0, and
    // corr() then divides by it: this is the number a plain corr() would publish.
    const [raw] = await t.db.dataSource.query(
      `SELECT corr(k.value, u.value) AS r FROM observation k JOIN observation u ON u.city_id = k.city_id
       JOIN indicator ik ON ik.id = k.indicator_id AND ik.code = 'k' JOIN indicator iu ON iu.id = u.indicator_id AND iu.code = 'u'
       WHERE k.year = $1 AND u.year = $1 AND u.disaggregation = '' AND u.source_id = k.source_id`,
      [YEAR],
    );
    expect(raw.r).not.toBeNull();
    const c = dataOf<Correlation>(await t.query(QUERY, { x: 'u', y: 'k', year: YEAR })).correlation;
    expect(c.n).toBe(u.size);
    expect(c.pearson).toBeNull();
    expect(c.spearman).toBeNull();
    expect(c.warnings.map((w) => w.message)).toEqual([
      `All ${u.size} values of k (y) are equal: with no variance the correlation is undefined`,
    ]);
  });
});

describe('correlation on the demo data', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('homicide rate vs violent crime rate, 2015, the 12 US cities of the fact sheet', async () => {
    const c = dataOf<Correlation>(
      await t.query(QUERY, { x: 'homicide-rate', y: 'violent-crime-rate', year: 2015 }),
    ).correlation;
    // Fact sheet (UCR via The Marshall Project), 2015: homicides per 100k, violent crimes per 100k.
    const facts: [string, number, number][] = [
      ['boston-us', 5.71, 706.79],
      ['honolulu-us', 1.5, 243.87],
      ['long-beach-us', 7.56, 580.7],
      ['los-angeles-us', 7.12, 634.82],
      ['louisville-ky-us', 11.9, 631.84],
      ['miami-us', 17.12, 1021.31],
      ['minneapolis-us', 11.37, 1062.93],
      ['pittsburgh-us', 18.57, 706.16],
      ['salt-lake-city-us', 4.17, 855.24],
      ['san-francisco-us', 6.14, 776.82],
      ['seattle-us', 3.36, 598.65],
      ['washington-us', 24.1, 1202.57],
    ];
    expect(c.n).toBe(12);
    expect(c.points.map((p) => [p.city.slug, p.x, p.y])).toEqual(facts);
    expectRelativelyClose(
      c.pearson,
      pearson(
        facts.map((r) => r[1]),
        facts.map((r) => r[2]),
      ),
      'pearson',
    );
    // No ties. Ranks (homicide, violent crime): Honolulu (1, 1), Seattle (2, 3), Salt Lake City
    // (3, 9), Boston (4, 7), San Francisco (5, 8), Los Angeles (6, 5), Long Beach (7, 2),
    // Minneapolis (8, 11), Louisville (9, 4), Miami (10, 10), Pittsburgh (11, 6), Washington (12, 12).
    // sum d^2 = 0 + 1 + 36 + 9 + 9 + 1 + 25 + 9 + 25 + 0 + 25 + 0 = 140
    // rho = 1 - 6 * 140 / (12 * (144 - 1)) = 1 - 840 / 1716 = 73 / 143
    expect(c.spearman).toBeCloseTo(73 / 143, 12);
    expect(c.warnings).toEqual([]);
    expect(c.citation.sources).toHaveLength(1);
  });
});
