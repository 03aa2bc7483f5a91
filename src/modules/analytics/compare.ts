import { Field, ObjectType } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { City } from '../city/city.entity';
import { hydrate } from '../common/loaders';
import { runSql } from '../common/sql';
import { checkYearRange } from '../common/validate';
import { Indicator } from '../indicator/indicator.entity';
import { Observation } from '../indicator/observation.entity';
import { Citation, Warning, WarningCode } from './analytics.types';
import { buildCitation } from './citation';
import {
  countStatuses,
  noData,
  observationScope,
  resolveCities,
  resolveIndicators,
  resolveRelease,
  statusWarnings,
} from './scope';

/** Bounds on one compare request: 100 cities x 20 indicators is already 2,000 series. */
export const COMPARE_MAX_CITIES = 100;
export const COMPARE_MAX_INDICATORS = 20;

@ObjectType({ description: 'The values of one indicator for one city, by year' })
export class CompareSeries {
  @Field(() => City)
  city: City;

  @Field(() => Indicator)
  indicator: Indicator;

  @Field(() => [Observation], {
    description:
      'Totals in the year range as of the release, ordered by year then source id. A year without a value is absent (never zero); a year two sources report appears once per source.',
  })
  points: Observation[];
}

@ObjectType()
export class CompareResult {
  @Field(() => [CompareSeries], {
    description:
      'One series per (city, indicator) pair: cities in the order asked, and within a city the indicators in the order asked; a series without values is present and empty',
  })
  series: CompareSeries[];

  @Field(() => Citation)
  citation: Citation;

  @Field(() => [Warning])
  warnings: Warning[];
}

export interface CompareArgs {
  cityIds: string[];
  indicatorCodes: string[];
  yearFrom?: number | null;
  yearTo?: number | null;
  asOf?: string | null;
}

function checkCount(argument: string, values: unknown[], max: number): void {
  if (values.length < 1 || values.length > max) {
    throw badUserInput(`${argument} must name between 1 and ${max} items, got ${values.length}`, {
      argument,
      value: values.length,
    });
  }
}

/** Repeated ids or codes ask for the same series twice: the first occurrence keeps its place. */
function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

export async function compare(context: Context, args: CompareArgs): Promise<CompareResult> {
  checkYearRange(args.yearFrom, args.yearTo);
  const cityIds = unique(args.cityIds);
  const codes = unique(args.indicatorCodes);
  checkCount('cityIds', cityIds, COMPARE_MAX_CITIES);
  checkCount('indicatorCodes', codes, COMPARE_MAX_INDICATORS);
  const [cities, indicators, release] = await Promise.all([
    resolveCities(context, cityIds, 'cityIds'),
    resolveIndicators(context, codes, 'indicatorCodes'),
    resolveRelease(context, args.asOf),
  ]);
  // Unknown ids are rejected above; ids that differ only in spelling ("7" and "07") are one city.
  const distinctCities = [...new Map(cities.map((c) => [c.id, c])).values()];
  const pairs = distinctCities.flatMap((city) => indicators.map((indicator) => ({ city, indicator })));
  const scope = await observationScope(context, { releaseId: release?.id ?? null });

  // One statement for every series: the pairs travel as two parallel arrays, `unnest ... WITH
  // ORDINALITY` numbers them, and each pair reads its own rows through the
  // (city_id, indicator_id, year) index. The pair number keeps the order asked for. The ORDER
  // BY inside the LATERAL subquery keeps Postgres from flattening it into a plain join, which
  // it would answer with a hash join over a sequential scan of every observation whenever
  // the table is small enough to look cheap (60 ms instead of 3 ms at 300,000 rows).
  const rows = await runSql<Record<string, unknown> & { ord: string }>(
    context.dataSource,
    `SELECT k.ord, o.*
     FROM unnest(CAST(:cityIds AS int[]), CAST(:indicatorIds AS int[])) WITH ORDINALITY AS k(city_id, indicator_id, ord)
     JOIN LATERAL (
       SELECT o.* FROM observation o
       WHERE o.city_id = k.city_id AND o.indicator_id = k.indicator_id AND ${scope.sql}
         AND o.year BETWEEN coalesce(CAST(:yearFrom AS int), 1900) AND coalesce(CAST(:yearTo AS int), 2100)
       ORDER BY o.year, o.source_id
     ) o ON true
     ORDER BY k.ord, o.year, o.source_id`,
    {
      ...scope.params,
      cityIds: pairs.map((p) => p.city.id),
      indicatorIds: pairs.map((p) => p.indicator.id),
      yearFrom: args.yearFrom ?? null,
      yearTo: args.yearTo ?? null,
    },
  );

  const series: CompareSeries[] = pairs.map(({ city, indicator }) => ({ city, indicator, points: [] }));
  for (const row of rows) series[Number(row.ord) - 1].points.push(hydrate(context.dataSource, Observation, row));

  const points = series.flatMap((s) => s.points);
  const warnings: Warning[] = [];
  const units = unique(indicators.map((i) => i.unit));
  if (units.length > 1) {
    warnings.push({
      code: WarningCode.MIXED_UNITS,
      message: `The indicators are in different units (${indicators.map((i) => `${i.code}: ${i.unit}`).join(', ')}): compare the series' shapes, not their levels`,
    });
  }
  const range =
    args.yearFrom !== null && args.yearFrom !== undefined
      ? args.yearTo !== null && args.yearTo !== undefined
        ? ` in ${args.yearFrom}-${args.yearTo}`
        : ` from ${args.yearFrom}`
      : args.yearTo !== null && args.yearTo !== undefined
        ? ` up to ${args.yearTo}`
        : '';
  for (const s of series) {
    if (s.points.length === 0) warnings.push(noData(`No values of ${s.indicator.code} for ${s.city.slug}${range}`));
  }
  warnings.push(...statusWarnings(countStatuses(points.map((p) => p.status))));

  return {
    series,
    warnings,
    citation: await buildCitation(context, {
      query: 'compare',
      args: { ...args, cityIds, indicatorCodes: codes },
      sourceIds: points.map((p) => p.sourceId),
      release,
    }),
  };
}
