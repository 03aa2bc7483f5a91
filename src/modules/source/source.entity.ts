import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: 'Where a fact comes from: cite it with `citation`.' })
@Entity()
export class Source {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => String)
  @Column({ type: 'varchar', length: 300 })
  publisher: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 500, unique: true })
  title: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 1000, nullable: true })
  url: string | null;

  @Field(() => String, { nullable: true, description: 'Licence of the data, e.g. CC-BY-4.0' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  license: string | null;

  @Field(() => String, { nullable: true, description: 'ISO date the data was retrieved' })
  @Column({ type: 'date', nullable: true })
  retrievedOn: string | null;

  @Field(() => String, { description: 'Citation text to paste' })
  @Column({ type: 'text' })
  citation: string;

  @Field(() => Boolean, { description: 'True for generated benchmark data; never true in the demo database' })
  @Column({ type: 'boolean', default: false })
  synthetic: boolean;
}
