import { chiSquareSf, normalTwoSided } from '../../src/modules/analytics/callawaySantanna/chiSquare';
import {
  aggregations,
  cells,
  type CsPanel,
  overallOfPermutations,
} from '../../src/modules/analytics/callawaySantanna/csEstimate';
import { callawaySantanna, waldTest } from '../../src/modules/analytics/callawaySantanna/csInference';
import { mulberry32, normal, type Random, shuffle } from '../../src/modules/analytics/callawaySantanna/random';

const NEVER = Number.POSITIVE_INFINITY;

function panelOf(firstYear: number, rows: { cohort: number; values: number[] }[]): CsPanel {
  return {
    firstYear,
    lastYear: firstYear + rows[0].values.length - 1,
    values: rows.map((r) => Float64Array.from(r.values)),
    cohort: rows.map((r) => r.cohort),
  };
}

/*
 * The tiny panel, by hand.
 *
 *   city  adopts  2000 2001 2002 2003
 *   a     2002    1    2    5    7
 *   b     2003    2    3    4    9
 *   n1    never   0    1    2    3
 *   n2    never   2    2    4    4
 *
 * NEVER_TREATED (controls n1, n2), window 3. Pre cells compare t with t - 1, post cells with g - 1.
 *
 *   g     t     base  e   treated change  control changes  ATT
 *   2002  2001  2000  -1  a 1             n1 1, n2 0        1 - 0.5 = 0.5
 *   2002  2002  2001   0  a 3             n1 1, n2 2        3 - 1.5 = 1.5
 *   2002  2003  2001   1  a 5             n1 2, n2 2        5 - 2   = 3
 *   2003  2001  2000  -2  b 1             n1 1, n2 0        1 - 0.5 = 0.5
 *   2003  2002  2001  -1  b 1             n1 1, n2 2        1 - 1.5 = -0.5
 *   2003  2003  2002   0  b 5             n1 1, n2 0        5 - 0.5 = 4.5
 *   (2002, 2000) needs 1999 and is not estimable.
 *
 * Cohorts have one city each, so the cohort-size weights are equal:
 *   overall  = (1.5 + 3 + 4.5) / 3 = 3
 *   cohorts  2002: (1.5 + 3) / 2 = 2.25; 2003: 4.5
 *   calendar 2002: 1.5; 2003: (3 + 4.5) / 2 = 3.75
 *   event    -2: 0.5; -1: (0.5 - 0.5) / 2 = 0; 0: (1.5 + 4.5) / 2 = 3; 1: 3
 *
 * NOT_YET_TREATED adds the cities that adopt after t (never the cohort itself):
 *   2002  2001: controls b 1, n1 1, n2 0 (mean 2/3): 1 - 2/3 = 1/3
 *   2002  2002: controls b 1, n1 1, n2 2 (mean 4/3): 3 - 4/3 = 5/3
 *   2002  2003: never only: 3
 *   2003  2001: controls a 1, n1 1, n2 0: 1 - 2/3 = 1/3
 *   2003  2002, 2003: never only: -0.5, 4.5
 *   overall = (5/3 + 3 + 4.5) / 3 = 55/18
 */
const TINY = panelOf(2000, [
  { cohort: 2002, values: [1, 2, 5, 7] },
  { cohort: 2003, values: [2, 3, 4, 9] },
  { cohort: NEVER, values: [0, 1, 2, 3] },
  { cohort: NEVER, values: [2, 2, 4, 4] },
]);

