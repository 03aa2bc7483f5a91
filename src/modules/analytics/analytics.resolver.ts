import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { coverage, CoverageResult } from './coverage';

const AS_OF = { nullable: true, description: 'Release id: the data as it stood then (default: the newest release)' };

/**
 * The comparative queries. Each is computed in SQL (aggregates and window functions over the
 * observations in scope); this class only declares the GraphQL surface.
 */
@Resolver()
export class AnalyticsResolver {
  @Query(() => CoverageResult, {
    description: 'Per indicator: cities with data, first and last year, number of values',
  })
  coverage(
    @Ctx() context: Context,
    @Arg('indicatorCodes', () => [String], { nullable: true }) indicatorCodes?: string[] | null,
    @Arg('cityIds', () => [ID], { nullable: true, description: 'City ids or slugs' }) cityIds?: string[] | null,
    @Arg('asOf', () => ID, AS_OF) asOf?: string | null,
  ): Promise<CoverageResult> {
    return coverage(context, { indicatorCodes, cityIds, asOf });
  }
}
