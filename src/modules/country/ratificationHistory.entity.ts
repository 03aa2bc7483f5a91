import { Field, ID, Int, ObjectType } from 'type-graphql';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { enumCheck } from '../common/sqlEnum';
import { Instrument } from '../instrument/instrument.entity';
import { Source } from '../source/source.entity';
import { Country } from './country.entity';
import { RatificationStatus } from './ratification.entity';

/**
 * A national status that a newer fact replaced in `ratification`, or an older fact that arrived
 * after a newer one. Kept so that a status that changed between two sources (the 2022 UN
 * snapshot and the 2026 fact sheet) stays visible with its date instead of being overwritten.
 */
@ObjectType({ description: 'An older national status of one instrument, superseded by a newer source' })
@Entity()
@Unique('UQ_ratification_history_fact', ['countryCode', 'instrumentId', 'asOf'])
@Check('CHK_ratification_history_status', enumCheck('status', RatificationStatus))
export class RatificationHistory {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column({ type: 'char', length: 2 })
  countryCode: string;

  @ManyToOne(() => Country, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'country_code' })
  country?: Country;

  @Column({ type: 'int' })
  instrumentId: number;

  @ManyToOne(() => Instrument, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'instrument_id' })
  instrument?: Instrument;

  @Field(() => RatificationStatus)
  @Column({ type: 'varchar', length: 20 })
  status: RatificationStatus;

  @Field(() => Int, { nullable: true, description: 'Year of ratification or accession' })
  @Column({ type: 'smallint', nullable: true })
  year: number | null;

  @Field(() => String, { nullable: true, description: 'ISO date of ratification or accession, where known' })
  @Column({ type: 'date', nullable: true })
  date: string | null;

  @Field(() => Int, { nullable: true, description: 'Year of signature, where signed' })
  @Column({ type: 'smallint', nullable: true })
  signedYear: number | null;

  @Column({ type: 'int', nullable: true })
  sourceId: number | null;

  @ManyToOne(() => Source, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'source_id' })
  source?: Source;

  @Field(() => String, { nullable: true, description: 'ISO date the source states the status as of' })
  @Column({ type: 'date', nullable: true })
  asOf: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt: Date;
}