describe('Callaway & Sant’Anna on the hand-computed panel', () => {
  it('computes every ATT(g, t) with never-treated controls', () => {
    const all = cells(TINY, TINY.cohort, { control: 'NEVER_TREATED', window: 3 });
    expect(all.map((c) => [c.cohort, c.year, c.base, c.relativeYear, c.estimate])).toEqual([
      [2002, 2001, 2000, -1, 0.5],
      [2002, 2002, 2001, 0, 1.5],
      [2002, 2003, 2001, 1, 3],
      [2003, 2001, 2000, -2, 0.5],
      [2003, 2002, 2001, -1, -0.5],
      [2003, 2003, 2002, 0, 4.5],
    ]);
    const agg = aggregations(all, TINY.cohort);
    expect(agg.overall?.estimate).toBeCloseTo(3, 12);
    expect(agg.cohorts.map((a) => [a.key, a.estimate])).toEqual([
      [2002, 2.25],
      [2003, 4.5],
    ]);
    expect(agg.calendar.map((a) => [a.key, a.estimate])).toEqual([
      [2002, 1.5],
      [2003, 3.75],
    ]);
    expect(agg.eventStudy.map((a) => [a.key, a.estimate])).toEqual([
      [-2, 0.5],
      [-1, 0],
      [0, 3],
      [1, 3],
    ]);
    // Influence of (2002, 2002): a alone in its cohort (0); n1 -(1 - 1.5)/2, n2 -(2 - 1.5)/2.
    const c = all[1];
    expect([...c.cities]).toEqual([0, 2, 3]);
    expect([...c.influence]).toEqual([0, 0.25, -0.25]);
  });

  it('adds the not-yet-treated cities to the controls', () => {
    const all = cells(TINY, TINY.cohort, { control: 'NOT_YET_TREATED', window: 3 });
    const want = [1 / 3, 5 / 3, 3, 1 / 3, -0.5, 4.5];
    all.forEach((c, k) => expect(c.estimate).toBeCloseTo(want[k], 12));
    expect(aggregations(all, TINY.cohort).overall?.estimate).toBeCloseTo(55 / 18, 12);
  });

  it('limits the cells to -window..window', () => {
    const all = cells(TINY, TINY.cohort, { control: 'NEVER_TREATED', window: 1 });
    expect(all.map((c) => c.relativeYear)).toEqual([-1, 0, 1, -1, 0]);
  });

  it('gives the same numbers for the same seed, other numbers for another', () => {
    const run = (seed: number) =>
      callawaySantanna(TINY, { control: 'NEVER_TREATED', window: 3, bootstrap: 200, permutations: 50, seed });
    expect(run(7)).toEqual(run(7));
    // Cohort 2002's influence: n1 (0.25 + 0) / 2, n2 (-0.25 + 0) / 2, a 0, b none: SE sqrt(2 * 0.125^2).
    expect(run(7).cohorts[0].standardError).not.toBe(run(8).cohorts[0].standardError);
    expect(run(7).cohorts[0].standardError).toBeGreaterThan(0.85 * Math.sqrt(2 * 0.125 ** 2));
    expect(run(7).cohorts[0].standardError).toBeLessThan(1.15 * Math.sqrt(2 * 0.125 ** 2));
    // The overall's influences cancel (n1 +0.25 in (2002, 2002), -0.25 in (2003, 2003)): no interval.
    expect(run(7).overall?.standardError).toBeNull();
  });
});

/**
 * The overall ATT straight from its definition (docs/analytics/callawaySantanna.md), city by city:
 * for each cohort g and t = g..g + window, the mean change of g's cities minus the mean change of
 * its controls (never adopters, and under NOT_YET_TREATED cities adopting after t other than g),
 * each city counted with values in both years; cells weighted by cohort size.
 */
function overallByDefinition(panel: CsPanel, labels: number[], control: string, window: number): number | null {
  const valueOf = (i: number, year: number) => panel.values[i][year - panel.firstYear] ?? Number.NaN;
  const sizes = new Map<number, number>();
  for (const g of labels) if (g !== NEVER) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  let weighted = 0;
  let total = 0;
  for (const [g, size] of sizes) {
    for (let t = g; t <= g + window; t++) {
      if (g - 1 < panel.firstYear || t > panel.lastYear) continue;
      const treated: number[] = [];
      const controls: number[] = [];
      labels.forEach((label, i) => {
        const change = valueOf(i, t) - valueOf(i, g - 1);
        if (Number.isNaN(change)) return;
        if (label === g) treated.push(change);
        else if (label === NEVER || (control === 'NOT_YET_TREATED' && label > t)) controls.push(change);
      });
      if (treated.length === 0 || controls.length === 0) continue;
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      weighted += size * (mean(treated) - mean(controls));
      total += size;
    }
  }
  return total > 0 ? weighted / total : null;
}

