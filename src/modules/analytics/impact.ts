import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { City } from '../city/city.entity';
import type { CityFilter } from '../city/city.args';
import { entityColumns } from '../common/entityRows';
import { query } from '../common/sqlTag';
import type { ObservationStatus } from '../indicator/observation.entity';
import { type Warning, WarningCode } from './analytics.types';
import { callawaySantannaImpact, checkIterations } from './callawaySantanna/callawaySantanna';
import {
  DEFAULT_BOOTSTRAP,
  DEFAULT_PERMUTATIONS,
  DEFAULT_SEED,
  ImpactControl,
  ImpactEstimator,
} from './callawaySantanna/callawaySantanna.types';
import { naiveSummary } from './callawaySantanna/impactSummary';
import { buildCitation } from './citation';
import { cityOfRow, type ImpactCityRow, impactSql } from './impact.sql';
import type { ImpactAdopter, ImpactResult } from './impact.types';
import { fewObservations, noData, observationScope, statusWarnings } from './scope';
import { resolveIndicator, resolveInstrument, resolveRelease } from '../reference/references';

export const MIN_WINDOW = 1;
export const MAX_WINDOW = 20;
export const DEFAULT_WINDOW = 3;

export interface ImpactArgs {
  instrument: string;
  indicator: string;
  window?: number | null;
  filter?: CityFilter | null;
  asOf?: string | null;
  estimator?: ImpactEstimator | null;
  control?: ImpactControl | null;
  bootstrap?: number | null;
  permutations?: number | null;
  seed?: number | null;
}

