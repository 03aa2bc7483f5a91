import { Field, Float, Int, ObjectType } from 'type-graphql';
import { City } from '../../city/city.entity';
import { Indicator } from '../../indicator/indicator.entity';
import { Citation, Warning } from '../analytics.types';

/** Fewer pre-adoption years than this and the answer gets FEW_OBSERVATIONS. */
export const SYNTHETIC_FEW_PRE_YEARS = 5;
/** A pre-period RMSPE above this share of the treated city's pre-period standard deviation is POOR_PRE_FIT. */
export const POOR_FIT_SHARE = 0.1;
/**
 * At most this many donors: the placebo test fits donors + 1 synthetic controls of up to this
 * many weights each, on a compute thread (about 1 s at 50 donors; docs/analytics/syntheticControl.md).
 */
export const MAX_DONORS = 50;

@ObjectType({ description: "A donor city's weight in the synthetic control" })
export class DonorWeight {
  @Field(() => City)
  city: City;

  @Field(() => Float, { description: 'Between 0 and 1; the weights of all donors sum to 1' })
  weight: number;
}

@ObjectType({ description: 'One year of the treated city against its synthetic control' })
export class SyntheticPoint {
  @Field(() => Int)
  year: number;

  @Field(() => Float, { description: "The treated city's value (one value per year: lowest source id)" })
  actual: number;

  @Field(() => Float, { description: "The synthetic control's value: sum over donors of weight x the donor's value" })
  synthetic: number;

  @Field(() => Float, { description: 'actual - synthetic' })
  gap: number;
}

@ObjectType({
  description:
    'A synthetic control for one city that adopted an instrument (Abadie, Diamond and Hainmueller 2010): the weighted mix of non-adopting cities that best matches its values before adoption, compared with it after, and the placebo test in space',
})
export class SyntheticControl {
  @Field(() => City, { description: 'The treated city' })
  city: City;

  @Field(() => String, { description: 'The instrument code' })
  instrument: string;

  @Field(() => Indicator)
  indicator: Indicator;

  @Field(() => Int, {
    description: "The year of the city's earliest dated ADOPTED or IMPLEMENTED commitment to the instrument",
  })
  adoptionYear: number;

  @Field(() => Int, { description: 'Years fitted: those before adoptionYear in which the treated city has a value' })
  preYears: number;

  @Field(() => Int, { description: 'Years compared: adoptionYear and later, in which the treated city has a value' })
  postYears: number;

  @Field(() => [DonorWeight], {
    description:
      'Every donor in the pool (cities of `donors` with no commitment to the instrument and a value in every year used), by weight descending, then city name',
  })
  weights: DonorWeight[];

  @Field(() => [SyntheticPoint], { description: 'Every year used, pre-period then post-period' })
  series: SyntheticPoint[];

  @Field(() => Float, { description: 'Root mean squared gap over the pre-period years' })
  preRmspe: number;

  @Field(() => Float, { nullable: true, description: 'Root mean squared gap over the post-period years; null without' })
  postRmspe: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'postRmspe / preRmspe; null without post years, or when the pre-period fit is exact (preRmspe at most 1e-9 of the pre-period values: the ratio is infinite)',
  })
  rmspeRatio: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "Placebo in space: (1 + donors whose placebo rmspeRatio is at least the city's) / (donors + 1), each donor refitted on the other donors as if it had adopted; never below 1 / (donors + 1). Null without post years or with one donor",
  })
  placeboPValue: number | null;

  @Field(() => String, { description: 'One paragraph, generated from these numbers, with the caveats' })
  summary: string;

  @Field(() => Citation, {
    description: "The sources of the values used (the treated city's and the donors'), the release and the query hash",
  })
  citation: Citation;

  @Field(() => [Warning], {
    description:
      'FEW_OBSERVATIONS (fewer than 5 pre-years, or a p-value floor above 0.05), NO_DATA (no post years), NON_UNIQUE_WEIGHTS, POOR_PRE_FIT, INCOMPLETE_PANEL (years or donors left out) and the status warnings',
  })
  warnings: Warning[];
}
