/**
 * The uncertainty of the Callaway & Sant'Anna estimates: a city-clustered multiplier bootstrap
 * (Mammen weights on the influence functions, as in the paper), a joint Wald pre-trend test with
 * the bootstrap covariance, and a randomization-inference p-value for the overall ATT. Pure
 * functions over plain arrays: no database, no Context.
 */
import { chiSquareSf, normalTwoSided } from './chiSquare';
import {
  type Aggregate,
  aggregations,
  type Cell,
  cells,
  type CsOptions,
  type CsPanel,
  influenceOf,
  overallOfPermutations,
} from './csEstimate';
import { mammen, mulberry32, type Random, shuffle } from './random';

export const Z95 = 1.959963984540054;

export interface Inferred {
  estimate: number;
  standardError: number | null;
  lower: number | null;
  upper: number | null;
  pValue: number | null;
}

export interface InferredAggregate extends Inferred {
  key: number;
}

export interface CsInput extends CsOptions {
  bootstrap: number;
  permutations: number;
  seed: number;
}

export interface CsResult {
  cells: Cell[];
  overall: (Inferred & { randomizationPValue: number | null; permutationsUsed: number }) | null;
  cohorts: InferredAggregate[];
  calendar: InferredAggregate[];
  eventStudy: InferredAggregate[];
  preTrend: { statistic: number; degreesOfFreedom: number; pValue: number } | null;
}

/**
 * B draws of sum_i xi_i * psi_target[i] per target, one Mammen weight per city per draw (shared
 * by every target, so the draws keep the correlation between estimates: the covariance of the
 * pre-trend test comes from them).
 */
export function multiplierBootstrap(psis: readonly Float64Array[], n: number, b: number, random: Random) {
  const draws = psis.map(() => new Float64Array(b));
  const xi = new Float64Array(n);
  for (let r = 0; r < b; r++) {
    for (let i = 0; i < n; i++) xi[i] = mammen(random);
    for (let k = 0; k < psis.length; k++) {
      const psi = psis[k];
      let sum = 0;
      for (let i = 0; i < n; i++) sum += xi[i] * psi[i];
      draws[k][r] = sum;
    }
  }
  return draws;
}

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

function covariance(x: Float64Array, y: Float64Array): number {
  const mx = mean(x);
  const my = mean(y);
  let s = 0;
  for (let r = 0; r < x.length; r++) s += (x[r] - mx) * (y[r] - my);
  return s / (x.length - 1);
}

/** Estimate, bootstrap standard error, normal 95% interval and two-sided p-value. */
export function infer(estimate: number, draws: Float64Array): Inferred {
  const se = draws.length > 1 ? Math.sqrt(covariance(draws, draws)) : 0;
  if (!(se > 0)) return { estimate, standardError: null, lower: null, upper: null, pValue: null };
  return {
    estimate,
    standardError: se,
    lower: estimate - Z95 * se,
    upper: estimate + Z95 * se,
    pValue: normalTwoSided(estimate / se),
  };
}

/**
 * theta' S^-1 theta over the largest set of estimates whose covariance S is well conditioned
 * (pivoted Cholesky: an estimate whose remaining variance is below 1e-10 of the largest is a
 * combination of the others and drops out), chi-square with that many degrees of freedom.
 */
