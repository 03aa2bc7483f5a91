import { Field, Float, Int, ObjectType } from 'type-graphql';
import { City } from '../../city/city.entity';
import { PageInfo } from '../../common/connection';
import { Indicator } from '../../indicator/indicator.entity';
import { Source } from '../../source/source.entity';
import { Citation, Warning } from '../analytics.types';

/** Fewer yearly values than this and a trend gets FEW_OBSERVATIONS (its numbers are still given when defined). */
export const TREND_FEW_POINTS = 5;

@ObjectType({ description: "A city's trend in one indicator: a straight line fitted to its yearly values in a window" })
export class CityTrend {
  @Field(() => City)
  city: City;

  @Field(() => Int, { description: 'Number of yearly values fitted (one per year: lowest source id)' })
  n: number;

  @Field(() => Int, { nullable: true, description: 'First year with a value in the window' })
  firstYear: number | null;

  @Field(() => Int, { nullable: true, description: 'Last year with a value in the window' })
  lastYear: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Ordinary least squares slope, in units of the indicator per year: Sxy / Sxx; null below 2 values',
  })
  slope: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Standard error of the OLS slope: sqrt(SSE / (n - 2) / Sxx); null below 3 values',
  })
  standardError: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Lower end of the 95% confidence interval of the OLS slope: slope - t(0.975, n - 2) * standardError (Student t); null below 3 values',
  })
  ciLower: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Upper end of the 95% confidence interval of the OLS slope; null below 3 values',
  })
  ciUpper: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Theil-Sen slope: the median of the slopes between every pair of yearly values (robust to outliers); null below 2 values',
  })
  theilSen: number | null;

  @Field(() => [Source], { description: 'The sources of the values fitted, by id' })
  sources: Source[] | Promise<Source[]>;

  @Field(() => [Warning], {
    description:
      'FEW_OBSERVATIONS below 5 values; BREAK_IN_SERIES for years missing between the first and last, a change of source, or a value marked BREAK_IN_SERIES after the first',
  })
  warnings: Warning[];
}

@ObjectType({ description: "A page of cities' trends in one indicator, by city name" })
export class TrendResult {
  @Field(() => [CityTrend], { description: 'Cities in scope with at least one value in the window, by name then id' })
  entries: CityTrend[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Cities in scope with at least one value in the window, across all pages' })
  totalCount: number;

  @Field(() => Indicator)
  indicator: Indicator;

  @Field(() => Int, { nullable: true, description: 'The first year asked for (null: from the earliest value)' })
  yearFrom: number | null;

  @Field(() => Int, { nullable: true, description: 'The last year asked for (null: up to the latest value)' })
  yearTo: number | null;

  @Field(() => Citation, {
    description: 'The sources of the values fitted on this page, the release and the query hash',
  })
  citation: Citation;

  @Field(() => [Warning], { description: 'About the entries of this page' })
  warnings: Warning[];
}
