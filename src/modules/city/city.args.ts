import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { CommitmentFilter } from '../commitment/commitment.args';
import { OrderDirection } from '../common/order';

@InputType({ description: 'All given conditions must hold' })
export class CityFilter {
  @Field(() => [ID], { nullable: true, description: 'City ids or slugs' })
  ids?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Slugs, e.g. ["pittsburgh-us", "boston-us"]' })
  slugs?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO 3166-1 alpha-2 or alpha-3 codes, any case' })
  countryCodes?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Accent- and case-insensitive substring of the name, ASCII name or an alternate name ("wien" finds Vienna)',
  })
  search?: string | null;

  @Field(() => [String], { nullable: true, description: 'Member of any of these networks' })
  networkCodes?: string[] | null;

  @Field(() => CommitmentFilter, {
    nullable: true,
    description: 'Has at least one commitment meeting all these conditions',
  })
  hasCommitment?: CommitmentFilter | null;

  @Field(() => String, {
    nullable: true,
    description:
      'An instrument code, e.g. CEDAW: cities with an adopted or implemented local commitment to it in a country ' +
      'that is not a party to it (no RATIFIED, ACCEDED or STATE_PARTY status; a country without any status counts ' +
      'as not a party)',
  })
  localCommitmentWithoutNationalRatification?: string | null;
}

export enum CityOrderField {
  NAME = 'NAME',
  SLUG = 'SLUG',
  COUNTRY = 'COUNTRY',
  ID = 'ID',
}
registerEnumType(CityOrderField, { name: 'CityOrderField', description: 'COUNTRY orders by country code, then name' });

@InputType()
export class CityOrder {
  @Field(() => CityOrderField, { defaultValue: CityOrderField.NAME })
  field: CityOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction: OrderDirection;
}