export function waldTest(theta: readonly number[], cov: readonly number[][]) {
  const k = theta.length;
  const a = cov.map((row) => [...row]);
  const order = Array.from({ length: k }, (_, i) => i);
  const l: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const largest = Math.max(0, ...cov.map((row, i) => row[i]));
  let rank = 0;
  for (; rank < k; rank++) {
    let pivot = rank;
    for (let j = rank + 1; j < k; j++) if (a[order[j]][order[j]] > a[order[pivot]][order[pivot]]) pivot = j;
    if (!(a[order[pivot]][order[pivot]] > 1e-10 * largest)) break;
    [order[rank], order[pivot]] = [order[pivot], order[rank]];
    [l[rank], l[pivot]] = [l[pivot], l[rank]];
    const p = order[rank];
    const d = Math.sqrt(a[p][p]);
    l[rank][rank] = d;
    for (let j = rank + 1; j < k; j++) {
      const q = order[j];
      l[j][rank] = a[q][p] / d;
    }
    for (let j = rank + 1; j < k; j++) {
      for (let m = rank + 1; m <= j; m++) {
        a[order[j]][order[m]] -= l[j][rank] * l[m][rank];
        a[order[m]][order[j]] = a[order[j]][order[m]];
      }
    }
  }
  if (rank === 0) return null;
  // Solve L z = theta (pivoted); the statistic is |z|^2.
  const z: number[] = [];
  for (let i = 0; i < rank; i++) {
    let s = theta[order[i]];
    for (let j = 0; j < i; j++) s -= l[i][j] * z[j];
    z.push(s / l[i][i]);
  }
  const statistic = z.reduce((s, v) => s + v * v, 0);
  return { statistic, degreesOfFreedom: rank, pValue: chiSquareSf(statistic, rank) };
}

/**
 * Randomization inference: the overall ATT recomputed with the adoption years (and "never")
 * shuffled among the panel's cities, the multiset of years kept. p = (1 + #{|ATT*| >= |ATT|}) /
 * (1 + permutations that yield an estimate).
 */
export function randomizationPValue(panel: CsPanel, options: CsOptions, observed: number, p: number, random: Random) {
  const labels = [...panel.cohort];
  const overallOf = overallOfPermutations(panel, options);
  let atLeast = 0;
  let used = 0;
  const bar = Math.abs(observed) * (1 - 1e-12);
  for (let r = 0; r < p; r++) {
    shuffle(labels, random);
    const estimate = overallOf(labels);
    if (estimate === null) continue;
    used++;
    if (Math.abs(estimate) >= bar) atLeast++;
  }
  return { pValue: (1 + atLeast) / (1 + used), used };
}

/** Everything: the cells, their aggregations, the bootstrap, the pre-trend test, the permutations. */
export function callawaySantanna(panel: CsPanel, input: CsInput): CsResult {
  const n = panel.cohort.length;
  const all = cells(panel, panel.cohort, input);
  const agg = aggregations(all, panel.cohort);
  const targets: Aggregate[] = [
    ...(agg.overall ? [agg.overall] : []),
    ...agg.cohorts,
    ...agg.calendar,
    ...agg.eventStudy,
    ...agg.pre.map((index) => ({ key: index, cells: [{ index, weight: 1 }], estimate: all[index].estimate })),
  ];
  const random = mulberry32(input.seed);
  const draws = multiplierBootstrap(
    targets.map((t) => influenceOf(t, all, n)),
    n,
    input.bootstrap,
    random,
  );
  let k = 0;
  const next = (a: Aggregate): InferredAggregate => ({ key: a.key, ...infer(a.estimate, draws[k++]) });
  const overall = agg.overall ? next(agg.overall) : null;
  const cohorts = agg.cohorts.map(next);
  const calendar = agg.calendar.map(next);
  const eventStudy = agg.eventStudy.map(next);
  const preDraws = draws.slice(k);
  const preTrend =
    agg.pre.length > 0 && input.bootstrap > 1
      ? waldTest(
          agg.pre.map((index) => all[index].estimate),
          preDraws.map((x) => preDraws.map((y) => covariance(x, y))),
        )
      : null;
  let ri: { pValue: number | null; used: number } = { pValue: null, used: 0 };
  if (overall) ri = randomizationPValue(panel, input, overall.estimate, input.permutations, random);
  return {
    cells: all,
    overall: overall ? { ...overall, randomizationPValue: ri.pValue, permutationsUsed: ri.used } : null,
    cohorts,
    calendar,
    eventStudy,
    preTrend,
  };
}
