import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type FixtureSpec, loadFixture, type ObservationSpec, series, type Fixture } from '../fixtures/fixture';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

type Warning = { code: string; message: string };
type Answer = {
  city: { slug: string };
  instrument: string;
  indicator: { code: string };
  adoptionYear: number;
  preYears: number;
  postYears: number;
  weights: { city: { slug: string }; weight: number }[];
  series: { year: number; actual: number; synthetic: number; gap: number }[];
  preRmspe: number;
  postRmspe: number | null;
  rmspeRatio: number | null;
  placeboPValue: number | null;
  summary: string;
  citation: { sources: { title: string }[]; release: { id: string } | null; queryHash: string };
  warnings: Warning[];
};
const SYNTHETIC = `query($city: ID!, $instrument: String!, $indicator: String!, $donors: CityFilter, $asOf: ID) {
  syntheticControl(city: $city, instrument: $instrument, indicator: $indicator, donors: $donors, asOf: $asOf) {
    city { slug } instrument indicator { code } adoptionYear preYears postYears
    weights { city { slug } weight }
    series { year actual synthetic gap }
    preRmspe postRmspe rmspeRatio placeboPValue summary
    citation { sources { title } release { id } queryHash }
    warnings { code message }
  }
}`;

const YEARS = Array.from({ length: 13 }, (_, i) => 2000 + i); // 2000..2012; CEDAW adopted in 2010
const ALPHA = [10, 12, 11, 13, 12, 14, 13, 15, 14, 16, 15, 17, 16];
const BETA = [20, 19, 21, 20, 22, 21, 23, 22, 24, 23, 25, 24, 26];
const FAR_1 = [100, 103, 101, 104, 99, 102, 105, 100, 103, 101, 104, 102, 100];
const FAR_2 = [150, 148, 153, 149, 151, 155, 150, 152, 149, 154, 151, 150, 153];
/** The treated city: exactly 0.3 alpha + 0.7 beta before 2010, and 5 more from 2010 on. */
const EFFECT = 5;
const TREATED = YEARS.map((year, t) => 0.3 * ALPHA[t] + 0.7 * BETA[t] + (year >= 2010 ? EFFECT : 0));
const pairs = (values: number[], years = YEARS): [number, number][] => values.map((v, t) => [years[t], v]);

/*
 * The small pool (indicator `small`, donors alpha and beta only), 2006..2009 before, 2010..2011 after:
 *   alpha   10 11  9 10 | 10 14
 *   beta    20 20 20 20 | 20 20
 *   treated 16 15.5 14.5 14 | 16 18
 * Treated - beta = -4 -4.5 -5.5 -6 and alpha - beta = -10 -9 -11 -10, so the weight of alpha is
 * sum((T-B)(A-B)) / sum((A-B)^2) = (40 + 40.5 + 60.5 + 60) / 402 = 1/2: the synthetic city is
 * 15 15.5 14.5 15 | 15 17, the gaps 1 0 0 -1 | 1 1: preRmspe = sqrt(2/4) = 0.7071068,
 * postRmspe = 1, ratio = sqrt(2) = 1.4142136.
 * Placebos: alpha on beta alone: gaps -10 -9 -11 -10 | -10 -6, pre MS 402/4 = 100.5, post MS
 * (100 + 36)/2 = 68, ratio sqrt(68/100.5) = 0.8225; beta on alpha alone: the same gaps negated,
 * the same ratio. Neither reaches 1.414: p = (1 + 0) / 3 = 1/3.
 * `small-null` is the same but for the treated city's 15.5 17.5 after (gaps 0.5 0.5, ratio
 * 0.5 / 0.7071 = 0.7071): both placebos are above it, p = (1 + 2) / 3 = 1.
 */
const SMALL_YEARS = [2006, 2007, 2008, 2009, 2010, 2011];

/** The crowd: 60 donors of 2004..2011 (pre 2004..2009, the treated city lacks 2007), for the budget and the statement count. */
const CROWD = Array.from({ length: 60 }, (_, i) => `crowd-${String(i + 1).padStart(2, '0')}`);
const CROWD_YEARS = [2004, 2005, 2006, 2007, 2008, 2009, 2010, 2011];
const crowdValue = (i: number, t: number) => 50 + 10 * Math.sin(i * 1.3 + t * 0.7) + i * 0.1;

