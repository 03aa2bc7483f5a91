import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/parent';
import type { Context } from '../../context';
import { CityFilter } from '../city/city.args';
import { City } from '../city/city.entity';
import { selectedFields } from '../common/lookahead';
import { checkYear } from '../common/validate';
import { citationSelected } from './citation';
import { ranking, type RankingSelection } from './ranking';
import { CityRank, RankingResult } from './ranking.types';
import { observationScope } from './scope';
import { explainUnknown, resolveAsOf, resolveCities } from '../reference/references';
import { checkReference } from '../reference/referenceLimits';

function rankingSelection(info: GraphQLResolveInfo): RankingSelection {
  const entry = selectedFields(info, ['entries']);
  return { citation: citationSelected(info), entryCities: entry.has('city'), entrySources: entry.has('source') };
}

const AS_OF = { nullable: true, description: 'Release id: the data as it stood then (default: the newest release)' };
const YEAR = { nullable: true, description: "Rank this year's values; default: each city's latest year" };

/**
 * `ranking` and the nested `City.rank`. Both rank with the same statement (ranking.ts); the
 * nested field reads a per-request loader that ranks all cities in scope once.
 */
@Resolver(() => City)
export class RankingResolver {
  @Query(() => RankingResult, {
    description:
      "Cities ordered best-first by the indicator's direction (NEUTRAL: highest first), with competition ranks, percentiles and uncertainty tiers",
  })
  ranking(
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('indicator', () => String, { description: 'Indicator code' }) indicator: string,
    @Arg('year', () => Int, YEAR) year?: number | null,
    @Arg('filter', () => CityFilter, { nullable: true, description: 'Rank only these cities' })
    filter?: CityFilter | null,
    @Arg('first', () => Int, {
      nullable: true,
      description: 'Number of entries returned (default and maximum: the page sizes); totalCount counts all',
    })
    first?: number | null,
    @Arg('asOf', () => ID, AS_OF) asOf?: string | null,
  ): Promise<RankingResult> {
    return ranking(context, { indicator, year, filter, first, asOf }, rankingSelection(info));
  }

  @FieldResolver(() => CityRank, {
    nullable: true,
    description:
      "The city's rank among all cities in scope (not only the page); null when it has no value. Batched: one statement per distinct argument set",
  })
  async rank(
    @Parent() city: City,
    @Ctx() context: Context,
    @Arg('indicator', () => String, { description: 'Indicator code' }) indicator: string,
    @Arg('year', () => Int, YEAR) year?: number | null,
    @Arg('filter', () => CityFilter, { nullable: true, description: 'Rank among these cities only' })
    filter?: CityFilter | null,
    @Arg('asOf', () => ID, { nullable: true, description: 'Release id: the data as it stood then' })
    asOf?: string | null,
  ): Promise<CityRank | null> {
    checkYear('year', year);
    checkReference('indicator', indicator);
    // Loaders, so each check costs at most one statement per request, not one per city.
    if (filter?.ids) await resolveCities(context, filter.ids, 'filter.ids');
    const releaseId = (await resolveAsOf(context, asOf)) ?? null;
    const scope = await observationScope(context, { filter, releaseId });
    const table = await explainUnknown(
      context,
      'indicator',
      context.loaders.rankingTable.load({ indicatorCode: indicator, year: year ?? null, scope }),
    );
    return table.get(city.id) ?? null;
  }
}
