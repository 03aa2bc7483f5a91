import { GraphQLError } from 'graphql';
import { computeFor } from '../../../compute/computePool';
import type { Context } from '../../../context';
import { badUserInput, ErrorCode } from '../../../errors';
import type { CityFilter } from '../../city/city.args';
import { City } from '../../city/city.entity';
import { checkCityFilter, cityFilterCondition } from '../../city/city.filter';
import { loadAll } from '../../common/loadAll';
import { checkReference } from '../../reference/referenceLimits';
import { resolveCities, resolveIndicator, resolveInstrument, resolveRelease } from '../../reference/references';
import { type Warning, WarningCode } from '../analytics.types';
import { buildCitation } from '../citation';
import { countStatuses, fewObservations, noData, statusWarnings } from '../scope';
import { type PanelValue, selectSyntheticControlData } from './syntheticControl.sql';
import {
  MAX_DONORS,
  POOR_FIT_SHARE,
  SYNTHETIC_FEW_PRE_YEARS,
  type DonorWeight,
  type SyntheticControl,
} from './syntheticControl.types';
import { syntheticSummary } from './syntheticSummary';

export interface SyntheticControlArgs {
  city: string;
  instrument: string;
  indicator: string;
  donors?: CityFilter | null;
  asOf?: string | null;
}

/** Years or cities listed in a warning before "and k more". */
const LISTED = 5;

function list(items: readonly (string | number)[]): string {
  const more = items.length > LISTED ? ` and ${items.length - LISTED} more` : '';
  return `${items.slice(0, LISTED).join(', ')}${more}`;
}

function tooComplex(message: string): GraphQLError {
  // A resolver's refusal, like badUserInput: the code only (no HTTP status of its own), so the
  // other fields of the operation still answer.
  return new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, argument: 'donors' } });
}

/** Population standard deviation. */
function sd(values: readonly number[]): number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
}

/**
 * syntheticControl: one adopter of an instrument against the weighted mix of non-adopting
 * cities that best matched it before adoption, and the placebo test in space. Definitions in
 * docs/analytics/syntheticControl.md. A fixed number of statements whatever the number of donors.
 */
