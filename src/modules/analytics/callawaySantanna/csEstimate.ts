/**
 * Callaway & Sant'Anna (2021) group-time average treatment effects and their aggregations, as
 * pure functions over plain arrays (no database, no Context), so they can move to a worker.
 * Definitions in docs/analytics/callawaySantanna.md.
 */
export type ControlGroup = 'NEVER_TREATED' | 'NOT_YET_TREATED';

export interface CsPanel {
  firstYear: number;
  lastYear: number;
  /** Per city, its values indexed by year - firstYear; NaN where it has none. */
  values: Float64Array[];
  /** Per city, its adoption year, or Infinity for a city that never adopted. */
  cohort: number[];
}

export interface CsOptions {
  control: ControlGroup;
  /** Relative years -window..window (t - g) are estimated. */
  window: number;
}

export interface Cell {
  cohort: number;
  year: number;
  /** The year t is compared with: t - 1 before adoption (t < g), g - 1 from it on. */
  base: number;
  relativeYear: number;
  estimate: number;
  nTreated: number;
  nControls: number;
  /** The influence of each city on the estimate (sparse: city indices and values). */
  cities: Int32Array;
  influence: Float64Array;
}

/** The adoption years of the panel's adopters, ascending. */
export function cohortsOf(cohort: readonly number[]): number[] {
  return [...new Set(cohort.filter((g) => Number.isFinite(g)))].sort((a, b) => a - b);
}

/** Whether a city of adoption year `label` is a control of cohort g in year t. */
function isControl(label: number, g: number, t: number, control: ControlGroup): boolean {
  if (label === Number.POSITIVE_INFINITY) return true;
  return control === 'NOT_YET_TREATED' && label > t && label !== g;
}

/**
 * ATT(g, t) = mean over cohort g of (Y_t - Y_base) - the same mean over its controls, each city
 * counted only with a value in both years. Null without a treated city or a control.
 * `labels` is the cohort of each city (the panel's, or a permutation of it).
 */
export function cell(
  panel: CsPanel,
  labels: readonly number[],
  g: number,
  t: number,
  options: CsOptions,
  withInfluence: boolean,
): Cell | null {
  const base = t < g ? t - 1 : g - 1;
  if (base < panel.firstYear || t > panel.lastYear) return null;
  const ti = t - panel.firstYear;
  const bi = base - panel.firstYear;
  let sumT = 0;
  let sumC = 0;
  let nT = 0;
  let nC = 0;
  const treated: number[] = [];
  const controls: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    const treatedCity = label === g;
    if (!treatedCity && !isControl(label, g, t, options.control)) continue;
    const change = panel.values[i][ti] - panel.values[i][bi];
    if (Number.isNaN(change)) continue;
    if (treatedCity) {
      sumT += change;
      nT++;
      if (withInfluence) treated.push(i);
    } else {
      sumC += change;
      nC++;
      if (withInfluence) controls.push(i);
    }
  }
  if (nT === 0 || nC === 0) return null;
  const meanT = sumT / nT;
  const meanC = sumC / nC;
  const cities = new Int32Array(withInfluence ? nT + nC : 0);
  const influence = new Float64Array(cities.length);
  if (withInfluence) {
    // The estimate is a difference of two means: each city's influence is its deviation from
    // its group's mean over the group's size (minus for controls).
    let k = 0;
    for (const i of treated) {
      cities[k] = i;
      influence[k++] = (panel.values[i][ti] - panel.values[i][bi] - meanT) / nT;
    }
    for (const i of controls) {
      cities[k] = i;
      influence[k++] = -(panel.values[i][ti] - panel.values[i][bi] - meanC) / nC;
    }
  }
  return {
    cohort: g,
    year: t,
    base,
    relativeYear: t - g,
    estimate: meanT - meanC,
    nTreated: nT,
    nControls: nC,
    cities,
    influence,
  };
}

/** Every estimable ATT(g, t) with t - g in -window..window, by cohort then year. */
export function cells(panel: CsPanel, labels: readonly number[], options: CsOptions, withInfluence = true): Cell[] {
  const out: Cell[] = [];
  for (const g of cohortsOf(labels)) {
    for (let e = -options.window; e <= options.window; e++) {
      const c = cell(panel, labels, g, g + e, options, withInfluence);
      if (c) out.push(c);
    }
  }
  return out;
}

/** Cohort sizes: the number of cities of the panel with each adoption year. */
export function cohortSizes(labels: readonly number[]): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const g of labels) if (Number.isFinite(g)) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  return sizes;
}

/** A weighted mean of cells: the weights as given, normalised to sum 1. */
export interface Aggregate {
  key: number;
  cells: { index: number; weight: number }[];
  estimate: number;
}

function aggregate(key: number, chosen: { index: number; weight: number }[], all: readonly Cell[]): Aggregate {
  const total = chosen.reduce((sum, c) => sum + c.weight, 0);
  const normalised = chosen.map((c) => ({ index: c.index, weight: c.weight / total }));
  return { key, cells: normalised, estimate: normalised.reduce((s, c) => s + c.weight * all[c.index].estimate, 0) };
}

function groupBy(
  all: readonly Cell[],
  keep: (c: Cell) => boolean,
  keyOf: (c: Cell) => number,
  weightOf: (c: Cell) => number,
): Aggregate[] {
  const groups = new Map<number, { index: number; weight: number }[]>();
  all.forEach((c, index) => {
    if (!keep(c)) return;
    const key = keyOf(c);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)?.push({ index, weight: weightOf(c) });
  });
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([key, chosen]) => aggregate(key, chosen, all));
}

