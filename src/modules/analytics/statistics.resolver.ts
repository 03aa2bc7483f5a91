import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/parent';
import type { Context } from '../../context';
import { City } from '../city/city.entity';
import { CityFilter } from '../city/city.args';
import { citationSelected } from './citation';
import { correlation, CorrelationResult } from './correlation';
import { groupCities, statistics, StatisticsGroup, StatisticsGroupBy, StatisticsResult } from './statistics';

const AS_OF = { nullable: true, description: 'Release id: the data as it stood then (default: the newest release)' };
const FILTER = { nullable: true, description: 'Only these cities' };

/** `statistics` and `correlation`: one aggregate statement each (see statistics.ts, correlation.ts). */
@Resolver(() => StatisticsGroup)
export class StatisticsResolver {
  @Query(() => StatisticsResult, {
    description:
      "Count, mean, median, min, max, sample stddev, 25th and 75th percentiles (percentile_cont) of one indicator's values in one year, per group of cities",
  })
  statistics(
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('indicator', () => String) indicator: string,
    @Arg('year', () => Int) year: number,
    @Arg('groupBy', () => StatisticsGroupBy, { defaultValue: StatisticsGroupBy.NONE }) groupBy: StatisticsGroupBy,
    @Arg('instrument', () => String, {
      nullable: true,
      description: 'Instrument code for groupBy COMMITMENT (required there, rejected otherwise), e.g. CEDAW',
    })
    instrument?: string | null,
    @Arg('filter', () => CityFilter, FILTER) filter?: CityFilter | null,
    @Arg('asOf', () => ID, AS_OF) asOf?: string | null,
  ): Promise<StatisticsResult> {
    return statistics(context, { indicator, year, groupBy, instrument, filter, asOf }, citationSelected(info));
  }

  @Query(() => CorrelationResult, {
    description:
      "Pearson's r and Spearman's rho (average ranks) between two indicators across the cities with both values in one year, with the points",
  })
  correlation(
    @Ctx() context: Context,
    @Arg('x', () => String, { description: 'Indicator code of the x variable' }) x: string,
    @Arg('y', () => String, { description: 'Indicator code of the y variable' }) y: string,
    @Arg('year', () => Int) year: number,
    @Arg('filter', () => CityFilter, FILTER) filter?: CityFilter | null,
    @Arg('asOf', () => ID, AS_OF) asOf?: string | null,
  ): Promise<CorrelationResult> {
    return correlation(context, { x, y, year, filter, asOf });
  }

  @FieldResolver(() => [City], { description: 'The cities of the group, by name (one statement for all groups)' })
  cities(@Ctx() context: Context, @Parent() group: StatisticsGroup): Promise<City[]> {
    return groupCities(context, group);
  }
}
