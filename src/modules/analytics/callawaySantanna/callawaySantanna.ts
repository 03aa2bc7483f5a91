import { GraphQLError } from 'graphql';
import { computeFor } from '../../../compute/computePool';
import type { Context } from '../../../context';
import { badUserInput, ErrorCode } from '../../../errors';
import type { Sql } from '../../common/sqlTag';
import type { ObservationStatus } from '../../indicator/observation.entity';
import { type Warning, WarningCode } from '../analytics.types';
import { countStatuses, fewObservations, noData, statusWarnings } from '../scope';
import { selectPanel } from './callawaySantanna.sql';
import { FEW_ADOPTERS, type ImpactControl, MAX_ITERATION_CITIES, SMALL_PRE_COHORT } from './callawaySantanna.types';
import type { CsPanel } from './csEstimate';
import type { CsResult, InferredAggregate } from './csInference';
import { csSummary } from './impactSummary';

export interface CsArgs {
  control: ImpactControl;
  bootstrap: number;
  permutations: number;
  seed: number;
  window: number;
}

/** Bootstrap and permutations: whole numbers of at least 1 (checked before any statement). */
export function checkIterations(args: { bootstrap: number; permutations: number }): void {
  for (const argument of ['bootstrap', 'permutations'] as const) {
    const value = args[argument];
    if (!Number.isInteger(value) || value < 1) {
      throw badUserInput(`${argument} must be a whole number of iterations of at least 1, got ${value}`, {
        argument,
        value,
      });
    }
  }
}

const point = (a: Omit<InferredAggregate, 'key'>) => ({
  estimate: a.estimate,
  standardError: a.standardError,
  lower: a.lower,
  upper: a.upper,
});

/**
 * commitmentImpact with estimator CALLAWAY_SANTANNA: reads the panel (one statement), builds the
 * plain arrays and runs the pure estimator (csInference.ts). Definitions in
 * docs/analytics/callawaySantanna.md.
 */
