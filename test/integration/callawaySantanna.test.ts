import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type FixtureSpec, loadFixture, series } from '../fixtures/fixture';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

type Interval = { estimate: number; standardError: number | null; lower: number | null; upper: number | null };
type Answer = {
  overall: (Interval & { pValue: number | null; randomizationPValue: number | null }) | null;
  eventStudy: (Interval & { relativeYear: number })[];
  cohorts: (Interval & { adoptionYear: number })[];
  calendar: (Interval & { year: number })[];
  preTrend: { statistic: number; degreesOfFreedom: number; pValue: number } | null;
  summary: string;
  nAdopters: number;
  differenceInDifferences: number | null;
  warnings: { code: string; message: string }[];
  citation: { sources: { title: string }[]; queryHash: string };
};
const QUERY = `query($instrument: String!, $indicator: String!, $window: Int, $estimator: ImpactEstimator,
    $control: ImpactControl, $bootstrap: Int, $permutations: Int, $seed: Int, $filter: CityFilter) {
  commitmentImpact(instrument: $instrument, indicator: $indicator, window: $window, estimator: $estimator,
      control: $control, bootstrap: $bootstrap, permutations: $permutations, seed: $seed, filter: $filter) {
    overall { estimate standardError lower upper pValue randomizationPValue }
    eventStudy { relativeYear estimate standardError lower upper }
    cohorts { adoptionYear estimate standardError lower upper }
    calendar { year estimate standardError lower upper }
    preTrend { statistic degreesOfFreedom pValue }
    summary nAdopters differenceInDifferences
    warnings { code message }
    citation { sources { title } queryHash }
  }
}`;

// The panel and the expected answers of test/fixtures/callawaySantanna/independent.py (numpy).
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'callawaySantanna');
type Keyed = { key: number; estimate: number; analyticSe: number };
type Expected = {
  randomization: { bootstrap: number; permutations: number; seed: number; pValue: number };
  preTrend: { statistic: number; degreesOfFreedom: number };
  cells: unknown[];
  overall: Omit<Keyed, 'key'>;
  cohorts: Keyed[];
  calendar: Keyed[];
  eventStudy: Keyed[];
};
const PANEL = JSON.parse(readFileSync(path.join(FIXTURES, 'panel.json'), 'utf8')) as {
  window: number;
  cities: { slug: string; adoptionYear: number | null; values: [number, number][]; placebo: [number, number][] }[];
};
const EXPECTED = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Expected>;

const SPEC: FixtureSpec = {
  cities: PANEL.cities.map((c) => ({ slug: c.slug, country: 'US' })),
  indicators: [
    { code: 'score', unit: 'points' },
    { code: 'flagged', unit: 'points' },
    { code: 'placebo', unit: 'points' },
  ],
  instruments: [{ code: 'CEDAW' }, { code: 'NOBODY' }],
  commitments: PANEL.cities
    .filter((c) => c.adoptionYear !== null)
    .map((c) => ({ city: c.slug, instrument: 'CEDAW', adoptedOn: String(c.adoptionYear) })),
  observations: [
    ...PANEL.cities.flatMap((c) => series(c.slug, 'score', c.values)),
    ...PANEL.cities.flatMap((c) => series(c.slug, 'placebo', c.placebo)),
    // The same values, cs-01's CONVERTED (it enters no cell: it lacks 2001 and 2003) and cs-02's ESTIMATED.
    ...PANEL.cities.flatMap((c) =>
      series(c.slug, 'flagged', c.values, {
        status: c.slug === 'cs-01' ? 'CONVERTED' : c.slug === 'cs-02' ? 'ESTIMATED' : 'MEASURED',
      }),
    ),
  ],
};

/** The years of one adopter that enter a cell: t and its base, when it has both (window 4, data 2001-2012). */
function yearsUsed(slug: string): number {
  const city = PANEL.cities.find((c) => c.slug === slug) as (typeof PANEL.cities)[number];
  const g = city.adoptionYear as number;
  const has = new Set(city.values.map(([year]) => year));
  const used = new Set<number>();
  for (let t = g - PANEL.window; t <= g + PANEL.window; t++) {
    const b = t < g ? t - 1 : g - 1;
    if (b >= 2001 && t <= 2012 && has.has(t) && has.has(b)) used.add(t).add(b);
  }
  return used.size;
}

let t: TestServer;
const CS = { instrument: 'CEDAW', indicator: 'score', window: PANEL.window, estimator: 'CALLAWAY_SANTANNA' };
const ask = async (variables: Record<string, unknown>) =>
  dataOf<{ commitmentImpact: Answer }>(await t.query(QUERY, { ...CS, ...variables })).commitmentImpact;

beforeAll(async () => {
  t = await createTestServer({ seed: false });
  await loadFixture(t.db.dataSource, SPEC);
});
afterAll(async () => {
  await t.close();
});

