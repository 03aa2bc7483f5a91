import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Country } from '../country/country.entity';

@ObjectType({
  description:
    'A city. Identity is the id or slug, never the name: York GB and York US are different cities, so are the two Louisvilles in the US.',
})
@Entity()
@Check('CHK_city_slug', `"slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)
@Check('CHK_city_latitude', `"latitude" IS NULL OR "latitude" BETWEEN -90 AND 90`)
@Check('CHK_city_longitude', `"longitude" IS NULL OR "longitude" BETWEEN -180 AND 180`)
@Check('CHK_city_population', `"population" IS NULL OR "population" >= 0`)
// Trigram index over the accent-folded names; created by hand in the migration because TypeORM
// cannot express an index on a function of several columns.
@Index('IDX_city_search_trgm', { synchronize: false })
export class City {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => String, { description: 'Stable, URL-safe, unique, e.g. pittsburgh-us' })
  @Column({ type: 'varchar', length: 120, unique: true })
  slug: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Field(() => String, { description: 'The name in plain ASCII' })
  @Column({ type: 'varchar', length: 200 })
  asciiName: string;

  @Field(() => [String], { description: 'Other names the city goes by, e.g. Wien for Vienna' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  alternateNames: string[];

  @Index()
  @Column({ type: 'char', length: 2 })
  countryCode: string;

  @ManyToOne(() => Country, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'country_code' })
  country?: Country;

  @Field(() => String, { nullable: true, description: 'First-level administrative region, e.g. PA' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  region: string | null;

  @Field(() => Float, { nullable: true })
  @Column({ type: 'double precision', nullable: true })
  latitude: number | null;

  @Field(() => Float, { nullable: true })
  @Column({ type: 'double precision', nullable: true })
  longitude: number | null;

  @Field(() => String, { nullable: true, description: 'Wikidata item id, e.g. Q1342' })
  @Column({ type: 'varchar', length: 20, nullable: true })
  wikidataId: string | null;

  @Field(() => String, { nullable: true, description: 'GeoNames id' })
  @Column({ type: 'varchar', length: 20, nullable: true })
  geonamesId: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Population, from the gazetteer (GeoNames) when the import created the city; null when not known',
  })
  @Column({ type: 'integer', nullable: true })
  population: number | null;
}
