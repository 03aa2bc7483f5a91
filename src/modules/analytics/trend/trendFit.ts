import { tCritical95 } from './studentT';

export interface TrendPoint {
  year: number;
  value: number;
}

/** The fitted numbers of one series; what is undefined for so few points is null. */
export interface TrendFit {
  n: number;
  firstYear: number | null;
  lastYear: number | null;
  /** Ordinary least squares slope, per year; null below 2 points. */
  slope: number | null;
  /** Standard error of the OLS slope, sqrt(SSE / (n - 2) / Sxx); null below 3 points. */
  standardError: number | null;
  /** 95% confidence interval of the slope, slope ± t(0.975, n - 2) · standardError; null below 3 points. */
  ciLower: number | null;
  ciUpper: number | null;
  /** Theil-Sen slope: the median of the slopes between every pair of points; null below 2 points. */
  theilSen: number | null;
}

function median(sorted: readonly number[]): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Fits a trend to yearly points (one per year, as the rule of oneValuePerCityYear gives them).
 * Years are centred on their mean before squaring: Σ(x - x̄)² over years near 2000 keeps its
 * digits, where Σx² - n·x̄² would cancel most of them. SSE is summed from the residuals for the
 * same reason (Syy - Sxy²/Sxx loses everything on a near-perfect line).
 */
export function fitTrend(points: readonly TrendPoint[]): TrendFit {
  const n = points.length;
  const empty: TrendFit = {
    n,
    firstYear: n ? Math.min(...points.map((p) => p.year)) : null,
    lastYear: n ? Math.max(...points.map((p) => p.year)) : null,
    slope: null,
    standardError: null,
    ciLower: null,
    ciUpper: null,
    theilSen: null,
  };
  if (n < 2) return empty;

  const meanX = points.reduce((s, p) => s + p.year, 0) / n;
  const meanY = points.reduce((s, p) => s + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.year - meanX) ** 2;
    sxy += (p.year - meanX) * (p.value - meanY);
  }
  const slope = sxy / sxx;

  const pairwise: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      pairwise.push((points[j].value - points[i].value) / (points[j].year - points[i].year));
    }
  }
  pairwise.sort((a, b) => a - b);
  const fit = { ...empty, slope, theilSen: median(pairwise) };
  if (n < 3) return fit;

  let sse = 0;
  for (const p of points) sse += (p.value - meanY - slope * (p.year - meanX)) ** 2;
  const standardError = Math.sqrt(sse / (n - 2) / sxx);
  const margin = tCritical95(n - 2) * standardError;
  return { ...fit, standardError, ciLower: slope - margin, ciUpper: slope + margin };
}
