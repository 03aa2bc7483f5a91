import { studentTCdf, studentTQuantile, tCritical95 } from '../../src/modules/analytics/trend/studentT';

/** Γ(k / 2) for a positive integer k, exactly as the recurrence Γ(x + 1) = x Γ(x) from Γ(1) = 1, Γ(1/2) = √π. */
function gammaHalf(k: number): number {
  let value = k % 2 === 0 ? 1 : Math.sqrt(Math.PI);
  for (let x = k % 2 === 0 ? 1 : 0.5; x < k / 2; x += 1) value *= x;
  return value;
}

/** ∫_0^q of Student's t density by Simpson's rule: an independent route to P(0 < T < q). */
function integratedDensity(q: number, df: number): number {
  const c = gammaHalf(df + 1) / (Math.sqrt(df * Math.PI) * gammaHalf(df));
  const density = (t: number) => c * (1 + (t * t) / df) ** (-(df + 1) / 2);
  const steps = 20000;
  const h = q / steps;
  let sum = density(0) + density(q);
  for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * density(i * h);
  return (sum * h) / 3;
}

describe("Student's t quantile", () => {
  it('matches the closed forms of 1 and 2 degrees of freedom', () => {
    // df = 1 is the Cauchy distribution: t = tan(π (p - 1/2)).
    // df = 2: F(t) = 1/2 + t / (2 sqrt(2 + t²)), so with a = 2p - 1, t = a sqrt(2 / (1 - a²)).
    for (const p of [0.6, 0.9, 0.95, 0.975, 0.995, 0.9995]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
      const a = 2 * p - 1;
      expect(studentTQuantile(p, 2)).toBeCloseTo(a * Math.sqrt(2 / (1 - a * a)), 10);
    }
  });

  it('leaves 2.5% in the upper tail: the density integrated up to the quantile is 0.475', () => {
    for (const df of [3, 4, 5, 7, 10, 30]) {
      expect(integratedDensity(tCritical95(df), df)).toBeCloseTo(0.475, 9);
    }
  });

  it('agrees with the printed table of t(0.975, df) to its three decimals', () => {
    // Any statistics textbook's t table, two-sided 95% column.
    const table: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [3, 3.182],
      [4, 2.776],
      [5, 2.571],
      [6, 2.447],
      [8, 2.306],
      [10, 2.228],
      [20, 2.086],
      [30, 2.042],
      [60, 2.0],
      [120, 1.98],
    ];
    for (const [df, t] of table) expect(Math.abs(tCritical95(df) - t)).toBeLessThanOrEqual(0.0005);
  });

  it('is symmetric and inverts its CDF', () => {
    expect(studentTQuantile(0.025, 7)).toBe(-studentTQuantile(0.975, 7));
    expect(studentTQuantile(0.5, 7)).toBe(0);
    for (const df of [1, 3, 12, 200]) {
      for (const p of [0.55, 0.8, 0.99]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 12);
    }
  });

  it('refuses what is undefined', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.975, 0)).toThrow(RangeError);
  });
});