/** Point estimates to 1e-9; bootstrap standard errors within 15% of the analytic ones. */
function compare(actual: (Interval & Record<string, unknown>)[], keyName: string, expected: Keyed[]) {
  expect(actual.map((a) => a[keyName])).toEqual(expected.map((e) => e.key));
  actual.forEach((a, k) => {
    expect(Math.abs(a.estimate - expected[k].estimate)).toBeLessThan(1e-9);
    expect((a.standardError as number) / expected[k].analyticSe).toBeGreaterThan(0.85);
    expect((a.standardError as number) / expected[k].analyticSe).toBeLessThan(1.15);
  });
}

describe('commitmentImpact CALLAWAY_SANTANNA against an independent computation', () => {
  it.each(['NEVER_TREATED', 'NOT_YET_TREATED'])('%s: estimates to 1e-9, bootstrap SEs within 15%%', async (control) => {
    const a = await ask({ control, bootstrap: 2000, permutations: 99 });
    const e = EXPECTED[control];
    expect(Math.abs((a.overall?.estimate as number) - e.overall.estimate)).toBeLessThan(1e-9);
    expect((a.overall?.standardError as number) / e.overall.analyticSe).toBeGreaterThan(0.85);
    expect((a.overall?.standardError as number) / e.overall.analyticSe).toBeLessThan(1.15);
    compare(a.cohorts, 'adoptionYear', e.cohorts);
    compare(a.calendar, 'year', e.calendar);
    compare(a.eventStudy, 'relativeYear', e.eventStudy);
    const o = a.overall as NonNullable<Answer['overall']>;
    expect(o.lower).toBeCloseTo(o.estimate - 1.959963984540054 * (o.standardError as number), 9);
    // An effect of about -1.5 with 24 adopters: clearly not noise, by either test.
    expect(o.pValue).toBeLessThan(0.01);
    expect(o.randomizationPValue).toBeCloseTo(1 / 100, 12);
    // The Wald statistic with the bootstrap covariance, within Monte Carlo error of the analytic one.
    expect(a.preTrend?.degreesOfFreedom).toBe(e.preTrend.degreesOfFreedom);
    expect((a.preTrend?.statistic as number) / e.preTrend.statistic).toBeGreaterThan(0.75);
    expect((a.preTrend?.statistic as number) / e.preTrend.statistic).toBeLessThan(1.33);
    // No pre-trend was simulated, yet with 3 to 7 adopters per cell the test rejects: the warning says why.
    const warning = a.warnings.find((w) => w.code === 'PRE_TREND_FAILED');
    expect(warning?.message).toMatch(
      /with as few as 3 adopting cities in a pre-adoption estimate the test rejects too often/,
    );
    expect(a.nAdopters).toBeGreaterThan(0); // the naive fields are still there
    expect(a.summary).toMatch(/^Comparing each adoption cohort with cities that (never adopted|had not adopted yet)/);
    expect(a.summary).toMatch(/The 95% interval runs from -\d/);
  });

  it.each(['NEVER_TREATED', 'NOT_YET_TREATED'])(
    '%s: the randomization p-value of the placebo series equals the replayed one exactly',
    async (control) => {
      const { pValue, ...args } = EXPECTED[control].randomization;
      const a = await ask({ control, indicator: 'placebo', ...args });
      expect(a.overall?.randomizationPValue).toBeCloseTo(pValue, 14);
    },
  );

  it('gives the same numbers for the same seed, and hashes seed and iterations into the citation', async () => {
    const one = await ask({ seed: 5, bootstrap: 300, permutations: 20 });
    const other = await ask({ seed: 6, bootstrap: 300, permutations: 20 });
    const again = await ask({ seed: 5, bootstrap: 300, permutations: 20, filter: { countryCodes: ['US'] } });
    expect(again.overall).toEqual(one.overall);
    expect(again.eventStudy).toEqual(one.eventStudy);
    expect(other.overall?.estimate).toBe(one.overall?.estimate);
    expect(other.overall?.standardError).not.toBe(one.overall?.standardError);
    expect(new Set([one, other, again].map((a) => a.citation.queryHash)).size).toBe(3);
    const more = await ask({ seed: 5, bootstrap: 301, permutations: 20 });
    expect(more.citation.queryHash).not.toBe(one.citation.queryHash);
  });

  it('refuses zero or negative iterations and too much work', async () => {
    for (const bad of [{ bootstrap: 0 }, { permutations: -1 }]) {
      const r = await t.query(QUERY, { ...CS, ...bad });
      expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
    }
    // (200,000 + 999) x 40 cities = 8,039,960 > 5,000,000.
    const r = await t.query(QUERY, { ...CS, bootstrap: 200000 });
    expect(errorCodes(r)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(r.errors?.[0].message).toBe(
      '(bootstrap 200000 + permutations 999) x 40 cities = 8039960 is over the bound of 5000000: lower bootstrap or permutations, or narrow filter',
    );
  });

  it('runs one statement more than NAIVE: the panel', async () => {
    // indicator, instrument, release, the naive analysis, the panel, the cited sources
    const run = await t.countStatements(QUERY, { ...CS, bootstrap: 50, permutations: 5 });
    expect(run.statements).toBe(6);
    expect(run.sql).toMatchSnapshot('callaway-santanna');
  });

  it('counts the statuses of the values that entered a cell only', async () => {
    const a = await ask({ indicator: 'flagged', bootstrap: 50, permutations: 5 });
    const n = yearsUsed('cs-02');
    expect(n).toBeGreaterThan(0);
    expect(yearsUsed('cs-01')).toBe(0);
    const estimated = a.warnings.filter((w) => w.code === 'ESTIMATED_VALUES' || w.code === 'CONVERTED_VALUES');
    expect(estimated).toEqual([{ code: 'ESTIMATED_VALUES', message: `${n} values are estimated or provisional` }]);
    expect(a.summary).toContain(`; ${n} values are estimated or provisional;`);
  });

  it('answers NO_DATA without an adopter', async () => {
    const a = await ask({ instrument: 'NOBODY', bootstrap: 10, permutations: 10 });
    expect([a.overall, a.eventStudy, a.cohorts, a.calendar, a.preTrend]).toEqual([null, [], [], [], null]);
    expect(a.warnings.map((w) => w.code)).toEqual(['NO_DATA']);
    expect(a.summary).toBe(
      'No adoption cohort of NOBODY has score values in the year before adoption and a later year, with cities that never adopted to compare with, so there is no estimate.',
    );
  });

  it('leaves the new fields empty under NAIVE and writes its summary', async () => {
    const a = await ask({ estimator: 'NAIVE' });
    expect([a.overall, a.eventStudy, a.cohorts, a.calendar, a.preTrend]).toEqual([null, [], [], [], null]);
    expect(a.summary).toMatch(/^Comparing score in the 4 years before and after adoption, the \d+ cities/);
    expect(a.summary).toMatch(/no standard error or interval/);
  });
});

describe('commitmentImpact CALLAWAY_SANTANNA on the demo data', () => {
  let demo: TestServer;
  beforeAll(async () => {
    demo = await createTestServer();
  });
  afterAll(async () => {
    await demo.close();
  });

  it('HRC and homicide rates: Pittsburgh (2011) against the cities that never declared', async () => {
    const a = dataOf<{ commitmentImpact: Answer }>(
      await demo.query(QUERY, {
        instrument: 'HRC',
        indicator: 'homicide-rate',
        window: 3,
        estimator: 'CALLAWAY_SANTANNA',
      }),
    ).commitmentImpact;
    /*
     * Data 2010-2015 only, so Washington (2008) has no year before adoption and Pittsburgh has
     * no pre-adoption cell (2010 vs 2009): no pre-trend test. ATT(2011, 2012) compares 2012 with
     * 2010: Pittsburgh 13.14 - 17.88 = -4.74; the 10 never-declaring cities with homicide data
     * (impact.test.ts lists their values), 2012 - 2010:
     *   8.41-5.96, 3.99-3.12, 9.04-11.82, 7.76-7.73, 1.13-1.99, 4.16-4.29, 9.31-7.87, 9.99-9.67,
     *   6.81-6.92, 16.65-17.02 = 2.45 + 0.87 - 2.78 + 0.03 - 0.86 - 0.13 + 1.44 + 0.32 - 0.11 - 0.37
     *   = 0.86, mean 0.086; ATT = -4.74 - 0.086 = -4.826.
     */
    const one = a.eventStudy.find((p) => p.relativeYear === 1);
    expect(one?.estimate).toBeCloseTo(-4.826, 9);
    expect(a.cohorts.map((c) => c.adoptionYear)).toEqual([2011]);
    expect(a.eventStudy.map((p) => p.relativeYear)).toEqual([0, 1, 2, 3]);
    // One cohort of one city: the overall is the mean of its four post cells.
    const mean = a.eventStudy.reduce((s, p) => s + p.estimate, 0) / 4;
    expect(a.overall?.estimate).toBeCloseTo(mean, 12);
    expect(a.preTrend).toBeNull();
    expect(a.warnings.map((w) => w.code)).toContain('FEW_OBSERVATIONS');
    expect(a.summary).toMatch(/only 1 city adopted/);
    expect(a.summary).toMatch(/there is no year before adoption to test parallel trends/);
  });

  it('runs the documented example', async () => {
    const doc = readFileSync(path.resolve(__dirname, '../../docs/analytics/callawaySantanna.md'), 'utf8');
    const blocks = [...doc.matchAll(/^```graphql[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => m[1]);
    expect(blocks).toHaveLength(1);
    const a = dataOf<{ commitmentImpact: Answer }>(await demo.query(blocks[0])).commitmentImpact;
    // The table and the summary of the docs: defaults (window 3, seed 1, 999 draws and permutations).
    expect(a.eventStudy.map((p) => Number(p.estimate.toFixed(3)))).toEqual([-2.986, -4.826, -2.316, 5.238]);
    expect(Number(a.overall?.standardError?.toFixed(3))).toBe(0.358);
    expect(a.overall?.randomizationPValue).toBeCloseTo(0.494, 12);
    expect(doc.replace(/\n> /g, ' ')).toContain(a.summary);
  });
});