describe('the overall ATT of permuted adoption years (randomization inference)', () => {
  it.each(['NEVER_TREATED', 'NOT_YET_TREATED'] as const)(
    '%s: equals the definition on 200 permutations of a panel with gaps',
    (control) => {
      const random = mulberry32(17);
      // 60 cities over 1990-2009: a third never adopt, the rest adopt between 1991 and 2008;
      // about one value in eight is missing.
      const rows = Array.from({ length: 60 }, (_, i) => ({
        cohort: i % 3 === 0 ? NEVER : 1991 + Math.floor(random() * 18),
        values: Array.from({ length: 20 }, (_, y) => (random() < 0.125 ? Number.NaN : y * 0.3 + normal(random) * 2)),
      }));
      const panel = panelOf(1990, rows);
      const overallOf = overallOfPermutations(panel, { control, window: 4 });
      const labels = [...panel.cohort];
      let compared = 0;
      for (let r = 0; r < 200; r++) {
        if (r > 0) shuffle(labels, random);
        const expected = overallByDefinition(panel, labels, control, 4);
        const actual = overallOf(labels);
        if (expected === null) {
          expect(actual).toBeNull();
        } else {
          expect(actual).not.toBeNull();
          expect(Math.abs((actual as number) - expected)).toBeLessThan(1e-12 * Math.max(1, Math.abs(expected)));
          compared++;
        }
      }
      expect(compared).toBe(200);
    },
  );

  it('is null when no cohort has a post cell with controls', () => {
    // Both cities adopt in 2001: no never-treated or later city is left as a control.
    const panel = panelOf(2000, [
      { cohort: 2001, values: [1, 2, 3] },
      { cohort: 2001, values: [2, 4, 6] },
    ]);
    expect(overallOfPermutations(panel, { control: 'NEVER_TREATED', window: 1 })([2001, 2001])).toBeNull();
  });
});

describe('distributions and the Wald test', () => {
  it('matches known chi-square and normal tail probabilities', () => {
    expect(normalTwoSided(1.959963984540054)).toBeCloseTo(0.05, 12);
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSf(11.070497693516351, 5)).toBeCloseTo(0.05, 12);
    expect(chiSquareSf(2, 2)).toBeCloseTo(Math.exp(-1), 14);
  });

  it('computes theta S^-1 theta and drops a redundant estimate', () => {
    // S = [[2, 1], [1, 2]], theta = (1, 1): S^-1 theta = (1/3, 1/3), statistic 2/3.
    expect(
      waldTest(
        [1, 1],
        [
          [2, 1],
          [1, 2],
        ],
      )?.statistic,
    ).toBeCloseTo(2 / 3, 12);
    // Pivoting reorders the estimates (largest variance first): numpy's solve gives 5.013761467889909.
    const s3 = [
      [1, 0.5, 0.2],
      [0.5, 4, 1],
      [0.2, 1, 2],
    ];
    expect(waldTest([1, 2, 3], s3)?.statistic).toBeCloseTo(5.013761467889909, 12);
    // The second estimate is twice the first: rank 1, statistic (2)^2 / 4 on the larger variance.
    const singular = waldTest(
      [1, 2],
      [
        [1, 2],
        [2, 4],
      ],
    );
    expect(singular?.degreesOfFreedom).toBe(1);
    expect(singular?.statistic).toBeCloseTo(1, 12);
  });
});

/*
 * A simulated staggered panel: Y_it = a_i + l_t + tau_gt + e_it, e ~ N(0, 1), cohorts 2003,
 * 2005, 2007 and never-treated in equal numbers, 2000-2009, and an effect that grows with time
 * since adoption and differs by cohort: tau_gt = delta_g (t - g + 1) for t >= g, delta =
 * 1, 2, 3. That is the case where two-way fixed effects is biased (earlier adopters serve as
 * controls of later ones while their effect still grows).
 */
