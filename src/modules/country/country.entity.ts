import { Field, ObjectType } from 'type-graphql';
import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

@ObjectType()
@Entity()
@Check('CHK_country_code', `"code" ~ '^[A-Z]{2}$'`)
@Check('CHK_country_alpha3', `"alpha3" ~ '^[A-Z]{3}$'`)
export class Country {
  @Field(() => String, { description: 'ISO 3166-1 alpha-2 code, e.g. US' })
  @PrimaryColumn({ type: 'char', length: 2 })
  code: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-3 code, e.g. USA' })
  @Column({ type: 'char', length: 3, unique: true })
  alpha3: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 200 })
  name: string;
}