/** The panel of test/fixtures/syntheticControl/independent.py, and what it computed. */
const DIR = path.join(__dirname, '../fixtures/syntheticControl');
const PANEL = JSON.parse(readFileSync(path.join(DIR, 'panel.json'), 'utf8')) as {
  years: number[];
  adoptionYear: number;
  treated: number[];
  donors: number[][];
};
const EXPECTED = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as {
  weights: number[];
  synthetic: number[];
  gap: number[];
  preRmspe: number;
  postRmspe: number;
  rmspeRatio: number;
  placeboPValue: number;
};
const INDEPENDENT_DONORS = PANEL.donors.map((_, j) => `independent-${j + 1}`);

const OBSERVATIONS: ObservationSpec[] = [
  ...series('treated', 'score', pairs(TREATED)),
  ...series('alpha', 'score', pairs(ALPHA)),
  ...series('beta', 'score', pairs(BETA)),
  ...series('far-1', 'score', pairs(FAR_1)),
  ...series('far-2', 'score', pairs(FAR_2)),
  // gappy lacks 2005: left out of the pool. proposer has a proposed CEDAW commitment: never a
  // donor, though it matches the treated city exactly.
  ...series(
    'gappy',
    'score',
    pairs(BETA).filter(([year]) => year !== 2005),
  ),
  ...series('proposer', 'score', pairs(TREATED)),
  ...series('treated', 'small', pairs([16, 15.5, 14.5, 14, 16, 18], SMALL_YEARS)),
  ...series('alpha', 'small', pairs([10, 11, 9, 10, 10, 14], SMALL_YEARS)),
  ...series('beta', 'small', pairs([20, 20, 20, 20, 20, 20], SMALL_YEARS)),
  ...series('treated', 'small-null', pairs([16, 15.5, 14.5, 14, 15.5, 17.5], SMALL_YEARS)),
  ...series('alpha', 'small-null', pairs([10, 11, 9, 10, 10, 14], SMALL_YEARS)),
  ...series('beta', 'small-null', pairs([20, 20, 20, 20, 20, 20], SMALL_YEARS)),
  ...series(
    'treated',
    'crowd',
    pairs(
      CROWD_YEARS.map((_, t) => crowdValue(0, t) + 1),
      CROWD_YEARS,
    ).filter(([year]) => year !== 2007),
  ),
  ...CROWD.flatMap((slug, i) =>
    series(
      slug,
      'crowd',
      CROWD_YEARS.map((year, t) => [year, crowdValue(i + 1, t)]),
    ),
  ),
  ...series('independent-treated', 'independent', pairs(PANEL.treated, PANEL.years)),
  ...INDEPENDENT_DONORS.flatMap((slug, j) => series(slug, 'independent', pairs(PANEL.donors[j], PANEL.years))),
];

const SPEC: FixtureSpec = {
  cities: [
    'treated',
    'alpha',
    'beta',
    'far-1',
    'far-2',
    'gappy',
    'proposer',
    ...CROWD,
    'independent-treated',
    ...INDEPENDENT_DONORS,
  ].map((slug) => ({ slug, name: slug === 'treated' ? 'Treatedville' : slug, country: 'US' })),
  indicators: ['score', 'small', 'small-null', 'crowd', 'independent'].map((code) => ({ code, unit: 'points' })),
  instruments: [{ code: 'CEDAW' }],
  commitments: [
    { city: 'treated', instrument: 'CEDAW', adoptedOn: '2010-06-01' },
    // A later commitment of the same city does not move its adoption year.
    { city: 'treated', instrument: 'CEDAW', adoptedOn: '2012', status: 'IMPLEMENTED' },
    { city: 'proposer', instrument: 'CEDAW', adoptedOn: '2008', status: 'PROPOSED' },
    { city: 'independent-treated', instrument: 'CEDAW', adoptedOn: String(PANEL.adoptionYear) },
  ],
  observations: OBSERVATIONS,
};

let t: TestServer;
let f: Fixture;
const codes = (warnings: Warning[]) => warnings.map((w) => w.code);
const weightOf = (answer: Answer, slug: string) => answer.weights.find((w) => w.city.slug === slug)?.weight;
const ask = async (variables: Record<string, unknown>) =>
  dataOf<{ syntheticControl: Answer }>(
    await t.query(SYNTHETIC, { city: 'treated', instrument: 'CEDAW', indicator: 'score', ...variables }),
  ).syntheticControl;

beforeAll(async () => {
  t = await createTestServer({ seed: false });
  f = await loadFixture(t.db.dataSource, SPEC);
});
afterAll(async () => {
  await t.close();
});

