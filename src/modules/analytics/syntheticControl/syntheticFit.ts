import { crossProducts, gramMatrix, simplexWeights } from './simplexWeights';

/**
 * A balanced panel: the treated city's values and each donor's over the same years, the first
 * `preYears` of them before the adoption year, the rest from it on.
 */
export interface Panel {
  years: readonly number[];
  preYears: number;
  treated: readonly number[];
  /** donors[j][t]: donor j's value in years[t]. */
  donors: readonly (readonly number[])[];
}

export interface UnitFit {
  weights: number[];
  /** The weighted donors, year by year. */
  synthetic: number[];
  preRmspe: number;
  /** Null without post years. */
  postRmspe: number | null;
  /**
   * postRmspe / preRmspe: +Infinity when the pre-period fit is exact (preRmspe at most 1e-9 of
   * the unit's own pre-period root mean square: rounding, not misfit), null without post years.
   */
  ratio: number | null;
}

export interface SyntheticFit extends UnitFit {
  /** Each donor's ratio as a placebo (refitted on the other donors), in donor order; empty with one donor. */
  placeboRatios: (number | null)[];
  /**
   * (1 + number of placebos whose ratio >= the treated's) / (donors + 1); null without post
   * years or with a single donor (no placebo can be fitted).
   */
  placeboPValue: number | null;
  /** Placebos whose ratio is at least the treated's (0 when there is no p-value). */
  placebosAtLeast: number;
}

/** Below this share of a unit's pre-period root mean square, a pre-period RMSPE is rounding. */
const EXACT_FIT = 1e-9;

const rms = (values: readonly number[]) =>
  values.length === 0 ? 0 : Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);

function unitFit(
  target: readonly number[],
  donors: readonly (readonly number[])[],
  preYears: number,
  gram: number[][],
): UnitFit {
  const pre = (series: readonly number[]) => series.slice(0, preYears);
  const weights = simplexWeights(gram, crossProducts(donors.map(pre), pre(target)));
  const synthetic = target.map((_, t) => donors.reduce((sum, donor, j) => sum + weights[j] * donor[t], 0));
  const gaps = target.map((value, t) => value - synthetic[t]);
  const preRmspe = rms(gaps.slice(0, preYears));
  const postRmspe = gaps.length > preYears ? rms(gaps.slice(preYears)) : null;
  let ratio: number | null = null;
  if (postRmspe !== null) {
    ratio = preRmspe <= EXACT_FIT * rms(pre(target)) ? Number.POSITIVE_INFINITY : postRmspe / preRmspe;
  }
  return { weights, synthetic, preRmspe, postRmspe, ratio };
}

/** The rows and columns of a square matrix but one. */
function without(matrix: readonly (readonly number[])[], skip: number): number[][] {
  return matrix.filter((_, i) => i !== skip).map((row) => row.filter((_, j) => j !== skip));
}

/**
 * The synthetic control of the treated city (Abadie, Diamond and Hainmueller 2010, outcomes as
 * the only predictors, V the identity) and the placebo in space: each donor in turn treated as
 * if it had adopted in the same year, fitted on the other donors (never the treated city), its
 * post/pre RMSPE ratio ranked against the treated's. The donors' pre-period Gram matrix is
 * computed once; a placebo's is the same matrix without the donor's row and column.
 */
export function fitSynthetic(panel: Panel): SyntheticFit {
  if (panel.preYears < 1) throw new Error('fitSynthetic: no pre-period year');
  if (panel.donors.length < 1) throw new Error('fitSynthetic: no donor');
  const gram = gramMatrix(panel.donors.map((donor) => donor.slice(0, panel.preYears)));
  const treated = unitFit(panel.treated, panel.donors, panel.preYears, gram);
  const placeboRatios =
    panel.donors.length < 2
      ? []
      : panel.donors.map(
          (donor, j) =>
            unitFit(
              donor,
              panel.donors.filter((_, k) => k !== j),
              panel.preYears,
              without(gram, j),
            ).ratio,
        );
  let placeboPValue: number | null = null;
  let placebosAtLeast = 0;
  if (treated.ratio !== null && placeboRatios.length > 0) {
    placebosAtLeast = placeboRatios.filter((r) => r !== null && r >= (treated.ratio as number)).length;
    placeboPValue = (1 + placebosAtLeast) / (panel.donors.length + 1);
  }
  return { ...treated, placeboRatios, placeboPValue, placebosAtLeast };
}
