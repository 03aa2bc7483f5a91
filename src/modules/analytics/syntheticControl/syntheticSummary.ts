/** What the summary paragraph is written from: the answer's numbers, nothing else. */
export interface SummaryInput {
  cityName: string;
  indicator: string;
  unit: string;
  instrument: string;
  adoptionYear: number;
  preYears: readonly number[];
  postYears: readonly number[];
  /** Donors with a weight above zero, by weight descending. */
  weights: readonly { name: string; weight: number }[];
  donors: number;
  /** Mean of the post-period gaps; null without post years. */
  meanPostGap: number | null;
  preRmspe: number;
  postRmspe: number | null;
  /** +Infinity for an exact pre-period fit; null without post years. */
  ratio: number | null;
  placeboPValue: number | null;
  /** Placebos whose ratio is at least the treated city's. */
  placebosAtLeast: number;
  fewPreYears: boolean;
  poorFit: boolean;
  /** The treated city's pre-period standard deviation (the yardstick of poorFit). */
  preSd: number;
  nonUnique: boolean;
}

/** Weights listed by name before "and k more". */
const LISTED = 5;

/** Three significant digits, as a journalist would quote them; rounding noise around 0 reads 0. */
export function quote(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) < 5e-4) return '0';
  return String(Number(x.toPrecision(3)));
}

function percent(weight: number): string {
  const rounded = Math.round(weight * 100);
  return rounded === 0 ? '<1%' : `${rounded}%`;
}

function span(years: readonly number[]): string {
  if (years.length === 0) return 'no year';
  const first = years[0];
  const last = years[years.length - 1];
  return first === last ? String(first) : `${first}–${last}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The one-paragraph summary of a synthetic control, in a fixed form with the numbers filled in:
 * what was compared with what, the pre-period fit, the gap after adoption, the placebo
 * p-value with its floor, then the caveats that apply.
 */
export function syntheticSummary(s: SummaryInput): string {
  const city = s.cityName;
  const unit = s.unit ? ` ${s.unit}` : '';
  const listed = s.weights
    .slice(0, LISTED)
    .map((w) => `${w.name} ${percent(w.weight)}`)
    .join(', ');
  const more = s.weights.length > LISTED ? ` and ${s.weights.length - LISTED} more` : '';
  const sentences = [
    `${city}'s ${s.indicator} is compared with a synthetic ${city}: a weighted mix of ${plural(s.weights.length, 'city', 'cities')} (${listed}${more}) chosen from ${plural(s.donors, 'city', 'cities')} without a commitment to ${s.instrument} to match ${city} in the ${plural(s.preYears.length, 'year', 'years')} before it adopted ${s.instrument} in ${s.adoptionYear} (${span(s.preYears)}).`,
    `Before adoption the synthetic city misses the real one by ${quote(s.preRmspe)}${unit} (root mean squared gap).`,
  ];
  if (s.meanPostGap === null || s.postRmspe === null) {
    sentences.push(`There is no value from ${s.adoptionYear} on, so no effect can be measured yet.`);
  } else {
    const direction = s.meanPostGap >= 0 ? 'above' : 'below';
    const ratio =
      s.ratio === Number.POSITIVE_INFINITY
        ? 'the fit before adoption is exact, so their ratio is infinite'
        : `${quote(s.ratio as number)} times the gap before`;
    sentences.push(
      `In ${span(s.postYears)} ${city} was on average ${quote(Math.abs(s.meanPostGap))}${unit} ${direction} its synthetic control (root mean squared gap ${quote(s.postRmspe)}${unit}; ${ratio}).`,
    );
    if (s.placeboPValue !== null) {
      sentences.push(
        `Refitting each donor city as if it had adopted, ${s.placebosAtLeast} of ${s.donors} show a ratio at least as large, so the placebo p-value is ${quote(s.placeboPValue)} (with ${plural(s.donors, 'donor', 'donors')} it cannot be below ${quote(1 / (s.donors + 1))}).`,
      );
    }
  }
  const caveats: string[] = [];
  if (s.fewPreYears) {
    caveats.push(
      `only ${s.preYears.length === 1 ? '1 year before adoption was' : `${s.preYears.length} years before adoption were`} fitted, and a close fit over so few years can be chance`,
    );
  }
  if (s.poorFit) {
    caveats.push(
      `the synthetic city does not follow the real one before adoption (its gap is more than a tenth of ${city}'s own variation, standard deviation ${quote(s.preSd)}${unit}), so the gap after adoption is not credible as an effect`,
    );
  }
  if (s.nonUnique) {
    caveats.push(`with more donor cities than years fitted, other weights may fit as well`);
  }
  if (s.donors === 1) caveats.push('with a single donor city there is no placebo test');
  else if (s.placeboPValue !== null && 1 / (s.donors + 1) > 0.05) {
    caveats.push(`with ${s.donors} donors the p-value can never reach 0.05`);
  }
  caveats.push(`a gap is a difference, not proof that the ${s.instrument} commitment caused it`);
  sentences.push(`Caveats: ${caveats.join('; ')}.`);
  return sentences.join(' ');
}
