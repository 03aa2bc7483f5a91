import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ImpactEstimator {
  NAIVE = 'NAIVE',
  CALLAWAY_SANTANNA = 'CALLAWAY_SANTANNA',
}
registerEnumType(ImpactEstimator, {
  name: 'ImpactEstimator',
  description: 'How commitmentImpact estimates the effect of adoption',
  valuesConfig: {
    NAIVE: { description: 'Before/after means around each adoption year against non-adopters (no uncertainty)' },
    CALLAWAY_SANTANNA: {
      description:
        'Staggered-adoption difference-in-differences of Callaway & Sant’Anna (2021): ATT(g, t) per adoption cohort and year, aggregated, with bootstrap and randomization inference',
    },
  },
});

export enum ImpactControl {
  NEVER_TREATED = 'NEVER_TREATED',
  NOT_YET_TREATED = 'NOT_YET_TREATED',
}
registerEnumType(ImpactControl, {
  name: 'ImpactControl',
  description: 'Which cities a cohort is compared with (CALLAWAY_SANTANNA)',
  valuesConfig: {
    NEVER_TREATED: { description: 'Cities without a dated adoption (in force as of the release)' },
    NOT_YET_TREATED: {
      description: 'Those, and cities of other cohorts that had not adopted yet in the year compared',
    },
  },
});

@ObjectType({ description: 'The overall average effect on the adopters after adoption, with its uncertainty' })
export class ImpactOverall {
  @Field(() => Float, { description: 'Post-adoption ATT(g, t) averaged with weights proportional to cohort size' })
  estimate: number;

  @Field(() => Float, { nullable: true, description: 'Multiplier-bootstrap standard error (city-clustered)' })
  standardError: number | null;

  @Field(() => Float, { nullable: true, description: 'estimate - 1.96 standardError' })
  lower: number | null;

  @Field(() => Float, { nullable: true, description: 'estimate + 1.96 standardError' })
  upper: number | null;

  @Field(() => Float, { nullable: true, description: 'Two-sided normal p-value of estimate / standardError' })
  pValue: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of permutations of the adoption years among cities giving an |estimate| at least as large',
  })
  randomizationPValue: number | null;
}

/** An estimate with its bootstrap standard error and 95% interval (null without bootstrap draws). */
@ObjectType()
export abstract class IntervalEstimate {
  @Field(() => Float)
  estimate: number;

  @Field(() => Float, { nullable: true })
  standardError: number | null;

  @Field(() => Float, { nullable: true })
  lower: number | null;

  @Field(() => Float, { nullable: true })
  upper: number | null;
}

@ObjectType({ description: 'The average effect a given number of years from adoption (an event study)' })
export class ImpactEventStudyPoint extends IntervalEstimate {
  @Field(() => Int, { description: 'Year minus adoption year (0: the adoption year; negative: before)' })
  relativeYear: number;
}

@ObjectType({ description: 'The average post-adoption effect of one adoption cohort' })
export class ImpactCohort extends IntervalEstimate {
  @Field(() => Int)
  adoptionYear: number;
}

@ObjectType({ description: 'The average effect in one calendar year over the cohorts that had adopted' })
export class ImpactCalendarYear extends IntervalEstimate {
  @Field(() => Int)
  year: number;
}

@ObjectType({ description: 'Joint Wald test that every pre-adoption ATT(g, t) is zero (parallel trends before)' })
export class ImpactPreTrend {
  @Field(() => Float, { description: 'Chi-square statistic with the bootstrap covariance' })
  statistic: number;

  @Field(() => Int, { description: 'Degrees of freedom: the pre-adoption estimates tested' })
  degreesOfFreedom: number;

  @Field(() => Float)
  pValue: number;
}

/** The bound on bootstrap + permutations iterations times cities, beyond which QUERY_TOO_COMPLEX. */
export const MAX_ITERATION_CITIES = 5_000_000;
export const DEFAULT_BOOTSTRAP = 999;
export const DEFAULT_PERMUTATIONS = 999;
export const DEFAULT_SEED = 1;
/** Fewer adopting cities than this is a caveat of the summary and a warning. */
export const FEW_ADOPTERS = 5;
/** Fewer treated cities than this in a pre-adoption cell: the pre-trend test is said to reject too often. */
export const SMALL_PRE_COHORT = 10;
