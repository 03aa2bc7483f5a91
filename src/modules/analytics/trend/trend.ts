import DataLoader from 'dataloader';
import type { Context } from '../../../context';
import { badUserInput } from '../../../errors';
import type { City } from '../../city/city.entity';
import type { CityFilter } from '../../city/city.args';
import { checkCityFilter, cityFilterCondition } from '../../city/city.filter';
import { pageSize, type PageInfo } from '../../common/connection';
import { decodeCursor, encodeCursor } from '../../common/cursor';
import { loadAll } from '../../common/loadAll';
import { checkYearRange, MAX_ID } from '../../common/validate';
import { MAX_YEAR, MIN_YEAR } from '../../common/years';
import { ObservationStatus } from '../../indicator/observation.entity';
import { checkReference } from '../../reference/referenceLimits';
import {
  explainUnknown,
  resolveAsOf,
  resolveCities,
  resolveIndicator,
  resolveRelease,
} from '../../reference/references';
import { UnknownReference } from '../../reference/unknownReference';
import { Source } from '../../source/source.entity';
import { type Warning, WarningCode } from '../analytics.types';
import { buildCitation } from '../citation';
import { countStatuses, fewObservations, noData, statusWarnings } from '../scope';
import { type CitySeriesKey, type SeriesPoint, selectCitySeries, selectTrendPage } from './trend.sql';
import { fitTrend } from './trendFit';
import { type CityTrend, TREND_FEW_POINTS, type TrendResult } from './trend.types';

/** Ties a cursor to this ordering, so a cursor of another list cannot page this one. */
const ORDERING = 'trend:name';
/** Years listed in a warning before "and k more". */
const LISTED_YEARS = 5;

function listYears(years: number[]): string {
  const more = years.length > LISTED_YEARS ? ` and ${years.length - LISTED_YEARS} more` : '';
  return `${years.slice(0, LISTED_YEARS).join(', ')}${more}`;
}

/**
 * What a reader of one city's trend should know. A gap is not wrong for OLS or Theil-Sen (both
 * take any years), but a missing stretch often hides a change the line cannot show; a change
 * of source or a value flagged BREAK_IN_SERIES means values on either side may measure
 * different things. A flag on the first value breaks nothing inside the window.
 */
export function seriesWarnings(slug: string, points: readonly SeriesPoint[]): Warning[] {
  const warnings: Warning[] = [];
  if (points.length < TREND_FEW_POINTS) {
    warnings.push(
      fewObservations(
        `${slug} has ${points.length} yearly value${points.length === 1 ? '' : 's'} in the window; a trend of fewer than ${TREND_FEW_POINTS} says little (the slope needs 2, its standard error and interval 3)`,
      ),
    );
  }
  const missing: number[] = [];
  const sourceChanges: number[] = [];
  for (let i = 1; i < points.length; i++) {
    for (let year = points[i - 1].year + 1; year < points[i].year; year++) missing.push(year);
    if (points[i].sourceId !== points[i - 1].sourceId) sourceChanges.push(points[i].year);
  }
  const flagged = points.slice(1).filter((p) => p.status === ObservationStatus.BREAK_IN_SERIES);
  const brk = (message: string) => warnings.push({ code: WarningCode.BREAK_IN_SERIES, message });
  if (missing.length > 0) {
    brk(`${slug} has no value in ${listYears(missing)}, between its first and last year: the series has gaps`);
  }
  if (sourceChanges.length > 0) {
    brk(`${slug}'s source changes in ${listYears(sourceChanges)}: values before and after may not be comparable`);
  }
  if (flagged.length > 0) {
    brk(
      `${slug}'s value${flagged.length > 1 ? 's' : ''} of ${listYears(flagged.map((p) => p.year))} mark${flagged.length > 1 ? '' : 's'} a break in series: earlier values are not comparable`,
    );
  }
  return warnings;
}

function cityTrendOf(context: Context, city: City, points: readonly SeriesPoint[]): CityTrend {
  const sourceIds = [...new Set(points.map((p) => p.sourceId))].sort((a, b) => a - b);
  const sources = () =>
    loadAll(context.loaders.sourceById, sourceIds).then((rows) => rows.filter((s): s is Source => s !== null));
  return {
    city,
    ...fitTrend(points),
    // Read only when asked for, through the request's source loader (one statement for a list).
    get sources() {
      return sources();
    },
    warnings: seriesWarnings(city.slug, points),
  };
}

/**
 * City.trend's loader, one per request: kept beside the request's loaders (a WeakMap, so it
 * goes with them) rather than in context.ts, so the trend is a folder of its own.
 */
const seriesLoaders = new WeakMap<object, DataLoader<CitySeriesKey, SeriesPoint[], string>>();

