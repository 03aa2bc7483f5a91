import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, ID, Info, Int, Query, Resolver } from 'type-graphql';
import { selectedFields } from '../common/lookahead';
import type { Context } from '../../context';
import { citationSelected } from './citation';
import { compare, COMPARE_MAX_CITIES, COMPARE_MAX_INDICATORS, CompareResult } from './compare';
import { scorecard, SCORECARD_MAX_PEERS } from './scorecard';
import { ScorecardResult } from './scorecard.types';

const AS_OF = { nullable: true, description: 'Release id: the data as it stood then (default: the newest release)' };

/** `compare` (series side by side) and `scorecard` (one city against its peers, right by right). */
@Resolver()
export class CompareResolver {
  @Query(() => CompareResult, {
    description: `One series per city and indicator, points by year, missing years absent (at most ${COMPARE_MAX_CITIES} cities and ${COMPARE_MAX_INDICATORS} indicators)`,
  })
  compare(
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('cityIds', () => [ID], { description: 'City ids or slugs' }) cityIds: string[],
    @Arg('indicatorCodes', () => [String]) indicatorCodes: string[],
    @Arg('yearFrom', () => Int, { nullable: true }) yearFrom?: number | null,
    @Arg('yearTo', () => Int, { nullable: true }) yearTo?: number | null,
    @Arg('asOf', () => ID, AS_OF) asOf?: string | null,
  ): Promise<CompareResult> {
    return compare(
      context,
      { cityIds, indicatorCodes, yearFrom, yearTo, asOf },
      selectedFields(info, ['series', 'points']),
      citationSelected(info),
    );
  }

  @Query(() => ScorecardResult, {
    description:
      "Per right: the city's commitments, and for each indicator its latest value, rank among its peers and 10-year trend",
  })
  scorecard(
    @Ctx() context: Context,
    @Arg('cityId', () => ID, { description: 'City id or slug' }) cityId: string,
    @Arg('peerCityIds', () => [ID], {
      nullable: true,
      description: `Cities to rank against (at most ${SCORECARD_MAX_PEERS}); default: the other cities of the same country, or all other cities when it has none`,
    })
    peerCityIds?: string[] | null,
    @Arg('asOf', () => ID, AS_OF) asOf?: string | null,
  ): Promise<ScorecardResult> {
    return scorecard(context, { cityId, peerCityIds, asOf });
  }
}
