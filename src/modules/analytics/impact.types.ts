import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { City } from '../city/city.entity';
import { Citation, Warning } from './analytics.types';
import {
  ImpactCalendarYear,
  ImpactCohort,
  ImpactEventStudyPoint,
  ImpactOverall,
  ImpactPreTrend,
} from './callawaySantanna/callawaySantanna.types';

export enum ImpactExclusionReason {
  NO_DATA_BEFORE = 'NO_DATA_BEFORE',
  NO_DATA_AFTER = 'NO_DATA_AFTER',
  NO_DATA_EITHER = 'NO_DATA_EITHER',
  NO_CONTROLS = 'NO_CONTROLS',
  NO_ADOPTION_DATE = 'NO_ADOPTION_DATE',
}
registerEnumType(ImpactExclusionReason, {
  name: 'ImpactExclusionReason',
  description: 'Why an adopter does not enter the means and the difference-in-differences',
  valuesConfig: {
    NO_DATA_BEFORE: { description: 'No value in [A - window, A - 1]' },
    NO_DATA_AFTER: { description: 'No value in [A + 1, A + window]' },
    NO_DATA_EITHER: { description: 'No value on either side' },
    NO_CONTROLS: {
      description: 'Values on both sides, but no control city has values on both sides of the same years',
    },
    NO_ADOPTION_DATE: { description: 'The adopted commitments have no date, so there is no adoption year' },
  },
});

@ObjectType({ description: 'One city that adopted the instrument locally, with its before/after comparison' })
export class ImpactAdopter {
  @Field(() => City)
  city: City;

  @Field(() => Int, {
    nullable: true,
    description: 'A: year of the earliest ADOPTED or IMPLEMENTED commitment to the instrument (null: undated)',
  })
  adoptionYear: number | null;

  @Field(() => Int, { nullable: true, description: 'A - window' })
  beforeFrom: number | null;

  @Field(() => Int, { nullable: true, description: 'A - 1' })
  beforeTo: number | null;

  @Field(() => Int, { nullable: true, description: 'A + 1' })
  afterFrom: number | null;

  @Field(() => Int, { nullable: true, description: 'A + window' })
  afterTo: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean of the city’s values in [A - window, A - 1]' })
  before: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean of the city’s values in [A + 1, A + window]' })
  after: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'after - before, in the indicator’s unit (direction not applied)',
  })
  change: number | null;

  @Field(() => Int, { description: 'Years with a value in the before window' })
  nBefore: number;

  @Field(() => Int, { description: 'Years with a value in the after window' })
  nAfter: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean of the controls’ changes (after - before) over this adopter’s windows',
  })
  controlMeanChange: number | null;

  @Field(() => Int, { description: 'Control cities with data on both sides of this adopter’s windows' })
  nControls: number;

  @Field(() => Float, { nullable: true, description: 'change - controlMeanChange' })
  differenceInDifferences: number | null;

  @Field(() => Boolean, { description: 'Whether this adopter enters the means and the difference-in-differences' })
  used: boolean;

  @Field(() => ImpactExclusionReason, { nullable: true, description: 'Why it is not used (null when used)' })
  reason: ImpactExclusionReason | null;
}

@ObjectType({ description: 'Before/after change of adopters of an instrument against non-adopting controls' })
export class ImpactResult {
  @Field(() => String)
  instrument: string;

  @Field(() => String)
  indicator: string;

  @Field(() => Int)
  window: number;

  @Field(() => [ImpactAdopter], {
    description: 'Every adopter (used or not), by adoption year (undated last), then city name',
  })
  adopters: ImpactAdopter[];

  @Field(() => [ImpactAdopter], { description: 'The adopters that are not used, each with its reason' })
  excluded: ImpactAdopter[];

  @Field(() => Float, { nullable: true, description: 'Mean of change over the used adopters' })
  meanChangeAdopters: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean of controlMeanChange over the used adopters' })
  meanChangeControls: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Mean over the used adopters of (change - controlMeanChange) = meanChangeAdopters - meanChangeControls',
  })
  differenceInDifferences: number | null;

  @Field(() => Int, { description: 'Adopters used' })
  nAdopters: number;

  @Field(() => Int, { description: 'Distinct control cities used in the window of at least one used adopter' })
  nControls: number;

  @Field(() => ImpactOverall, {
    nullable: true,
    description: 'CALLAWAY_SANTANNA: the overall ATT with its uncertainty (null under NAIVE or without an estimate)',
  })
  overall: ImpactOverall | null;

  @Field(() => [ImpactEventStudyPoint], {
    description: 'CALLAWAY_SANTANNA: the effect by years since adoption, -window..window (empty under NAIVE)',
  })
  eventStudy: ImpactEventStudyPoint[];

  @Field(() => [ImpactCohort], { description: 'CALLAWAY_SANTANNA: the effect per adoption cohort (empty under NAIVE)' })
  cohorts: ImpactCohort[];

  @Field(() => [ImpactCalendarYear], {
    description: 'CALLAWAY_SANTANNA: the effect per calendar year (empty under NAIVE)',
  })
  calendar: ImpactCalendarYear[];

  @Field(() => ImpactPreTrend, {
    nullable: true,
    description: 'CALLAWAY_SANTANNA: the joint pre-trend test (null under NAIVE or without a pre-adoption estimate)',
  })
  preTrend: ImpactPreTrend | null;

  @Field(() => String, {
    description: 'One paragraph a journalist can quote, with its caveats, written from the numbers',
  })
  summary: string;

  @Field(() => Citation)
  citation: Citation;

  @Field(() => [Warning])
  warnings: Warning[];
}
