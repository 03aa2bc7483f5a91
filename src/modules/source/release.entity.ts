import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Source } from './source.entity';

@ObjectType({
  description:
    'One load of data. Observations are never overwritten: a release that changes a value supersedes the old row, so queries can be answered as of an earlier release.',
})
@Entity()
export class Release {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => String)
  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'int', nullable: true })
  sourceId: number | null;

  @ManyToOne(() => Source, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'source_id' })
  source?: Source;

  @Field(() => Int, { description: 'Observations this release added' })
  @Column({ type: 'int', default: 0 })
  rowsAdded: number;

  @Field(() => Int, { description: 'Observations this release changed (superseding the old row)' })
  @Column({ type: 'int', default: 0 })
  rowsChanged: number;

  @Field(() => Int, { description: 'Rows of the load that matched the current value and were not stored again' })
  @Column({ type: 'int', default: 0 })
  rowsUnchanged: number;
}