function seriesLoader(context: Context): DataLoader<CitySeriesKey, SeriesPoint[], string> {
  let loader = seriesLoaders.get(context.loaders);
  if (!loader) {
    loader = new DataLoader<CitySeriesKey, SeriesPoint[], string>(
      async (keys) =>
        (await selectCitySeries(context.dataSource, keys)).map(
          (series, i) => series ?? new UnknownReference('indicator', keys[i].indicatorCode),
        ),
      {
        cacheKeyFn: (k) => JSON.stringify([k.cityId, k.indicatorCode, k.yearFrom, k.yearTo, k.releaseId]),
      },
    );
    seriesLoaders.set(context.loaders, loader);
  }
  return loader;
}

export interface CityTrendArgs {
  indicator: string;
  yearFrom?: number | null;
  yearTo?: number | null;
  asOf?: string | null;
}

/** City.trend: null when the city has no value in the window. One statement for all cities of a list. */
export async function cityTrend(context: Context, city: City, args: CityTrendArgs): Promise<CityTrend | null> {
  checkYearRange(args.yearFrom, args.yearTo);
  checkReference('indicator', args.indicator);
  const releaseId = (await resolveAsOf(context, args.asOf)) ?? null;
  const points = await explainUnknown(
    context,
    'indicator',
    seriesLoader(context).load({
      cityId: city.id,
      indicatorCode: args.indicator,
      yearFrom: args.yearFrom ?? MIN_YEAR,
      yearTo: args.yearTo ?? MAX_YEAR,
      releaseId,
    }),
  );
  return points.length === 0 ? null : cityTrendOf(context, city, points);
}

export interface TrendArgs extends CityTrendArgs {
  filter?: CityFilter | null;
  first?: number | null;
  after?: string | null;
}

function decodeAfter(after: string | null | undefined): { name: string; id: number } | null {
  if (after === null || after === undefined) return null;
  const [name, id] = decodeCursor(after, ORDERING, 2);
  if (typeof name !== 'string' || typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_ID) {
    throw badUserInput(`Invalid cursor "${after.slice(0, 100)}"`, { argument: 'after' });
  }
  return { name, id };
}

/** The trend query: a page of cities in scope, each with its trend; one statement for the page. */
export async function trend(context: Context, args: TrendArgs): Promise<TrendResult> {
  checkYearRange(args.yearFrom, args.yearTo);
  const limit = pageSize(args.first, context.config);
  const after = decodeAfter(args.after);
  const indicator = await resolveIndicator(context, args.indicator);
  if (args.filter?.ids) await resolveCities(context, args.filter.ids, 'filter.ids');
  await checkCityFilter(context, args.filter);
  const release = await resolveRelease(context, args.asOf);
  const page = await selectTrendPage(context.dataSource, {
    indicatorId: indicator.id,
    yearFrom: args.yearFrom ?? MIN_YEAR,
    yearTo: args.yearTo ?? MAX_YEAR,
    releaseId: release?.id ?? null,
    cities: cityFilterCondition(args.filter, release?.id ?? null),
    after,
    limit,
  });

  const shown = page.cities.slice(0, limit);
  const cities = await loadAll(
    context.loaders.cityById,
    shown.map((c) => c.cityId),
  );
  const entries = shown.map((c, i) => cityTrendOf(context, cities[i] as City, c.points));
  const cursor = (c: { name: string; cityId: number }) => encodeCursor(ORDERING, [c.name, c.cityId]);
  const pageInfo: PageInfo = {
    hasNextPage: page.cities.length > limit,
    hasPreviousPage: after !== null,
    startCursor: shown.length ? cursor(shown[0]) : null,
    endCursor: shown.length ? cursor(shown[shown.length - 1]) : null,
  };

  const points = shown.flatMap((c) => c.points);
  const warnings: Warning[] = [];
  if (page.total === 0) {
    warnings.push(noData(`No values of ${indicator.code} in the window in the cities asked for`));
  }
  const few = entries.filter((e) => e.n < TREND_FEW_POINTS).length;
  if (few > 0) {
    warnings.push(
      fewObservations(
        `${few} of the ${entries.length} cities on this page have fewer than ${TREND_FEW_POINTS} yearly values`,
      ),
    );
  }
  const broken = entries.filter((e) => e.warnings.some((w) => w.code === WarningCode.BREAK_IN_SERIES)).length;
  if (broken > 0) {
    warnings.push({
      code: WarningCode.BREAK_IN_SERIES,
      message: `${broken} of the ${entries.length} cities on this page have gaps, a change of source or a flagged break in their series (see each entry's warnings)`,
    });
  }
  // Flagged breaks are counted above, city by city.
  warnings.push(
    ...statusWarnings(countStatuses(points.map((p) => p.status))).filter((w) => w.code !== WarningCode.BREAK_IN_SERIES),
  );

  const citation = await buildCitation(context, {
    query: 'trend',
    args: {
      indicator: indicator.code,
      filter: args.filter,
      yearFrom: args.yearFrom,
      yearTo: args.yearTo,
      first: args.first,
      after: args.after,
    },
    sourceIds: points.map((p) => p.sourceId),
    release,
  });
  return {
    entries,
    pageInfo,
    totalCount: page.total,
    indicator,
    yearFrom: args.yearFrom ?? null,
    yearTo: args.yearTo ?? null,
    citation,
    warnings,
  };
}