describe('syntheticControl', () => {
  it('recovers 0.3 alpha + 0.7 beta and the known effect', async () => {
    const a = await ask({});
    expect([a.city.slug, a.instrument, a.indicator.code, a.adoptionYear, a.preYears, a.postYears]).toEqual([
      'treated',
      'CEDAW',
      'score',
      2010,
      10,
      3,
    ]);
    // The pool: alpha, beta, far-1, far-2 (gappy lacks 2005; proposer has a CEDAW commitment).
    expect(a.weights.map((w) => w.city.slug)).toEqual(['beta', 'alpha', 'far-1', 'far-2']);
    expect(weightOf(a, 'alpha')).toBeCloseTo(0.3, 6);
    expect(weightOf(a, 'beta')).toBeCloseTo(0.7, 6);
    expect(weightOf(a, 'far-1')).toBeCloseTo(0, 6);
    expect(weightOf(a, 'far-2')).toBeCloseTo(0, 6);
    expect(a.series.map((p) => p.year)).toEqual(YEARS);
    for (const point of a.series) {
      const want = point.year >= 2010 ? EFFECT : 0;
      expect([point.year, point.gap]).toEqual([point.year, expect.closeTo(want, 6)]);
      expect(point.actual).toBe(TREATED[point.year - 2000]);
      expect(point.synthetic).toBeCloseTo(0.3 * ALPHA[point.year - 2000] + 0.7 * BETA[point.year - 2000], 6);
    }
    // Gaps 0 (x10) then 5 5 5: preRmspe 0, postRmspe sqrt(75/3) = 5, the ratio infinite (null).
    expect(a.preRmspe).toBeCloseTo(0, 6);
    expect(a.postRmspe).toBeCloseTo(5, 6);
    expect(a.rmspeRatio).toBeNull();
    // No placebo fits exactly (alpha is below, far-2 above every other donor each year; beta and
    // far-1 are no exact mix of the others), so none has an infinite ratio: p = 1 / (4 + 1).
    expect(a.placeboPValue).toBeCloseTo(1 / 5, 12);
    expect(codes(a.warnings)).toEqual(['INCOMPLETE_PANEL', 'FEW_OBSERVATIONS']);
    expect(a.warnings[0].message).toMatch(/^1 city without a CEDAW commitment lacks a score value .*: gappy$/);
    expect(a.warnings[1].message).toMatch(/cannot be below 1\/5 = 0\.200/);
    expect(a.citation.sources).toEqual([{ title: 'fixture' }]);
    expect(a.citation.release).toEqual({ id: String(f.releaseId) });
  });

  it('writes a summary from the numbers, with the caveats', async () => {
    const a = await ask({});
    expect(a.summary).toBe(
      "Treatedville's score is compared with a synthetic Treatedville: a weighted mix of 2 cities (beta 70%, alpha 30%) chosen from 4 cities without a commitment to CEDAW to match Treatedville in the 10 years before it adopted CEDAW in 2010 (2000–2009). " +
        'Before adoption the synthetic city misses the real one by 0 points (root mean squared gap). ' +
        'In 2010–2012 Treatedville was on average 5 points above its synthetic control (root mean squared gap 5 points; the fit before adoption is exact, so their ratio is infinite). ' +
        'Refitting each donor city as if it had adopted, 0 of 4 show a ratio at least as large, so the placebo p-value is 0.2 (with 4 donors it cannot be below 0.2). ' +
        'Caveats: with 4 donors the p-value can never reach 0.05; a gap is a difference, not proof that the CEDAW commitment caused it.',
    );
  });

  it('gives the hand-computed RMSPEs and placebo p-value of a two-donor pool', async () => {
    const small = await ask({ indicator: 'small', donors: { slugs: ['alpha', 'beta'] } });
    expect(weightOf(small, 'alpha')).toBeCloseTo(0.5, 9);
    expect(weightOf(small, 'beta')).toBeCloseTo(0.5, 9);
    expect(small.series.map((p) => p.gap)).toEqual([1, 0, 0, -1, 1, 1].map((g) => expect.closeTo(g, 9)));
    expect(small.preRmspe).toBeCloseTo(Math.sqrt(0.5), 9);
    expect(small.postRmspe).toBeCloseTo(1, 9);
    expect(small.rmspeRatio).toBeCloseTo(Math.SQRT2, 9);
    expect(small.placeboPValue).toBeCloseTo(1 / 3, 12);
    // 4 pre-years (< 5), a p-value floor of 1/3, and 0.707 > 0.1 x sd(16 15.5 14.5 14) = 0.079.
    expect(codes(small.warnings)).toEqual(['FEW_OBSERVATIONS', 'FEW_OBSERVATIONS', 'POOR_PRE_FIT']);
    expect(small.summary).toMatch(/only 4 years before adoption were fitted/);
    expect(small.summary).toMatch(/does not follow the real one before adoption/);

    const none = await ask({ indicator: 'small-null', donors: { slugs: ['alpha', 'beta'] } });
    expect(none.rmspeRatio).toBeCloseTo(Math.SQRT1_2, 9);
    expect(none.placeboPValue).toBeCloseTo(1, 12);
  });

  it('agrees with the independent computation (test/fixtures/syntheticControl/independent.py)', async () => {
    const a = await ask({ city: 'independent-treated', indicator: 'independent' });
    expect(a.weights).toHaveLength(INDEPENDENT_DONORS.length);
    INDEPENDENT_DONORS.forEach((slug, j) => {
      expect([slug, weightOf(a, slug)]).toEqual([slug, expect.closeTo(EXPECTED.weights[j], 6)]);
    });
    a.series.forEach((point, i) => {
      expect(point.synthetic).toBeCloseTo(EXPECTED.synthetic[i], 6);
      expect(point.gap).toBeCloseTo(EXPECTED.gap[i], 6);
    });
    expect(a.preRmspe).toBeCloseTo(EXPECTED.preRmspe, 6);
    expect(a.postRmspe).toBeCloseTo(EXPECTED.postRmspe as number, 6);
    expect(a.rmspeRatio).toBeCloseTo(EXPECTED.rmspeRatio, 6);
    expect(a.placeboPValue).toBeCloseTo(EXPECTED.placeboPValue, 12);
  });

  it('takes the city by id or by slug: the same answer and the same query hash', async () => {
    const bySlug = await ask({});
    const byId = await ask({ city: String(f.city('treated')) });
    expect(byId).toEqual(bySlug);
    const other = await ask({ donors: { slugs: ['alpha', 'beta', 'far-1'] } });
    expect(other.citation.queryHash).not.toBe(bySlug.citation.queryHash);
  });

  it('drops the years the treated city lacks, warns about non-unique weights, and costs the same statements for 10 donors as for 40', async () => {
    const ten = await t.countStatements(SYNTHETIC, {
      city: 'treated',
      instrument: 'CEDAW',
      indicator: 'crowd',
      donors: { slugs: CROWD.slice(0, 10) },
    });
    const forty = await t.countStatements(SYNTHETIC, {
      city: 'treated',
      instrument: 'CEDAW',
      indicator: 'crowd',
      donors: { slugs: CROWD.slice(0, 40) },
    });
    const answer = (forty.result.data as { syntheticControl: Answer }).syntheticControl;
    expect(forty.result.errors).toBeUndefined();
    expect(answer.weights).toHaveLength(40);
    expect(answer.series.map((p) => p.year)).toEqual([2004, 2005, 2006, 2008, 2009, 2010, 2011]);
    expect(answer.weights.reduce((sum, w) => sum + w.weight, 0)).toBeCloseTo(1, 12);
    expect(answer.weights.every((w) => w.weight >= 0)).toBe(true);
    expect(codes(answer.warnings)).toEqual(['INCOMPLETE_PANEL', 'NON_UNIQUE_WEIGHTS']);
    expect(answer.warnings[0].message).toMatch(/treated has no crowd value in 2007/);
    // The city by slug, the indicator, the instrument, the newest release, the panel, the donor
    // cities, the sources.
    expect([ten.statements, forty.statements]).toEqual([7, 7]);
    expect(forty.sql.filter((s) => s.includes('unit AS ('))).toHaveLength(1);
    expect(forty.sql).toEqual(ten.sql);
    expect(forty.sql).toMatchSnapshot('statements');
  });

  it('refuses bad input with its code, naming the argument', async () => {
    const query = (variables: Record<string, unknown>) =>
      t.query(SYNTHETIC, { city: 'treated', instrument: 'CEDAW', indicator: 'score', ...variables });
    const unknownCity = await query({ city: 'treatd' });
    expect(errorCodes(unknownCity)).toEqual(['BAD_USER_INPUT']);
    expect(unknownCity.errors?.[0].message).toMatch(/Unknown city "treatd".*did you mean "treated"/);
    expect(unknownCity.errors?.[0].extensions).toMatchObject({ argument: 'city' });
    const unknownIndicator = await query({ indicator: 'scor' });
    expect(unknownIndicator.errors?.[0].message).toMatch(/Unknown indicator "scor"; did you mean "score"/);
    const unknownInstrument = await query({ instrument: 'CEDAV' });
    expect(errorCodes(unknownInstrument)).toEqual(['BAD_USER_INPUT']);
    expect(unknownInstrument.errors?.[0].extensions).toMatchObject({ argument: 'instrument' });

    const noCommitment = await query({ city: 'alpha' });
    expect(errorCodes(noCommitment)).toEqual(['BAD_USER_INPUT']);
    expect(noCommitment.errors?.[0].message).toMatch(
      /^alpha did not adopt CEDAW as of release \d+: it has no CEDAW commitment$/,
    );
    const proposed = await query({ city: 'proposer' });
    expect(proposed.errors?.[0].message).toMatch(/none of its CEDAW commitments is ADOPTED or IMPLEMENTED/);
    const [{ id: undated }] = await t.db.dataSource.query(
      `INSERT INTO commitment (city_id, instrument_id, kind, title, status)
       SELECT $1, i.id, 'ORDINANCE', 'CEDAW in beta, date unknown', 'ADOPTED' FROM instrument i WHERE i.code = 'CEDAW'
       RETURNING id`,
      [f.city('beta')],
    );
    try {
      const noDate = await query({ city: 'beta' });
      expect(errorCodes(noDate)).toEqual(['BAD_USER_INPUT']);
      expect(noDate.errors?.[0].message).toMatch(
        /^beta did not adopt CEDAW .*: its adopted CEDAW commitment has no adoption date$/,
      );
    } finally {
      await t.db.dataSource.query('DELETE FROM commitment WHERE id = $1', [undated]);
    }
    const noPre = await query({ city: 'independent-treated' });
    expect(errorCodes(noPre)).toEqual(['BAD_USER_INPUT']);
    expect(noPre.errors?.[0].message).toMatch(
      /^independent-treated has no score value before it adopted CEDAW in 2012/,
    );

    const noDonor = await query({ donors: { slugs: ['gappy', 'proposer'] } });
    expect(errorCodes(noDonor)).toEqual(['BAD_USER_INPUT']);
    expect(noDonor.errors?.[0].extensions).toMatchObject({ argument: 'donors' });

    const tooMany = await query({ indicator: 'crowd' });
    expect(errorCodes(tooMany)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(tooMany.errors?.[0].message).toMatch(/^60 donor cities: .* at most 50; narrow donors/);

    for (const variables of [
      { asOf: '999999' },
      { donors: { countryCodes: ['ZZ'] } },
      { donors: { ids: ['nowhere'] } },
    ]) {
      const result = await query(variables);
      expect([variables, errorCodes(result)]).toEqual([variables, ['BAD_USER_INPUT']]);
    }
  });

  it('answers as of a release: a commitment added later changes neither the pool nor the adopters before it', async () => {
    const before = await ask({});
    const [{ id: later }] = await t.db.dataSource.query(
      `INSERT INTO release (description) VALUES ('far-1 adopts CEDAW') RETURNING id`,
    );
    const [{ id: commitment }] = await t.db.dataSource.query(
      `INSERT INTO commitment (city_id, instrument_id, kind, title, adopted_on, adopted_precision, status, release_id)
       SELECT $1, i.id, 'ORDINANCE', 'CEDAW in far-1', '2005-01-01', 'YEAR', 'ADOPTED', $2 FROM instrument i WHERE i.code = 'CEDAW'
       RETURNING id`,
      [f.city('far-1'), later],
    );
    try {
      const asOfEarlier = await ask({ asOf: String(f.releaseId) });
      expect(asOfEarlier).toEqual(before);
      const now = await ask({});
      expect(now.weights.map((w) => w.city.slug)).toEqual(['beta', 'alpha', 'far-2']);
      expect(now.citation.release).toEqual({ id: String(later) });
      // far-1 is an adopter now (of 2005), and was not one as of the earlier release.
      expect((await ask({ city: 'far-1', asOf: String(later) })).adoptionYear).toBe(2005);
      const then = await t.query(SYNTHETIC, {
        city: 'far-1',
        instrument: 'CEDAW',
        indicator: 'score',
        asOf: String(f.releaseId),
      });
      expect(then.errors?.[0].message).toMatch(/far-1 did not adopt CEDAW as of release \d+/);
    } finally {
      await t.db.dataSource.query('DELETE FROM commitment WHERE id = $1', [commitment]);
    }
  });
});

describe('syntheticControl on the demo data', () => {
  let demo: TestServer;
  beforeAll(async () => {
    demo = await createTestServer();
  });
  afterAll(async () => {
    await demo.close();
  });

  it("gives Pittsburgh's human rights city declaration against US donors as docs/analytics/syntheticControl.md states it", async () => {
    const a = dataOf<{ syntheticControl: Answer }>(
      await demo.query(SYNTHETIC, {
        city: 'pittsburgh-us',
        instrument: 'HRC',
        indicator: 'homicide-rate',
        donors: { countryCodes: ['US'] },
      }),
    ).syntheticControl;
    /*
     * By hand from the seed fact sheet. Pittsburgh declared itself a human rights city on
     * 2011-04-19: one pre-year, 2010 (17.88). The donors are the 10 other US cities with rates
     * (Washington made the same declaration in 2008). No donor reaches 17.88 in 2010; Miami
     * (17.02) comes closest, so the synthetic Pittsburgh is Miami: gaps 17.88 - 17.02 = 0.86, then
     * 14.26 - 16.79 = -2.53, 13.14 - 16.65 = -3.51, 14.63 - 16.97 = -2.34, 22.43 - 19.19 = 3.24,
     * 18.57 - 17.12 = 1.45. preRmspe 0.86; postRmspe sqrt(36.7967 / 5) = 2.712810; ratio 3.154430.
     * Placebos: with one pre-year, the 8 donors strictly between Honolulu (1.99, the lowest) and
     * Miami (the highest) in 2010 are fitted exactly (infinite ratios); Miami on Boston (11.82) has
     * a ratio of about 1.9, Honolulu on Seattle (3.12) about 1.8. p = (1 + 8) / 11.
     */
    expect([a.adoptionYear, a.preYears, a.postYears]).toEqual([2011, 1, 5]);
    expect(a.weights).toHaveLength(10);
    expect(a.weights[0]).toEqual({ city: { slug: 'miami-us' }, weight: expect.closeTo(1, 9) });
    expect(a.series.map((p) => p.gap)).toEqual(
      [0.86, -2.53, -3.51, -2.34, 3.24, 1.45].map((g) => expect.closeTo(g, 9)),
    );
    expect(a.preRmspe).toBeCloseTo(0.86, 9);
    expect(a.postRmspe).toBeCloseTo(Math.sqrt(36.7967 / 5), 9);
    expect(a.rmspeRatio).toBeCloseTo(Math.sqrt(36.7967 / 5) / 0.86, 9);
    expect(a.placeboPValue).toBeCloseTo(9 / 11, 12);
    expect(codes(a.warnings)).toEqual(['FEW_OBSERVATIONS', 'FEW_OBSERVATIONS', 'NON_UNIQUE_WEIGHTS', 'POOR_PRE_FIT']);
    expect(a.summary).toMatch(
      /^Pittsburgh's homicide-rate is compared with a synthetic Pittsburgh: a weighted mix of 1 city \(Miami 100%\)/,
    );
    expect(a.citation.sources).toEqual([{ title: expect.stringMatching(/^The Crime Report/) }]);
  });

  it("fits Pittsburgh's CEDAW ordinance of 2016 with a warning, not an error, as there is no value after it", async () => {
    const a = dataOf<{ syntheticControl: Answer }>(
      await demo.query(SYNTHETIC, {
        city: 'pittsburgh-us',
        instrument: 'CEDAW',
        indicator: 'homicide-rate',
        donors: { countryCodes: ['US'] },
      }),
    ).syntheticControl;
    // San Francisco has a CEDAW ordinance too: the donors are the 10 other US cities with rates.
    expect([a.adoptionYear, a.preYears, a.postYears, a.weights.length]).toEqual([2016, 6, 0, 10]);
    expect(a.weights.map((w) => w.city.slug)).not.toContain('san-francisco-us');
    expect([a.postRmspe, a.rmspeRatio, a.placeboPValue]).toEqual([null, null, null]);
    expect(codes(a.warnings)).toContain('NO_DATA');
    expect(a.summary).toContain('There is no value from 2016 on, so no effect can be measured yet.');
  });
});
