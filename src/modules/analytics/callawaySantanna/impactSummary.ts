import { quote } from '../syntheticControl/syntheticSummary';

/** A p-value as it is printed: below 0.001 it reads "p < 0.001", never "p = 0". */
export function pText(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${quote(p)}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Caveats owed to the statuses of the values used. */
export interface StatusCounts {
  estimated: number;
  converted: number;
}

function statusCaveats(s: StatusCounts): string[] {
  const caveats: string[] = [];
  if (s.estimated > 0) caveats.push(`${plural(s.estimated, 'value is', 'values are')} estimated or provisional`);
  if (s.converted > 0) {
    caveats.push(`${plural(s.converted, 'value was', 'values were')} converted from another unit or definition`);
  }
  return caveats;
}

/** What the naive paragraph is written from. */
export interface NaiveSummaryInput extends StatusCounts {
  instrument: string;
  indicator: string;
  unit: string;
  window: number;
  nAdopters: number;
  nControls: number;
  differenceInDifferences: number | null;
  meanChangeAdopters: number | null;
  meanChangeControls: number | null;
}

/** The one-paragraph reading of the naive before/after comparison, with its caveats. */
export function naiveSummary(s: NaiveSummaryInput): string {
  const unit = s.unit ? ` ${s.unit}` : '';
  if (s.differenceInDifferences === null || s.meanChangeAdopters === null || s.meanChangeControls === null) {
    return `No city that adopted ${s.instrument} has ${s.indicator} values on both sides of its adoption year (within ${plural(s.window, 'year', 'years')}) and controls to compare with, so there is no estimate.`;
  }
  const direction = s.differenceInDifferences >= 0 ? 'more' : 'less';
  const caveats = [
    'this naive comparison has no standard error or interval, so it cannot say whether the difference is distinguishable from noise (ask for estimator CALLAWAY_SANTANNA)',
    'it does not test whether adopters and controls moved in parallel before adoption',
  ];
  if (s.nAdopters < 5) caveats.push(`only ${plural(s.nAdopters, 'city', 'cities')} adopted`);
  caveats.push(...statusCaveats(s));
  caveats.push(`a difference is not proof that the ${s.instrument} commitment caused it`);
  return [
    `Comparing ${s.indicator} in the ${plural(s.window, 'year', 'years')} before and after adoption, the ${plural(s.nAdopters, 'city', 'cities')} that adopted ${s.instrument} changed by ${quote(s.meanChangeAdopters)}${unit} on average and the ${plural(s.nControls, 'city', 'cities')} that had not adopted by then by ${quote(s.meanChangeControls)}${unit}: adopters changed ${quote(Math.abs(s.differenceInDifferences))}${unit} ${direction} than non-adopters.`,
    `Caveats: ${caveats.join('; ')}.`,
  ].join(' ');
}

/** What the Callaway & Sant'Anna paragraph is written from. */
export interface CsSummaryInput extends StatusCounts {
  instrument: string;
  indicator: string;
  unit: string;
  control: 'NEVER_TREATED' | 'NOT_YET_TREATED';
  nAdopters: number;
  nCohorts: number;
  nControls: number;
  overall: {
    estimate: number;
    lower: number | null;
    upper: number | null;
    pValue: number | null;
    randomizationPValue: number | null;
  } | null;
  preTrend: { statistic: number; degreesOfFreedom: number; pValue: number } | null;
  /** The fewest adopting cities in a pre-adoption estimate when below SMALL_PRE_COHORT, else null. */
  smallestPreCohort: number | null;
  bootstrap: number;
  permutations: number;
  seed: number;
}

/** The one-paragraph reading of the staggered-adoption estimate, generated from its numbers. */
export function csSummary(s: CsSummaryInput): string {
  const unit = s.unit ? ` ${s.unit}` : '';
  const controls = s.control === 'NEVER_TREATED' ? 'cities that never adopted' : 'cities that had not adopted yet';
  if (s.overall === null) {
    return `No adoption cohort of ${s.instrument} has ${s.indicator} values in the year before adoption and a later year, with ${controls} to compare with, so there is no estimate.`;
  }
  const o = s.overall;
  const direction = o.estimate >= 0 ? 'higher' : 'lower';
  const sentences = [
    `Comparing each adoption cohort with ${controls} (Callaway & Sant'Anna difference-in-differences), the ${plural(s.nAdopters, 'city', 'cities')} that adopted ${s.instrument} (${plural(s.nCohorts, 'adoption year', 'adoption years')}, against ${plural(s.nControls, 'control city', 'control cities')}) had ${s.indicator} on average ${quote(Math.abs(o.estimate))}${unit} ${direction} after adoption than if they had moved like the controls.`,
  ];
  if (o.lower !== null && o.upper !== null && o.pValue !== null) {
    sentences.push(
      `The 95% interval runs from ${quote(o.lower)} to ${quote(o.upper)}${unit} (${pText(o.pValue)}, bootstrap of ${s.bootstrap} draws, seed ${s.seed})${o.randomizationPValue === null ? '' : `; shuffling adoption years among cities ${s.permutations} times gives ${pText(o.randomizationPValue)}`}.`,
    );
  }
  if (s.preTrend) {
    sentences.push(
      `Before adoption, the test that adopters and controls moved in parallel ${s.preTrend.pValue < 0.05 ? 'fails' : 'does not reject'} (chi-square ${quote(s.preTrend.statistic)} on ${s.preTrend.degreesOfFreedom} df, ${pText(s.preTrend.pValue)}).`,
    );
  }
  const caveats: string[] = [];
  if (s.nAdopters < 5)
    caveats.push(`only ${plural(s.nAdopters, 'city', 'cities')} adopted, too few for the interval to be trusted`);
  if (s.preTrend && s.preTrend.pValue < 0.05) {
    caveats.push(
      `trends already differed before adoption, so the estimate may reflect that rather than adoption${s.smallestPreCohort === null ? '' : ` (though with as few as ${s.smallestPreCohort} adopting cities in a pre-adoption estimate the test rejects too often)`}`,
    );
  }
  if (!s.preTrend) caveats.push('there is no year before adoption to test parallel trends');
  if (o.lower === null || o.upper === null) caveats.push('there is no interval (no variation to bootstrap)');
  else if (o.lower <= 0 && o.upper >= 0) {
    caveats.push('the interval includes zero: the data cannot tell this apart from no effect');
  }
  caveats.push(...statusCaveats(s));
  caveats.push(`a difference is not proof that the ${s.instrument} commitment caused it`);
  sentences.push(`Caveats: ${caveats.join('; ')}.`);
  return sentences.join(' ');
}
