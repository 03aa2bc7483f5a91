import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { City } from '../city/city.entity';
import type { CityFilter } from '../city/city.args';
import { checkCityFilter, cityFilterCondition } from '../city/city.filter';
import { parseId } from '../common/validate';
import { Indicator } from '../indicator/indicator.entity';
import { ObservationStatus } from '../indicator/observation.entity';
import { visibleAsOf } from '../indicator/observation.loaders';
import { Release } from '../source/release.entity';
import { type Warning, WarningCode } from './analytics.types';
import { loadAll } from '../common/loadAll';
import { hydrate } from '../common/loaders';
import type { SqlCondition } from '../common/sql';

/** Edit distance, for suggesting the code a user probably meant. */
export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Up to three existing codes closest to `code`, closest first. */
export function closestCodes(code: string, existing: string[]): string[] {
  return existing
    .map((candidate) => ({ candidate, distance: levenshtein(code.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map((x) => x.candidate);
}

/** The indicators with these codes, in the order asked; BAD_USER_INPUT naming unknown codes and the closest known ones. */
export async function resolveIndicators(context: Context, codes: string[], argument: string): Promise<Indicator[]> {
  const all = (await context.dataSource.query('SELECT * FROM indicator ORDER BY code')).map(
    (row: Record<string, unknown>) => hydrate(context.dataSource, Indicator, row),
  ) as Indicator[];
  const byCode = new Map(all.map((i) => [i.code, i]));
  const unknown = codes.filter((code) => !byCode.has(code));
  if (unknown.length > 0) {
    const suggestions = closestCodes(
      unknown[0],
      all.map((i) => i.code),
    );
    throw badUserInput(
      `Unknown indicator ${unknown.map((c) => `"${c}"`).join(', ')}${suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ''}`,
      { argument, value: unknown, suggestions },
    );
  }
  for (const indicator of all) context.loaders.indicatorById.prime(indicator.id, indicator);
  return codes.map((code) => byCode.get(code) as Indicator);
}

export async function resolveIndicator(context: Context, code: string, argument = 'indicator'): Promise<Indicator> {
  const [indicator] = await resolveIndicators(context, [code], argument);
  return indicator;
}

/**
 * The release an answer is as of: the one asked for (which must exist), else the newest.
 * Null only on a database with no release at all.
 */
export async function resolveRelease(context: Context, asOf: string | null | undefined): Promise<Release | null> {
  const id = parseId('asOf', asOf);
  if (id !== undefined) {
    const release = await context.loaders.releaseById.load(id);
    if (!release) throw badUserInput(`Unknown release ${id}`, { argument: 'asOf', value: asOf });
    return release;
  }
  const [latest] = await context.dataSource.query('SELECT * FROM release ORDER BY id DESC LIMIT 1');
  return latest ? hydrate(context.dataSource, Release, latest) : null;
}

/** The cities with these ids, in the order asked; BAD_USER_INPUT naming ids that match no city. */
export async function resolveCities(context: Context, ids: string[], argument: string): Promise<City[]> {
  const numeric = ids.map((id) => parseId(argument, id) as number);
  const cities = await loadAll(context.loaders.cityById, numeric);
  const unknown = ids.filter((_, i) => !(cities[i] instanceof City));
  if (unknown.length > 0) {
    throw badUserInput(`Unknown city id ${unknown.map((c) => `"${c}"`).join(', ')}`, { argument, value: unknown });
  }
  return cities as City[];
}

/**
 * The observations an answer may use, as SQL: as of the release (named parameter `:releaseId`),
 * totals only (disaggregated values are never mixed with totals), and, when a CityFilter is
 * given, only its cities. `o` is the observation alias, `c` the city's.
 */
export interface ObservationScope extends SqlCondition {
  /** The CityFilter alone, as a predicate over a city aliased `c` (same parameters); null without a filter. */
  cities: string | null;
}

export async function observationScope(
  context: Context,
  options: { filter?: CityFilter | null; releaseId: number | null; argument?: string },
): Promise<ObservationScope> {
  await checkCityFilter(context, options.filter, options.argument ?? 'filter');
  const cities = cityFilterCondition(options.filter);
  return {
    sql: `${visibleAsOf('o', 'CAST(:releaseId AS int)')} AND o.disaggregation = ''${
      cities ? ` AND o.city_id IN (SELECT c.id FROM city c WHERE ${cities.sql})` : ''
    }`,
    params: { releaseId: options.releaseId, ...(cities?.params ?? {}) },
    cities: cities?.sql ?? null,
  };
}

/** Warnings owed to the statuses of the values used (counts per status). */
export function statusWarnings(counts: Partial<Record<ObservationStatus, number>>): Warning[] {
  const warnings: Warning[] = [];
  const estimated = (counts.ESTIMATED ?? 0) + (counts.PROVISIONAL ?? 0);
  if (estimated > 0) {
    warnings.push({
      code: WarningCode.ESTIMATED_VALUES,
      message: `${estimated} value${estimated > 1 ? 's are' : ' is'} estimated or provisional`,
    });
  }
  if ((counts.CONVERTED ?? 0) > 0) {
    warnings.push({
      code: WarningCode.CONVERTED_VALUES,
      message: `${counts.CONVERTED} value${counts.CONVERTED === 1 ? ' was' : 's were'} converted from another unit or definition`,
    });
  }
  if ((counts.BREAK_IN_SERIES ?? 0) > 0) {
    warnings.push({
      code: WarningCode.BREAK_IN_SERIES,
      message: `${counts.BREAK_IN_SERIES} value${counts.BREAK_IN_SERIES === 1 ? ' marks' : 's mark'} a break in series: earlier values are not comparable`,
    });
  }
  return warnings;
}

export function countStatuses(statuses: Iterable<string>): Partial<Record<ObservationStatus, number>> {
  const counts: Partial<Record<ObservationStatus, number>> = {};
  for (const status of statuses) counts[status as ObservationStatus] = (counts[status as ObservationStatus] ?? 0) + 1;
  return counts;
}

export function noData(message: string): Warning {
  return { code: WarningCode.NO_DATA, message };
}

export function fewObservations(message: string): Warning {
  return { code: WarningCode.FEW_OBSERVATIONS, message };
}
