import { fitTrend, type TrendPoint } from '../../src/modules/analytics/trend/trendFit';

const points = (pairs: [number, number][]): TrendPoint[] => pairs.map(([year, value]) => ({ year, value }));

/** OLS through the normal equations on raw years: [n Σx; Σx Σx²] [a; b] = [Σy; Σxy]. Independent of the centred code. */
function normalEquations(ps: TrendPoint[]): { slope: number; intercept: number } {
  const n = ps.length;
  const sx = ps.reduce((s, p) => s + p.year, 0);
  const sxx = ps.reduce((s, p) => s + p.year * p.year, 0);
  const sy = ps.reduce((s, p) => s + p.value, 0);
  const sxy = ps.reduce((s, p) => s + p.year * p.value, 0);
  const det = n * sxx - sx * sx;
  return { slope: (n * sxy - sx * sy) / det, intercept: (sxx * sy - sx * sxy) / det };
}

/** Every pairwise slope, sorted, and the middle one(s). */
function bruteForceTheilSen(ps: TrendPoint[]): number {
  const slopes: number[] = [];
  ps.forEach((p, i) => ps.slice(i + 1).forEach((q) => slopes.push((q.value - p.value) / (q.year - p.year))));
  slopes.sort((a, b) => a - b);
  const m = slopes.length;
  return m % 2 ? slopes[(m - 1) / 2] : (slopes[m / 2 - 1] + slopes[m / 2]) / 2;
}

describe('fitTrend', () => {
  /*
   * Hand-checked: 2010..2015 = 10, 12, 11, 15, 14, 18.
   *   x̄ = 2012.5, deviations -2.5 -1.5 -0.5 0.5 1.5 2.5, Sxx = 2 (6.25 + 2.25 + 0.25) = 17.5
   *   ȳ = 80 / 6 = 40/3; Sxy = Σ dx·y = -25 - 18 - 5.5 + 7.5 + 21 + 45 = 25; slope = 25 / 17.5 = 10/7
   *   fitted ŷ = 40/3 + (10/7) dx = 205/21, 235/21, 265/21, 295/21, 325/21, 355/21
   *   residuals y - ŷ = (210 - 205, 252 - 235, 231 - 265, 315 - 295, 294 - 325, 378 - 355) / 21
   *                   = 5, 17, -34, 20, -31, 23 (/21; sum 0)
   *   SSE = (25 + 289 + 1156 + 400 + 961 + 529) / 441 = 3360 / 441 = 160/21
   *   s²/Sxx = (160/21) / (6 - 2) / 17.5 = 16/147; SE = 4 / (7 √3) = 0.329914439536929
   *   t(0.975, 4) = 2.776445105 (table 2.776); CI = 10/7 ± 0.915992 = [0.512582, 2.344561]
   *   Pairwise slopes (15): -1 -1 1/2 2/3 1 3/2 3/2 [3/2] 3/2 8/5 5/3 2 7/3 4 4: median 3/2.
   */
  const handChecked = points([
    [2010, 10],
    [2011, 12],
    [2012, 11],
    [2013, 15],
    [2014, 14],
    [2015, 18],
  ]);

  it('gives the hand-checked slope, standard error, interval and Theil-Sen slope', () => {
    const fit = fitTrend(handChecked);
    expect(fit.n).toBe(6);
    expect([fit.firstYear, fit.lastYear]).toEqual([2010, 2015]);
    expect(fit.slope).toBeCloseTo(10 / 7, 12);
    expect(fit.standardError).toBeCloseTo(4 / (7 * Math.sqrt(3)), 12);
    expect(fit.ciLower).toBeCloseTo(0.512582, 6);
    expect(fit.ciUpper).toBeCloseTo(2.344561, 6);
    expect(fit.theilSen).toBe(1.5);
  });

  it('agrees with the normal equations and brute-force Theil-Sen on irregular series', () => {
    const series = [
      handChecked,
      points([
        [1990, 3.5],
        [1994, -1],
        [1995, 7.25],
        [2003, 0.5],
        [2020, 12],
        [2021, 11.9],
        [2024, 30],
      ]),
      points([
        [2000, 100],
        [2001, 90],
        [2002, 85],
        [2005, 60],
      ]),
    ];
    for (const ps of series) {
      const fit = fitTrend(ps);
      const ols = normalEquations(ps);
      expect(fit.slope).toBeCloseTo(ols.slope, 9);
      expect(fit.theilSen).toBeCloseTo(bruteForceTheilSen(ps), 12);
      // SE from the residuals of the normal-equation line.
      const n = ps.length;
      const meanX = ps.reduce((s, p) => s + p.year, 0) / n;
      const sse = ps.reduce((s, p) => s + (p.value - ols.intercept - ols.slope * p.year) ** 2, 0);
      const sxx = ps.reduce((s, p) => s + (p.year - meanX) ** 2, 0);
      expect(fit.standardError).toBeCloseTo(Math.sqrt(sse / (n - 2) / sxx), 6);
    }
  });

  it('leaves undefined what so few points cannot give', () => {
    expect(fitTrend([])).toEqual({
      n: 0,
      firstYear: null,
      lastYear: null,
      slope: null,
      standardError: null,
      ciLower: null,
      ciUpper: null,
      theilSen: null,
    });
    expect(fitTrend(points([[2015, 4]]))).toMatchObject({ n: 1, firstYear: 2015, lastYear: 2015, slope: null });
    // Two points: the line through them, exactly; no residual left to estimate an error from.
    expect(
      fitTrend(
        points([
          [2010, 1],
          [2014, 3],
        ]),
      ),
    ).toMatchObject({
      n: 2,
      slope: 0.5,
      theilSen: 0.5,
      standardError: null,
      ciLower: null,
    });
  });

  it('gives a zero-width interval on an exact line', () => {
    const fit = fitTrend(
      points([
        [2001, 1],
        [2002, 3],
        [2003, 5],
        [2004, 7],
      ]),
    );
    expect([fit.slope, fit.standardError, fit.ciLower, fit.ciUpper, fit.theilSen]).toEqual([2, 0, 2, 2, 2]);
  });
});