export async function callawaySantannaImpact(
  context: Context,
  refs: {
    instrument: { id: number; code: string };
    indicator: { id: number; code: string; unit: string };
    releaseId: number | null;
    cities: Sql | null;
  },
  args: CsArgs,
) {
  const rows = await selectPanel(context.dataSource, {
    instrumentId: refs.instrument.id,
    indicatorId: refs.indicator.id,
    releaseId: refs.releaseId,
    cities: refs.cities,
  });
  // A city whose adopted commitments are all undated is neither adopter nor control.
  const cities = rows.filter((c) => c.adoptionYear !== null || c.undated === 0);
  const iterations = (args.bootstrap + args.permutations) * cities.length;
  if (iterations > MAX_ITERATION_CITIES) {
    throw new GraphQLError(
      `(bootstrap ${args.bootstrap} + permutations ${args.permutations}) x ${cities.length} cities = ${iterations} is over the bound of ${MAX_ITERATION_CITIES}: lower bootstrap or permutations, or narrow filter`,
      { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, argument: 'bootstrap' } },
    );
  }
  // A loop, not Math.min(...years): a spread of every city-year could overflow the call stack.
  let firstYear = Number.POSITIVE_INFINITY;
  let lastYear = Number.NEGATIVE_INFINITY;
  for (const c of cities) {
    for (const v of c.values) {
      firstYear = Math.min(firstYear, v.year);
      lastYear = Math.max(lastYear, v.year);
    }
  }
  if (cities.length === 0) [firstYear, lastYear] = [0, -1];
  const panel: CsPanel = {
    firstYear,
    lastYear,
    values: cities.map((c) => {
      const held = new Float64Array(lastYear - firstYear + 1).fill(Number.NaN);
      for (const v of c.values) held[v.year - firstYear] = v.value;
      return held;
    }),
    cohort: cities.map((c) => c.adoptionYear ?? Number.POSITIVE_INFINITY),
  };
  // The bootstrap and the permutations take seconds on thousands of cities: a worker thread runs
  // them while the event loop answers other requests.
  const result: CsResult = await computeFor(context, 'callawaySantannaTask', { panel, input: args });

  // The values that entered a cell: their sources go to the citation, their statuses to the caveats.
  const used = new Set<number>();
  const span = lastYear - firstYear + 1;
  const adopters = new Set<number>();
  const controls = new Set<number>();
  const cohorts = new Set<number>();
  for (const c of result.cells) {
    c.cities.forEach((i, k) => {
      used.add(i * span + (c.year - firstYear));
      used.add(i * span + (c.base - firstYear));
      if (c.relativeYear < 0) return;
      if (k < c.nTreated) adopters.add(i);
      else controls.add(i);
      cohorts.add(c.cohort);
    });
  }
  const sourceIds: number[] = [];
  const statuses: ObservationStatus[] = [];
  for (const key of used) {
    const city = cities[Math.floor(key / span)];
    const value = city.values.find((v) => v.year === firstYear + (key % span));
    if (value) {
      sourceIds.push(value.sourceId);
      statuses.push(value.status);
    }
  }
  const counts = countStatuses(statuses);
  // The fewest treated cities in a pre-adoption cell: the Wald test over-rejects when it is small.
  const preCells = result.cells.filter((c) => c.relativeYear < 0);
  const smallestPreCohort = preCells.length ? preCells.reduce((m, c) => Math.min(m, c.nTreated), Infinity) : null;
  const smallPre = smallestPreCohort !== null && smallestPreCohort < SMALL_PRE_COHORT;

  const warnings: Warning[] = [];
  if (!result.overall) {
    warnings.push(
      noData(
        `No ${refs.instrument.code} adoption cohort has ${refs.indicator.code} values in the year before adoption and a later year, with controls: no estimate`,
      ),
    );
  } else if (adopters.size < FEW_ADOPTERS) {
    warnings.push(
      fewObservations(
        `Only ${adopters.size} adopting ${adopters.size === 1 ? 'city enters' : 'cities enter'} the estimate: its interval and p-values are not to be trusted`,
      ),
    );
  }
  if (result.preTrend && result.preTrend.pValue < 0.05) {
    warnings.push({
      code: WarningCode.PRE_TREND_FAILED,
      message: `Adopters and controls did not move in parallel before adoption (chi-square ${result.preTrend.statistic.toPrecision(3)} on ${result.preTrend.degreesOfFreedom} df, p = ${result.preTrend.pValue.toPrecision(3)}): the estimate may reflect earlier differences${smallPre ? ` (but with as few as ${smallestPreCohort} adopting cities in a pre-adoption estimate the test rejects too often)` : ''}`,
    });
  }
  warnings.push(...statusWarnings(counts));

  const summary = csSummary({
    instrument: refs.instrument.code,
    indicator: refs.indicator.code,
    unit: refs.indicator.unit,
    control: args.control,
    nAdopters: adopters.size,
    nCohorts: cohorts.size,
    nControls: controls.size,
    overall: result.overall,
    preTrend: result.preTrend,
    smallestPreCohort: smallPre ? smallestPreCohort : null,
    bootstrap: args.bootstrap,
    permutations: args.permutations,
    seed: args.seed,
    estimated: (counts.ESTIMATED ?? 0) + (counts.PROVISIONAL ?? 0),
    converted: counts.CONVERTED ?? 0,
  });
  return {
    overall: result.overall
      ? {
          ...point(result.overall),
          pValue: result.overall.pValue,
          randomizationPValue: result.overall.randomizationPValue,
        }
      : null,
    eventStudy: result.eventStudy.map((a) => ({ relativeYear: a.key, ...point(a) })),
    cohorts: result.cohorts.map((a) => ({ adoptionYear: a.key, ...point(a) })),
    calendar: result.calendar.map((a) => ({ year: a.key, ...point(a) })),
    preTrend: result.preTrend,
    summary,
    warnings,
    sourceIds,
  };
}
