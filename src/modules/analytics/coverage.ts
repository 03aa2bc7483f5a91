import { Field, Int, ObjectType } from 'type-graphql';
import type { Context } from '../../context';
import { Indicator } from '../indicator/indicator.entity';
import { query, sql } from '../common/sqlTag';
import { Citation, Warning } from './analytics.types';
import { buildCitation } from './citation';
import { noData, observationScope } from './scope';
import { resolveCities, resolveIndicators, resolveRelease } from '../reference/references';

@ObjectType({ description: 'How much data there is for one indicator' })
export class IndicatorCoverage {
  @Field(() => Indicator)
  indicator: Indicator;

  @Field(() => Int, { description: 'Cities with at least one value' })
  cities: number;

  @Field(() => Int, { nullable: true })
  firstYear: number | null;

  @Field(() => Int, { nullable: true })
  lastYear: number | null;

  @Field(() => Int, { description: 'Number of values (totals, as of the release)' })
  observations: number;
}

@ObjectType()
export class CoverageResult {
  @Field(() => [IndicatorCoverage], { description: 'One row per indicator, by code' })
  indicators: IndicatorCoverage[];

  @Field(() => Citation)
  citation: Citation;

  @Field(() => [Warning])
  warnings: Warning[];
}

export interface CoverageArgs {
  indicatorCodes?: string[] | null;
  cityIds?: string[] | null;
  asOf?: string | null;
}

/** One indicator's coverage in scope. */
interface CoverageRow {
  indicator_id: number;
  cities: number;
  first_year: number | null;
  last_year: number | null;
  observations: number;
  source_ids: number[];
}

export async function coverage(context: Context, args: CoverageArgs): Promise<CoverageResult> {
  const indicators = args.indicatorCodes
    ? await resolveIndicators(context, args.indicatorCodes, 'indicatorCodes')
    : await context.dataSource.getRepository(Indicator).find({ order: { code: 'ASC' } });
  if (args.cityIds) await resolveCities(context, args.cityIds, 'cityIds');
  const release = await resolveRelease(context, args.asOf);
  const scope = await observationScope(context, {
    filter: args.cityIds ? { ids: args.cityIds } : null,
    releaseId: release?.id ?? null,
  });
  const rows = await query<CoverageRow>(
    context.dataSource,
    sql`SELECT i.id AS indicator_id,
            count(DISTINCT o.city_id)::int AS cities,
            min(o.year) AS first_year,
            max(o.year) AS last_year,
            count(o.id)::int AS observations,
            coalesce(array_agg(DISTINCT o.source_id) FILTER (WHERE o.source_id IS NOT NULL), '{}') AS source_ids
     FROM indicator i
     LEFT JOIN observation o ON o.indicator_id = i.id AND ${scope.where}
     WHERE i.id = ANY(${indicators.map((i) => i.id)})
     GROUP BY i.id`,
  );
  const byId = new Map(rows.map((r) => [r.indicator_id, r]));
  const result = indicators.map((indicator) => {
    const row = byId.get(indicator.id);
    return {
      indicator,
      cities: row?.cities ?? 0,
      firstYear: row?.first_year ?? null,
      lastYear: row?.last_year ?? null,
      observations: row?.observations ?? 0,
    };
  });
  const warnings: Warning[] = result
    .filter((r) => r.observations === 0)
    .map((r) => noData(`No values for ${r.indicator.code}${args.cityIds ? ' in the cities asked for' : ''}`));
  return {
    indicators: result,
    warnings,
    citation: await buildCitation(context, {
      query: 'coverage',
      args,
      sourceIds: rows.flatMap((r) => r.source_ids),
      release,
    }),
  };
}
