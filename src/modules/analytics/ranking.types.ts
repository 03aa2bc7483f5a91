import { Field, Float, Int, ObjectType } from 'type-graphql';
import { City } from '../city/city.entity';
import { Indicator } from '../indicator/indicator.entity';
import { ObservationStatus } from '../indicator/observation.entity';
import { Source } from '../source/source.entity';
import { Citation, Warning } from './analytics.types';

@ObjectType({ description: 'One city in a ranking' })
export class RankingEntry {
  /** Unset when the query does not select it. */
  @Field(() => City)
  city?: City;

  @Field(() => Int, { description: 'Competition rank ("1224"): 1 + the number of cities with a strictly better value' })
  rank: number;

  @Field(() => Float)
  value: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Lower bound of the uncertainty interval, if the source gives one',
  })
  lower: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Upper bound of the uncertainty interval, if the source gives one',
  })
  upper: number | null;

  @Field(() => Int, { description: 'Year of the value: the year asked for, else the latest year the city has' })
  year: number;

  @Field(() => ObservationStatus)
  status: ObservationStatus;

  @Field(() => Float, {
    description:
      'Share of ranked cities (itself included) whose value is equal or worse, in percent: 100 * (totalCount - rank + 1) / totalCount',
  })
  percentile: number;

  @Field(() => Int, {
    description:
      "Uncertainty tier: walking best-first, an entry shares the tier of the tier's first entry while their intervals [lower, upper] overlap",
  })
  tier: number;

  /** Unset when the query does not select it. */
  @Field(() => Source)
  source?: Source;
}

@ObjectType({ description: 'Cities ordered best-first by an indicator' })
export class RankingResult {
  @Field(() => [RankingEntry], { description: 'Best first; ties in rank by city name, then id; at most `first`' })
  entries: RankingEntry[];

  @Field(() => Int, { description: 'Number of cities ranked (cities without a value are not ranked)' })
  totalCount: number;

  @Field(() => Indicator)
  indicator: Indicator;

  @Field(() => Int, { nullable: true, description: 'The year asked for; null when each city uses its latest year' })
  year: number | null;

  /** Unset when the query does not select it (see citationSelected). */
  @Field(() => Citation)
  citation?: Citation;

  @Field(() => [Warning])
  warnings: Warning[];
}

@ObjectType({ description: "A city's place in the ranking of all cities in scope" })
export class CityRank {
  @Field(() => Int, { description: 'Competition rank ("1224")' })
  rank: number;

  @Field(() => Float)
  value: number;

  @Field(() => Int, { description: 'Year of the value used' })
  year: number;

  @Field(() => Float, { description: 'Percent of ranked cities whose value is equal or worse (itself included)' })
  percentile: number;

  @Field(() => Int, { description: 'Uncertainty tier, as in `ranking`' })
  tier: number;

  @Field(() => Int, { description: 'Number of cities ranked' })
  of: number;
}
