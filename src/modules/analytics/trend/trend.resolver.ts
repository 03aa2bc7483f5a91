import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver } from 'type-graphql';
import { Parent } from '../../common/parent';
import type { Context } from '../../../context';
import { CityFilter } from '../../city/city.args';
import { City } from '../../city/city.entity';
import { cityTrend, trend } from './trend';
import { CityTrend, TrendResult } from './trend.types';

const INDICATOR = { description: 'Indicator code' };
const YEAR_FROM = { nullable: true, description: 'First year of the window (default: the earliest value)' };
const YEAR_TO = { nullable: true, description: 'Last year of the window (default: the latest value)' };
const AS_OF = { nullable: true, description: 'Release id: the data as it stood then (default: the newest release)' };

/** `trend` and the nested `City.trend`; the numbers come from trend.ts, the SQL from trend.sql.ts. */
@Resolver(() => City)
export class TrendResolver {
  @Query(() => TrendResult, {
    description:
      "Per city, a straight-line trend of one indicator's yearly values in a window: OLS slope with its standard error and 95% confidence interval, and the Theil-Sen slope. A page of cities by name",
  })
  trend(
    @Ctx() context: Context,
    @Arg('indicator', () => String, INDICATOR) indicator: string,
    @Arg('filter', () => CityFilter, { nullable: true, description: 'Only these cities' }) filter?: CityFilter | null,
    @Arg('yearFrom', () => Int, YEAR_FROM) yearFrom?: number | null,
    @Arg('yearTo', () => Int, YEAR_TO) yearTo?: number | null,
    @Arg('asOf', () => ID, AS_OF) asOf?: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default and maximum: the page sizes)' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page' })
    after?: string | null,
  ): Promise<TrendResult> {
    return trend(context, { indicator, filter, yearFrom, yearTo, asOf, first, after });
  }

  @FieldResolver(() => CityTrend, {
    name: 'trend',
    nullable: true,
    description:
      "The city's trend in one indicator, as in `trend`; null when it has no value in the window. Batched: one statement for all cities of a list",
  })
  cityTrend(
    @Parent() city: City,
    @Ctx() context: Context,
    @Arg('indicator', () => String, INDICATOR) indicator: string,
    @Arg('yearFrom', () => Int, YEAR_FROM) yearFrom?: number | null,
    @Arg('yearTo', () => Int, YEAR_TO) yearTo?: number | null,
    @Arg('asOf', () => ID, { nullable: true, description: 'Release id: the data as it stood then' })
    asOf?: string | null,
  ): Promise<CityTrend | null> {
    return cityTrend(context, city, { indicator, yearFrom, yearTo, asOf });
  }
}