export async function syntheticControl(context: Context, args: SyntheticControlArgs): Promise<SyntheticControl> {
  checkReference('city', args.city);
  const [city] = await resolveCities(context, [args.city], 'city');
  const indicator = await resolveIndicator(context, args.indicator);
  const instrument = await resolveInstrument(context, args.instrument);
  await checkCityFilter(context, args.donors, 'donors');
  const release = await resolveRelease(context, args.asOf);
  const releaseId = release?.id ?? null;
  const asOfText = release ? ` as of release ${release.id}` : '';

  const data = await selectSyntheticControlData(context.dataSource, {
    cityId: city.id,
    instrumentId: instrument.id,
    indicatorId: indicator.id,
    releaseId,
    donors: cityFilterCondition(args.donors, releaseId),
  });
  if (data.adoptionYear === null) {
    const why =
      data.undated > 0
        ? `its adopted ${instrument.code} commitment has no adoption date`
        : data.commitments > 0
          ? `none of its ${instrument.code} commitments is ADOPTED or IMPLEMENTED`
          : `it has no ${instrument.code} commitment`;
    throw badUserInput(`${city.slug} did not adopt ${instrument.code}${asOfText}: ${why}`, {
      argument: 'city',
      value: args.city,
    });
  }
  const adoptionYear = data.adoptionYear;

  // The panel's years are the treated city's: before the adoption year (fitted) and from it on.
  const treated = data.treated;
  const years = treated.map((v) => v.year);
  const pre = years.filter((y) => y < adoptionYear);
  const post = years.filter((y) => y >= adoptionYear);
  if (pre.length === 0) {
    throw badUserInput(
      `${city.slug} has no ${indicator.code} value before it adopted ${instrument.code} in ${adoptionYear}${asOfText}: there is nothing to fit a synthetic control to`,
      { argument: 'indicator', value: indicator.code },
    );
  }
  const warnings: Warning[] = [];
  const missing: number[] = [];
  for (let i = 1; i < years.length; i++) {
    for (let year = years[i - 1] + 1; year < years[i]; year++) missing.push(year);
  }
  if (missing.length > 0) {
    warnings.push({
      code: WarningCode.INCOMPLETE_PANEL,
      message: `${city.slug} has no ${indicator.code} value in ${list(missing)}: ${missing.length === 1 ? 'that year is' : 'those years are'} left out for every city`,
    });
  }

  const byYear = (values: PanelValue[]) => new Map(values.map((v) => [v.year, v]));
  const kept: { cityId: number; values: PanelValue[] }[] = [];
  const leftOut: number[] = [];
  for (const donor of data.donors) {
    const held = byYear(donor.values);
    const used = years.map((y) => held.get(y));
    if (used.every((v) => v !== undefined)) kept.push({ cityId: donor.cityId, values: used as PanelValue[] });
    else leftOut.push(donor.cityId);
  }
  if (kept.length === 0) {
    throw badUserInput(
      `No city${args.donors ? ' of donors' : ''} without a ${instrument.code} commitment has a ${indicator.code} value in every year ${city.slug} has one (${list(years)})${asOfText}: there is no donor`,
      { argument: 'donors' },
    );
  }
  if (kept.length > MAX_DONORS) {
    throw tooComplex(
      `${kept.length} donor cities: a synthetic control with its placebo test takes at most ${MAX_DONORS}; narrow donors (e.g. countryCodes, networkCodes or ids)`,
    );
  }

  const cities = await loadAll(context.loaders.cityById, [...kept.map((d) => d.cityId), ...leftOut]);
  const cityOf = (i: number) => cities[i] as City;
  if (leftOut.length > 0) {
    const slugs = leftOut.map((_, i) => cityOf(kept.length + i).slug).sort();
    warnings.push({
      code: WarningCode.INCOMPLETE_PANEL,
      message: `${plural(leftOut.length, 'city', 'cities')} without a ${instrument.code} commitment ${leftOut.length === 1 ? 'lacks' : 'lack'} a ${indicator.code} value in a year used and ${leftOut.length === 1 ? 'is' : 'are'} left out of the donor pool: ${list(slugs)}`,
    });
  }

  const fit = await computeFor(context, 'syntheticFitTask', {
    years,
    preYears: pre.length,
    treated: treated.map((v) => v.value),
    donors: kept.map((d) => d.values.map((v) => v.value)),
  });
  const weights: DonorWeight[] = kept
    .map((_, j) => ({ city: cityOf(j), weight: fit.weights[j] }))
    .sort((a, b) => b.weight - a.weight || a.city.name.localeCompare(b.city.name) || a.city.id - b.city.id);
  const series = years.map((year, t) => ({
    year,
    actual: treated[t].value,
    synthetic: fit.synthetic[t],
    gap: treated[t].value - fit.synthetic[t],
  }));

  const preSd = sd(treated.slice(0, pre.length).map((v) => v.value));
  const exactFit = fit.ratio === Number.POSITIVE_INFINITY;
  const poorFit = !exactFit && fit.preRmspe > POOR_FIT_SHARE * preSd;
  const fewPreYears = pre.length < SYNTHETIC_FEW_PRE_YEARS;
  const nonUnique = kept.length > pre.length;
  if (fewPreYears) {
    warnings.push(
      fewObservations(
        `${city.slug} has ${plural(pre.length, `${indicator.code} value`, `${indicator.code} values`)} before ${adoptionYear}; a synthetic control fitted to fewer than ${SYNTHETIC_FEW_PRE_YEARS} years can match by chance`,
      ),
    );
  }
  if (post.length === 0) {
    warnings.push(
      noData(
        `${city.slug} has no ${indicator.code} value from ${adoptionYear} on: no gap after adoption, no placebo test`,
      ),
    );
  }
  if (kept.length === 1) {
    warnings.push(fewObservations('One donor city: its weight is 1 and there is no placebo test'));
  } else if (fit.placeboPValue !== null && 1 / (kept.length + 1) > 0.05) {
    warnings.push(
      fewObservations(
        `${kept.length} donor cities: the placebo p-value cannot be below 1/${kept.length + 1} = ${(1 / (kept.length + 1)).toFixed(3)}`,
      ),
    );
  }
  if (nonUnique) {
    warnings.push({
      code: WarningCode.NON_UNIQUE_WEIGHTS,
      message: `${kept.length} donor cities and ${plural(pre.length, 'year', 'years')} fitted: other weights may fit as well (these are the ones of smallest norm among the best)`,
    });
  }
  if (poorFit) {
    warnings.push({
      code: WarningCode.POOR_PRE_FIT,
      message: `Before adoption the synthetic control misses ${city.slug} by ${fit.preRmspe.toPrecision(3)} (RMSPE), more than ${POOR_FIT_SHARE} of its pre-period standard deviation ${preSd.toPrecision(3)}: the gaps after adoption are not credible as an effect`,
    });
  }
  const used = [...treated, ...kept.flatMap((d) => d.values)];
  warnings.push(...statusWarnings(countStatuses(used.map((v) => v.status))));

  const postGaps = series.slice(pre.length).map((p) => p.gap);
  const summary = syntheticSummary({
    cityName: city.name,
    indicator: indicator.code,
    unit: indicator.unit,
    instrument: instrument.code,
    adoptionYear,
    preYears: pre,
    postYears: post,
    weights: weights.filter((w) => w.weight > 0).map((w) => ({ name: w.city.name, weight: w.weight })),
    donors: kept.length,
    meanPostGap: postGaps.length ? postGaps.reduce((sum, g) => sum + g, 0) / postGaps.length : null,
    preRmspe: fit.preRmspe,
    postRmspe: fit.postRmspe,
    ratio: fit.ratio,
    placeboPValue: fit.placeboPValue,
    placebosAtLeast: fit.placebosAtLeast,
    fewPreYears,
    poorFit,
    preSd,
    nonUnique,
  });

  const citation = await buildCitation(context, {
    query: 'syntheticControl',
    // The city by id, so its slug and its id ask the same question.
    args: { city: city.id, instrument: instrument.code, indicator: indicator.code, donors: args.donors },
    sourceIds: used.map((v) => v.sourceId),
    release,
  });
  return {
    city,
    instrument: instrument.code,
    indicator,
    adoptionYear,
    preYears: pre.length,
    postYears: post.length,
    weights,
    series,
    preRmspe: fit.preRmspe,
    postRmspe: fit.postRmspe,
    rmspeRatio: fit.ratio === null || !Number.isFinite(fit.ratio) ? null : fit.ratio,
    placeboPValue: fit.placeboPValue,
    summary,
    citation,
    warnings,
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
