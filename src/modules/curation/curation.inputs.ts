import {
  ArrayMaxSize,
  IsEnum,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { Field, Float, InputType, Int } from 'type-graphql';
import { CommitmentKind, CommitmentStatus } from '../commitment/commitment.entity';
import { Direction, IndicatorKind } from '../indicator/indicator.entity';
import { PARTIAL_DATE } from '../common/text';
import { MAX_YEAR, MIN_YEAR } from '../common/years';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CODE = SLUG;

/** The optional details of a city, shared by create and update. */
@InputType()
class CityDetailsInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  asciiName?: string | null;

  @Field(() => [String], { nullable: true, description: 'Other names, e.g. Wien (replaces the list)' })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  alternateNames?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  region?: string | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsNumber()
  @Min(-90)
  @Max(90)
  latitude?: number | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsNumber()
  @Min(-180)
  @Max(180)
  longitude?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^Q\d+$/, { message: 'wikidataId must look like Q1342' })
  wikidataId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\d+$/, { message: 'geonamesId must be digits' })
  geonamesId?: string | null;
}

@InputType({ description: 'A new city; slug and asciiName are derived from the name when omitted' })
export class CreateCityInput extends CityDetailsInput {
  @Field(() => String)
  @IsString()
  @Length(1, 200)
  name: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2 code of an existing country' })
  @Matches(/^[A-Za-z]{2}$/, { message: 'countryCode must be an ISO 3166-1 alpha-2 code' })
  countryCode: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(SLUG, { message: 'slug must be lowercase words joined by hyphens' })
  @Length(1, 120)
  slug?: string | null;
}

@InputType({ description: 'Fields to change; omitted fields stay as they are' })
export class UpdateCityInput extends CityDetailsInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;
}

@InputType()
export class IndicatorInput {
  @Field(() => String)
  @Matches(CODE, { message: 'code must be lowercase words joined by hyphens, e.g. homicide-rate' })
  @Length(1, 100)
  code: string;

  @Field(() => String)
  @Length(1, 300)
  name: string;

  @Field(() => String)
  @Length(1, 50)
  unit: string;

  @Field(() => Direction)
  @IsEnum(Direction)
  direction: Direction;

  @Field(() => IndicatorKind)
  @IsEnum(IndicatorKind)
  kind: IndicatorKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 5000)
  description?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 5000)
  methodology?: string | null;

  @Field(() => [String], { nullable: true, description: 'Codes of the rights it measures (replaces the list)' })
  @IsOptional()
  @ArrayMaxSize(50)
  rightCodes?: string[] | null;
}

@InputType()
export class SourceInput {
  @Field(() => String)
  @Length(1, 300)
  publisher: string;

  @Field(() => String)
  @Length(1, 500)
  title: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] })
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  license?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  retrievedOn?: string | null;

  @Field(() => String)
  @Length(1, 5000)
  citation: string;
}

@InputType()
export class NetworkInput {
  @Field(() => String)
  @Matches(CODE, { message: 'code must be lowercase words joined by hyphens' })
  @Length(1, 100)
  code: string;

  @Field(() => String)
  @Length(1, 300)
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 5000)
  description?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(MIN_YEAR)
  @Max(MAX_YEAR)
  foundedYear?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] })
  url?: string | null;
}

@InputType({ description: 'A local commitment; adoptedOn is YYYY, YYYY-MM or YYYY-MM-DD' })
export class CommitmentInput {
  @Field(() => String, { description: 'City id' })
  @Matches(/^\d+$/, { message: 'cityId must be a city id' })
  cityId: string;

  @Field(() => String, { nullable: true, description: 'Instrument code, e.g. CEDAW' })
  @IsOptional()
  @Length(1, 50)
  instrumentCode?: string | null;

  @Field(() => CommitmentKind)
  @IsEnum(CommitmentKind)
  kind: CommitmentKind;

  @Field(() => String)
  @Length(1, 500)
  title: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PARTIAL_DATE, { message: 'adoptedOn must be YYYY, YYYY-MM or YYYY-MM-DD' })
  adoptedOn?: string | null;

  @Field(() => CommitmentStatus)
  @IsEnum(CommitmentStatus)
  status: CommitmentStatus;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 300)
  adoptingBody?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 300)
  documentRef?: string | null;

  @Field(() => String, { nullable: true, description: 'Source id' })
  @IsOptional()
  @Matches(/^\d+$/, { message: 'sourceId must be a source id' })
  sourceId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 5000)
  notes?: string | null;

  @Field(() => [String], { nullable: true, description: 'Codes of the rights it covers (replaces the list)' })
  @IsOptional()
  @ArrayMaxSize(50)
  rightCodes?: string[] | null;
}
