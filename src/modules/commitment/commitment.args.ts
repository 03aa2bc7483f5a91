import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { CommitmentKind, CommitmentStatus } from './commitment.entity';

@InputType({ description: 'Conditions on commitments; all given conditions must hold for the same commitment' })
export class CommitmentFilter {
  @Field(() => [ID], { nullable: true, description: 'City ids or slugs' })
  cityIds?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'ISO 3166-1 alpha-2 or alpha-3 codes of the cities’ countries, any case',
  })
  countryCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Instrument codes, e.g. CEDAW, HRC' })
  instrumentCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Codes of rights the commitment covers (any of them)' })
  rightCodes?: string[] | null;

  @Field(() => [CommitmentKind], { nullable: true })
  kinds?: CommitmentKind[] | null;

  @Field(() => [CommitmentStatus], { nullable: true })
  statuses?: CommitmentStatus[] | null;

  @Field(() => Int, { nullable: true, description: 'Adopted in this year or later' })
  adoptedFromYear?: number | null;

  @Field(() => Int, { nullable: true, description: 'Adopted in this year or earlier' })
  adoptedToYear?: number | null;
}

export enum CommitmentOrderField {
  ADOPTED_ON = 'ADOPTED_ON',
  ID = 'ID',
}
registerEnumType(CommitmentOrderField, { name: 'CommitmentOrderField' });
