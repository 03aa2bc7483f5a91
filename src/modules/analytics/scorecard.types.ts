import { Field, Float, Int, ObjectType } from 'type-graphql';
import { City } from '../city/city.entity';
import { Commitment } from '../commitment/commitment.entity';
import { Indicator } from '../indicator/indicator.entity';
import { Observation } from '../indicator/observation.entity';
import { Right } from '../right/right.entity';
import { Citation, Warning } from './analytics.types';

/** The trend is fitted over the city's values in the years (latest - TREND_YEARS, latest]. */
export const TREND_YEARS = 10;
/** Fewer points than this and the slope is null (two points always fit a line exactly). */
export const TREND_MIN_POINTS = 3;

@ObjectType({ description: "One indicator of a right in a city's scorecard" })
export class ScorecardIndicator {
  @Field(() => Indicator)
  indicator: Indicator;

  @Field(() => Observation, {
    nullable: true,
    description:
      "The city's latest value (total, as of the release; lowest source id if two sources report that year), with its bounds, status and source; null when it has none",
  })
  latest: Observation | null;

  @Field(() => Float, { nullable: true, description: 'latest.value' })
  value: number | null;

  @Field(() => Int, { nullable: true, description: 'latest.year' })
  year: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Competition rank (1224) of the city's latest value among the latest values of the city and its peers, best first by the indicator's direction (NEUTRAL: highest first); null when the city has no value",
  })
  rank: number | null;

  @Field(() => Int, { description: 'Cities ranked: the city (when it has a value) and the peers with a value' })
  rankedCount: number;

  @Field(() => Float, {
    nullable: true,
    description: `Least-squares slope per year (regr_slope(value, year)) over the city's values in the ${TREND_YEARS} years up to its latest year; null with fewer than ${TREND_MIN_POINTS} points`,
  })
  trend: number | null;

  @Field(() => Int, { description: 'Number of yearly values the trend is fitted on' })
  trendPoints: number;

  @Field(() => Int, { nullable: true, description: 'First year with a value in the trend window' })
  trendFirstYear: number | null;

  @Field(() => Int, { nullable: true, description: 'Last year with a value in the trend window (= year)' })
  trendLastYear: number | null;
}

@ObjectType({ description: "One right in a city's scorecard: what the city committed to, and how it does" })
export class ScorecardRight {
  @Field(() => Right)
  right: Right;

  @Field(() => [Commitment], {
    description:
      "The city's commitments covering this right, directly (the commitment's rights) or through their instrument (the instrument's rights); any status; by adoption date",
  })
  commitments: Commitment[];

  @Field(() => [ScorecardIndicator], { description: 'Every indicator measuring this right, by code' })
  indicators: ScorecardIndicator[];
}

@ObjectType()
export class ScorecardResult {
  @Field(() => City)
  city: City;

  @Field(() => [City], {
    description:
      'The cities ranked against: those asked for, else the other cities of the same country, else (when it has none) all other cities',
  })
  peers: City[];

  @Field(() => [ScorecardRight], {
    description: 'Every right that some indicator measures or some commitment of the city covers, by code',
  })
  rights: ScorecardRight[];

  @Field(() => [Commitment], {
    description: "The city's commitments that cover no right (e.g. a human rights city declaration), by adoption date",
  })
  otherCommitments: Commitment[];

  @Field(() => Citation)
  citation: Citation;

  @Field(() => [Warning])
  warnings: Warning[];
}
