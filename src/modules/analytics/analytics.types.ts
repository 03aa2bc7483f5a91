import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Release } from '../source/release.entity';
import { Source } from '../source/source.entity';

export enum WarningCode {
  /** The answer combines indicators measured in different units. */
  MIXED_UNITS = 'MIXED_UNITS',
  /** Some values are estimates or provisional. */
  ESTIMATED_VALUES = 'ESTIMATED_VALUES',
  /** Some values were converted from another unit or definition. */
  CONVERTED_VALUES = 'CONVERTED_VALUES',
  /** Some series have a break: values before and after are not comparable. */
  BREAK_IN_SERIES = 'BREAK_IN_SERIES',
  /** Too few cities or points for the statistic to mean much (or to be defined at all). */
  FEW_OBSERVATIONS = 'FEW_OBSERVATIONS',
  /** Nothing matched: not an error, an empty answer. */
  NO_DATA = 'NO_DATA',
  /** The indicator has no better direction; ordered highest first. */
  NEUTRAL_DIRECTION = 'NEUTRAL_DIRECTION',
  /** Some adopted commitments have no date, so the cities were left out of a before/after comparison. */
  UNDATED_COMMITMENTS = 'UNDATED_COMMITMENTS',
  /** Donors outnumber the years fitted, so other weights may fit as well (syntheticControl). */
  NON_UNIQUE_WEIGHTS = 'NON_UNIQUE_WEIGHTS',
  /** The synthetic city does not follow the real one before adoption (syntheticControl). */
  POOR_PRE_FIT = 'POOR_PRE_FIT',
  /** Years or cities were left out so that every city has a value in every year used (syntheticControl). */
  INCOMPLETE_PANEL = 'INCOMPLETE_PANEL',
  /** The joint test that every pre-adoption effect is zero rejects at 5% (commitmentImpact CALLAWAY_SANTANNA). */
  PRE_TREND_FAILED = 'PRE_TREND_FAILED',
}
registerEnumType(WarningCode, { name: 'WarningCode' });

@ObjectType({ description: 'Something a reader of the numbers should know' })
export class Warning {
  @Field(() => WarningCode)
  code: WarningCode;

  @Field(() => String)
  message: string;
}

@ObjectType({ description: 'How to cite an answer, and what it was computed from' })
export class Citation {
  @Field(() => String, { description: 'Citation text to paste: every source used, the release and the query hash' })
  text: string;

  @Field(() => [Source], { description: 'Every source whose values entered the answer' })
  sources: Source[];

  @Field(() => Release, { nullable: true, description: 'The release the data is as of (null on an empty database)' })
  release: Release | null;

  @Field(() => String, {
    description: 'Stable hash of the query, its normalised arguments and the release: same hash, same answer',
  })
  queryHash: string;
}