const COHORTS = [2003, 2005, 2007, NEVER];
const DELTA: Record<number, number> = { 2003: 1, 2005: 2, 2007: 3 };
const effect = (g: number, t: number) => (Number.isFinite(g) && t >= g ? DELTA[g] * (t - g + 1) : 0);

function simulate(random: Random, perCohort: number): CsPanel {
  const rows = COHORTS.flatMap((cohort) =>
    Array.from({ length: perCohort }, () => {
      const level = 10 * normal(random);
      return {
        cohort,
        values: Array.from({ length: 10 }, (_, k) => level + 0.5 * k + effect(cohort, 2000 + k) + normal(random)),
      };
    }),
  );
  return panelOf(2000, rows);
}

/** The true overall ATT as the estimator defines it: post cells in the window, cohort-size weights (equal here). */
function trueOverall(window: number): number {
  const effects = [2003, 2005, 2007].flatMap((g) =>
    Array.from({ length: window + 1 }, (_, e) => g + e)
      .filter((t) => t <= 2009)
      .map((t) => effect(g, t)),
  );
  return effects.reduce((s, v) => s + v, 0) / effects.length;
}

/** Two-way fixed effects on a balanced panel: the coefficient of D after two-way demeaning. */
function twfe(panel: CsPanel): number {
  const n = panel.values.length;
  const t = panel.values[0].length;
  const d: number[][] = panel.cohort.map((g) =>
    Array.from({ length: t }, (_, k) => (panel.firstYear + k >= g ? 1 : 0)),
  );
  const rowMean = d.map((r) => r.reduce((s, v) => s + v, 0) / t);
  const colMean = Array.from({ length: t }, (_, k) => d.reduce((s, r) => s + r[k], 0) / n);
  const all = rowMean.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < t; k++) {
      const dd = d[i][k] - rowMean[i] - colMean[k] + all;
      num += dd * panel.values[i][k];
      den += dd * dd;
    }
  }
  return num / den;
}

describe('Callaway & Sant’Anna on a simulated panel with heterogeneous dynamic effects', () => {
  it('recovers the true effects where two-way fixed effects is biased', () => {
    const panel = simulate(mulberry32(2026), 200);
    const window = 9;
    const result = callawaySantanna(panel, {
      control: 'NEVER_TREATED',
      window,
      bootstrap: 199,
      permutations: 49,
      seed: 3,
    });
    const truth = trueOverall(window);
    expect(Math.abs((result.overall?.estimate as number) - truth)).toBeLessThan(0.1);
    // Each cell near its true effect, pre cells near zero.
    for (const c of result.cells) expect(Math.abs(c.estimate - effect(c.cohort, c.year))).toBeLessThan(0.5);
    for (const e of result.eventStudy.filter((p) => p.key >= 0)) {
      const want = [2003, 2005, 2007].filter((g) => g + e.key <= 2009).map((g) => effect(g, g + e.key));
      expect(Math.abs(e.estimate - want.reduce((s, v) => s + v, 0) / want.length)).toBeLessThan(0.3);
    }
    // TWFE is far off (biased downwards by the growing effects of early adopters used as controls).
    expect(Math.abs(twfe(panel) - truth)).toBeGreaterThan(1);
    expect(result.preTrend?.pValue).toBeGreaterThan(0.001);
    expect(result.overall?.randomizationPValue).toBeCloseTo(1 / 50, 12);
  });

  it('covers the true overall effect at about the stated 95% over 50 seeds', () => {
    const truth = trueOverall(3);
    let covered = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const panel = simulate(mulberry32(1000 + seed), 15);
      const o = callawaySantanna(panel, {
        control: 'NEVER_TREATED',
        window: 3,
        bootstrap: 199,
        permutations: 1,
        seed,
      }).overall;
      if ((o?.lower as number) <= truth && truth <= (o?.upper as number)) covered++;
    }
    // Binomial(50, 0.95) is at least 43 with probability ~0.99; a looser band allows a slightly
    // anti-conservative bootstrap with 15 cities per cohort.
    expect(covered).toBeGreaterThanOrEqual(41);
    expect(covered).toBeLessThanOrEqual(50);
  });
});