export interface Aggregations {
  /** Post-adoption cells weighted by cohort size (the paper's "simple" aggregation); null without one. */
  overall: Aggregate | null;
  /** Per cohort, the mean of its post-adoption cells. */
  cohorts: Aggregate[];
  /** Per calendar year, its post-adoption cells weighted by cohort size. */
  calendar: Aggregate[];
  /** Per relative year t - g (pre and post), its cells weighted by cohort size. */
  eventStudy: Aggregate[];
  /** The pre-adoption cells (t < g), each on its own: the pre-trend test's vector. */
  pre: number[];
}

export function aggregations(all: readonly Cell[], labels: readonly number[]): Aggregations {
  const sizes = cohortSizes(labels);
  const size = (c: Cell) => sizes.get(c.cohort) ?? 0;
  const post = (c: Cell) => c.relativeYear >= 0;
  const [overall] = groupBy(all, post, () => 0, size);
  return {
    overall: overall ?? null,
    cohorts: groupBy(
      all,
      post,
      (c) => c.cohort,
      () => 1,
    ),
    calendar: groupBy(all, post, (c) => c.year, size),
    eventStudy: groupBy(
      all,
      () => true,
      (c) => c.relativeYear,
      size,
    ),
    pre: all.flatMap((c, index) => (c.relativeYear < 0 ? [index] : [])),
  };
}

/**
 * The overall ATT alone, for permutations of the adoption years; null without a post cell.
 *
 * A permutation keeps the multiset of adoption years, so the post cells (g, t) and the cohort
 * sizes are the same for every one: only which cities carry which year changes. Each cell's
 * change Y_t - Y_base is computed once per city, with its sum and count over all cities; a
 * permutation then walks only the cities it labels as adopters (a few hundred of thousands), for
 * the treated sums and for the cities the cell excludes from its controls:
 * controls = all - excluded, where an adopter is excluded from cell (g, t) under NEVER_TREATED
 * always, under NOT_YET_TREATED when it adopted by t or is of cohort g (isControl). Same
 * definition as cell(); sums in another order, so equal to about 1e-15 relative.
 */
export function overallOfPermutations(
  panel: CsPanel,
  options: CsOptions,
): (labels: readonly number[]) => number | null {
  const n = panel.cohort.length;
  const sizes = cohortSizes(panel.cohort);
  const post: { g: number; t: number; change: Float64Array; sum: number; count: number }[] = [];
  for (const g of cohortsOf(panel.cohort)) {
    for (let e = 0; e <= options.window; e++) {
      const t = g + e;
      const base = g - 1;
      if (base < panel.firstYear || t > panel.lastYear) continue;
      const ti = t - panel.firstYear;
      const bi = base - panel.firstYear;
      const change = new Float64Array(n);
      let sum = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        const d = panel.values[i][ti] - panel.values[i][bi];
        change[i] = d;
        if (Number.isNaN(d)) continue;
        sum += d;
        count++;
      }
      post.push({ g, t, change, sum, count });
    }
  }
  const cellsOf = new Map<number, number[]>();
  post.forEach((c, k) => cellsOf.set(c.g, [...(cellsOf.get(c.g) ?? []), k]));
  const treatedSum = new Float64Array(post.length);
  const treatedCount = new Int32Array(post.length);
  const excludedSum = new Float64Array(post.length);
  const excludedCount = new Int32Array(post.length);
  const notYet = options.control === 'NOT_YET_TREATED';
  return (labels) => {
    treatedSum.fill(0);
    treatedCount.fill(0);
    excludedSum.fill(0);
    excludedCount.fill(0);
    for (let i = 0; i < n; i++) {
      const label = labels[i];
      if (label === Number.POSITIVE_INFINITY) continue;
      for (let k = 0; k < post.length; k++) {
        const c = post[k];
        const d = c.change[i];
        if (Number.isNaN(d)) continue;
        if (label === c.g) {
          treatedSum[k] += d;
          treatedCount[k]++;
        }
        if (!notYet || label <= c.t || label === c.g) {
          excludedSum[k] += d;
          excludedCount[k]++;
        }
      }
    }
    // Cohorts in the order cohortSizes(labels) meets them, as cell() by cell() would add them.
    let weighted = 0;
    let total = 0;
    for (const g of cohortSizes(labels).keys()) {
      for (const k of cellsOf.get(g) ?? []) {
        const nT = treatedCount[k];
        const nC = post[k].count - excludedCount[k];
        if (nT === 0 || nC === 0) continue;
        const w = sizes.get(g) as number;
        weighted += w * (treatedSum[k] / nT - (post[k].sum - excludedSum[k]) / nC);
        total += w;
      }
    }
    return total > 0 ? weighted / total : null;
  };
}

/** The dense influence vector of a weighted mean of cells (weights held fixed). */
export function influenceOf(agg: { cells: { index: number; weight: number }[] }, all: readonly Cell[], n: number) {
  const psi = new Float64Array(n);
  for (const { index, weight } of agg.cells) {
    const c = all[index];
    for (let k = 0; k < c.cities.length; k++) psi[c.cities[k]] += weight * c.influence[k];
  }
  return psi;
}
