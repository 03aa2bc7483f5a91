import { crossProducts, gramMatrix, simplexWeights } from '../../src/modules/analytics/syntheticControl/simplexWeights';
import { fitSynthetic } from '../../src/modules/analytics/syntheticControl/syntheticFit';

/** A reproducible stream of numbers in [0, 1) (Park and Miller's minimal standard generator). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

const weightsFor = (columns: number[][], target: number[]) =>
  simplexWeights(gramMatrix(columns), crossProducts(columns, target));

/**
 * The optimality conditions of min ||y - Xw||^2 over the simplex, checked from first principles:
 * with g = X'(Xw - y), every donor with a positive weight has the same g_i (the multiplier of
 * sum w = 1), and no donor left at zero has a smaller one (moving weight to it would lower the
 * loss).
 */
function expectOptimal(columns: number[][], target: number[], w: number[], tolerance: number) {
  expect(w.every((v) => v >= 0)).toBe(true);
  expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  const fitted = target.map((_, t) => columns.reduce((s, c, j) => s + w[j] * c[t], 0));
  const g = columns.map((c) => c.reduce((s, v, t) => s + v * (fitted[t] - target[t]), 0));
  const active = g.filter((_, i) => w[i] > 1e-9);
  const level = Math.min(...active);
  const scale = Math.max(1, ...g.map(Math.abs));
  for (const value of active) expect(Math.abs(value - level) / scale).toBeLessThan(tolerance);
  g.forEach((value, i) => {
    if (w[i] <= 1e-9) expect((value - level) / scale).toBeGreaterThan(-tolerance);
  });
}

describe('simplexWeights', () => {
  it('recovers an exact mix of two donors, the far ones at zero', () => {
    const a = [10, 11, 9, 12, 13];
    const b = [20, 22, 21, 19, 25];
    const far = [100, 101, 102, 103, 104];
    const target = a.map((v, t) => 0.3 * v + 0.7 * b[t]);
    const w = weightsFor([a, b, far], target);
    expect(w[0]).toBeCloseTo(0.3, 12);
    expect(w[1]).toBeCloseTo(0.7, 12);
    expect(w[2]).toBe(0);
  });

  it('puts all the weight on the nearest donor when the target is outside the hull', () => {
    expect(
      weightsFor(
        [
          [1, 1],
          [5, 5],
          [9, 9],
        ],
        [20, 20],
      ),
    ).toEqual([0, 0, 1]);
    expect(weightsFor([[3, 4]], [100, 200])).toEqual([1]);
  });

  it('splits evenly between identical donors (the weights of smallest norm)', () => {
    const w = weightsFor(
      [
        [1, 2, 3],
        [1, 2, 3],
        [10, 10, 10],
      ],
      [1, 2, 3],
    );
    expect(w[0]).toBeCloseTo(0.5, 9);
    expect(w[1]).toBeCloseTo(0.5, 9);
    expect(w[2]).toBe(0);
  });

  it.each([
    [8, 12, 1],
    [20, 5, 2],
    [50, 12, 3],
  ])('meets the optimality conditions with %i donors and %i years', (donors, years, seed) => {
    const next = random(seed);
    const columns = Array.from({ length: donors }, () => Array.from({ length: years }, () => 10 + 90 * next()));
    const target = Array.from({ length: years }, () => 30 + 40 * next());
    expectOptimal(columns, target, weightsFor(columns, target), 1e-7);
  });
});

describe('fitSynthetic', () => {
  it('ranks the placebos: p = (1 + placebos at least as extreme) / (donors + 1)', () => {
    // The two-donor pool of test/integration/syntheticControl.test.ts, hand-computed there.
    const fit = fitSynthetic({
      years: [2006, 2007, 2008, 2009, 2010, 2011],
      preYears: 4,
      treated: [16, 15.5, 14.5, 14, 16, 18],
      donors: [
        [10, 11, 9, 10, 10, 14],
        [20, 20, 20, 20, 20, 20],
      ],
    });
    expect(fit.ratio).toBeCloseTo(Math.SQRT2, 12);
    expect(fit.placeboRatios).toEqual([
      expect.closeTo(Math.sqrt(68 / 100.5), 12),
      expect.closeTo(Math.sqrt(68 / 100.5), 12),
    ]);
    expect([fit.placebosAtLeast, fit.placeboPValue]).toEqual([0, 1 / 3]);
  });

  it('has no ratio or p-value without post years, and no placebo with one donor', () => {
    const noPost = fitSynthetic({
      years: [2000, 2001],
      preYears: 2,
      treated: [1, 2],
      donors: [
        [1, 2],
        [3, 3],
      ],
    });
    expect([noPost.postRmspe, noPost.ratio, noPost.placeboPValue]).toEqual([null, null, null]);
    const one = fitSynthetic({ years: [2000, 2001], preYears: 1, treated: [1, 2], donors: [[2, 2]] });
    expect([one.weights, one.placeboRatios, one.placeboPValue]).toEqual([[1], [], null]);
    expect([one.preRmspe, one.postRmspe, one.ratio]).toEqual([1, 0, 0]);
  });

  it('counts an exact pre-period fit as an infinite ratio', () => {
    const fit = fitSynthetic({
      years: [2000, 2001, 2002],
      preYears: 2,
      treated: [2, 3, 10],
      donors: [
        [1, 2, 3],
        [3, 4, 5],
        [0, 9, 1],
      ],
    });
    expect(fit.ratio).toBe(Number.POSITIVE_INFINITY);
    expect(fit.weights[0]).toBeCloseTo(0.5, 9);
  });
});