function checkWindow(window: number): void {
  if (!Number.isInteger(window) || window < MIN_WINDOW || window > MAX_WINDOW) {
    throw badUserInput(`window must be between ${MIN_WINDOW} and ${MAX_WINDOW} years, got ${window}`, {
      argument: 'window',
      value: window,
    });
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * commitmentImpact: before/after means around each adopter's adoption year A, the same
 * calendar windows for cities that had not adopted by A + window, and the
 * difference-in-differences. Definitions in docs/analytics/impact.md.
 */
export async function commitmentImpact(context: Context, args: ImpactArgs): Promise<ImpactResult> {
  const window = args.window ?? DEFAULT_WINDOW;
  checkWindow(window);
  const estimator = args.estimator ?? ImpactEstimator.NAIVE;
  const cs = {
    control: args.control ?? ImpactControl.NEVER_TREATED,
    bootstrap: args.bootstrap ?? DEFAULT_BOOTSTRAP,
    permutations: args.permutations ?? DEFAULT_PERMUTATIONS,
    seed: args.seed ?? DEFAULT_SEED,
    window,
  };
  if (estimator === ImpactEstimator.CALLAWAY_SANTANNA) checkIterations(cs);
  // The naive question hashes as it always did; the staggered one with everything that moves its numbers.
  const { filter, asOf } = args;
  const questionArgs =
    estimator === ImpactEstimator.NAIVE
      ? { instrument: args.instrument, indicator: args.indicator, window, filter, asOf }
      : {
          instrument: args.instrument,
          indicator: args.indicator,
          window,
          filter,
          asOf,
          estimator,
          control: cs.control,
          bootstrap: cs.bootstrap,
          permutations: cs.permutations,
          seed: cs.seed,
        };
  const indicator = await resolveIndicator(context, args.indicator);
  const instrument = await resolveInstrument(context, args.instrument);
  const release = await resolveRelease(context, args.asOf);
  const scope = await observationScope(context, { filter: args.filter, releaseId: release?.id ?? null });
  // The staggered estimate reads its panel and runs on a worker thread while Postgres computes
  // the naive one: at 2,000 cities each takes about half a second, and neither needs the other.
  const [rows, staggered] = await Promise.all([
    // The scope's CityFilter over `c` lists the adopters in the filter that have no data at all.
    query<ImpactCityRow>(
      context.dataSource,
      impactSql({
        scope,
        cityColumns: entityColumns(context.dataSource, City, 'c'),
        indicatorId: indicator.id,
        instrumentId: instrument.id,
        window,
      }),
    ),
    estimator === ImpactEstimator.CALLAWAY_SANTANNA
      ? callawaySantannaImpact(context, { instrument, indicator, releaseId: scope.releaseId, cities: scope.cities }, cs)
      : null,
  ]);
  const summary = rows[0];
  const adopters: ImpactAdopter[] = rows
    .filter((row) => row.adopter_id !== null)
    .map((row) => {
      const city = cityOfRow(row);
      context.loaders.cityById.prime(city.id, city);
      const a = row.adoption_year;
      const change = row.before_mean !== null && row.after_mean !== null ? row.after_mean - row.before_mean : null;
      return {
        city,
        adoptionYear: a,
        beforeFrom: a === null ? null : a - window,
        beforeTo: a === null ? null : a - 1,
        afterFrom: a === null ? null : a + 1,
        afterTo: a === null ? null : a + window,
        before: row.before_mean,
        after: row.after_mean,
        change,
        nBefore: row.n_before ?? 0,
        nAfter: row.n_after ?? 0,
        controlMeanChange: row.control_mean_change,
        nControls: row.n_controls ?? 0,
        differenceInDifferences:
          change !== null && row.control_mean_change !== null ? change - row.control_mean_change : null,
        used: row.reason === null,
        reason: row.reason,
      };
    });

  const warnings: Warning[] = [];
  const label = `${instrument.code} and ${indicator.code} (window ${window})`;
  if (summary.n_adopters === 0) {
    warnings.push(
      noData(
        adopters.length === 0
          ? `No city${args.filter ? ' in the filter' : ''} has an adopted or implemented ${instrument.code} commitment`
          : `No adopter of ${instrument.code} has ${indicator.code} values on both sides of its adoption year and controls to compare with`,
      ),
    );
  } else if (summary.n_adopters < 3 || summary.n_controls_total < 3) {
    warnings.push(
      fewObservations(
        `Only ${plural(summary.n_adopters, 'adopter', 'adopters')} and ${plural(summary.n_controls_total, 'control city', 'control cities')} for ${label}: the difference-in-differences means little`,
      ),
    );
  }
  const undated = adopters.filter((a) => a.adoptionYear === null).length;
  if (undated > 0) {
    warnings.push({
      code: WarningCode.UNDATED_COMMITMENTS,
      message: `${plural(undated, 'city has', 'cities have')} an adopted ${instrument.code} commitment without an adoption date: skipped, neither adopter nor control`,
    });
  }
  const statuses = (summary.statuses ?? {}) as Partial<Record<ObservationStatus, number>>;
  if (staggered) {
    // The naive fields stay in the answer, but its warnings are the staggered estimate's (the
    // undated commitments apply to both).
    warnings.splice(0, warnings.length, ...warnings.filter((w) => w.code === WarningCode.UNDATED_COMMITMENTS));
    warnings.push(...staggered.warnings);
  } else {
    warnings.push(...statusWarnings(statuses));
  }

  return {
    instrument: instrument.code,
    indicator: indicator.code,
    window,
    adopters,
    excluded: adopters.filter((a) => !a.used),
    meanChangeAdopters: summary.mean_change_adopters,
    meanChangeControls: summary.mean_change_controls,
    differenceInDifferences: summary.did_total,
    nAdopters: summary.n_adopters,
    nControls: summary.n_controls_total,
    overall: staggered?.overall ?? null,
    eventStudy: staggered?.eventStudy ?? [],
    cohorts: staggered?.cohorts ?? [],
    calendar: staggered?.calendar ?? [],
    preTrend: staggered?.preTrend ?? null,
    summary:
      staggered?.summary ??
      naiveSummary({
        instrument: instrument.code,
        indicator: indicator.code,
        unit: indicator.unit,
        window,
        nAdopters: summary.n_adopters,
        nControls: summary.n_controls_total,
        differenceInDifferences: summary.did_total,
        meanChangeAdopters: summary.mean_change_adopters,
        meanChangeControls: summary.mean_change_controls,
        estimated: (statuses.ESTIMATED ?? 0) + (statuses.PROVISIONAL ?? 0),
        converted: statuses.CONVERTED ?? 0,
      }),
    warnings,
    citation: await buildCitation(context, {
      query: 'commitmentImpact',
      args: questionArgs,
      sourceIds: [...summary.source_ids, ...(staggered?.sourceIds ?? [])],
      release,
    }),
  };
}
