import { Field, ObjectType } from 'type-graphql';
import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** Names in the six official languages of the United Nations, from i18n-iso-countries. */
@ObjectType({ description: 'Short names in the six UN languages' })
export class CountryNames {
  @Field(() => String, { nullable: true, description: 'Arabic' })
  ar?: string;

  @Field(() => String, { nullable: true, description: 'Chinese' })
  zh?: string;

  @Field(() => String, { nullable: true, description: 'English' })
  en?: string;

  @Field(() => String, { nullable: true, description: 'French' })
  fr?: string;

  @Field(() => String, { nullable: true, description: 'Russian' })
  ru?: string;

  @Field(() => String, { nullable: true, description: 'Spanish' })
  es?: string;
}

@ObjectType()
@Entity()
@Check('CHK_country_code', `"code" ~ '^[A-Z]{2}$'`)
@Check('CHK_country_alpha3', `"alpha3" ~ '^[A-Z]{3}$'`)
@Check('CHK_country_numeric', `"numeric" ~ '^[0-9]{3}$'`)
export class Country {
  @Field(() => String, { description: 'ISO 3166-1 alpha-2 code, e.g. US' })
  @PrimaryColumn({ type: 'char', length: 2 })
  code: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-3 code, e.g. USA' })
  @Column({ type: 'char', length: 3, unique: true })
  alpha3: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 numeric code, e.g. 840; null where ISO gives none' })
  @Column({ type: 'char', length: 3, nullable: true })
  numeric: string | null;

  @Field(() => String)
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Field(() => CountryNames, { description: 'Short names in the six UN languages (ar, zh, en, fr, ru, es)' })
  @Column({ type: 'jsonb', default: () => `'{}'` })
  names: CountryNames;
}
