import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { City } from '../city/city.entity';
import { enumCheck } from '../common/sqlEnum';
import { Instrument } from '../instrument/instrument.entity';
import { Right } from '../right/right.entity';
import { Source } from '../source/source.entity';
import { SUPERSEDED_AFTER_ADDED, VersionedFact } from '../source/versionedFact';
import { MAX_YEAR, MIN_YEAR } from '../common/years';

export enum CommitmentKind {
  ORDINANCE = 'ORDINANCE',
  RESOLUTION = 'RESOLUTION',
  DECLARATION = 'DECLARATION',
  CHARTER = 'CHARTER',
  PROCLAMATION = 'PROCLAMATION',
  DIRECTIVE = 'DIRECTIVE',
  POLICY = 'POLICY',
}
registerEnumType(CommitmentKind, { name: 'CommitmentKind' });

export enum CommitmentStatus {
  PROPOSED = 'PROPOSED',
  ADOPTED = 'ADOPTED',
  IMPLEMENTED = 'IMPLEMENTED',
  LAPSED = 'LAPSED',
  REPEALED = 'REPEALED',
}
registerEnumType(CommitmentStatus, { name: 'CommitmentStatus' });

/** How much of `adoptedOn` is known: sources often give only the year or the month. */
export enum DatePrecision {
  YEAR = 'YEAR',
  MONTH = 'MONTH',
  DAY = 'DAY',
}
registerEnumType(DatePrecision, { name: 'DatePrecision' });

@ObjectType({ description: 'What a city committed to locally: an ordinance, resolution, declaration, charter...' })
@Entity()
@Check('CHK_commitment_kind', enumCheck('kind', CommitmentKind))
@Check('CHK_commitment_status', enumCheck('status', CommitmentStatus))
@Check('CHK_commitment_adopted_precision', enumCheck('adopted_precision', DatePrecision))
@Check(
  'CHK_commitment_adopted_on',
  `"adopted_on" IS NULL OR "adopted_on" BETWEEN '${MIN_YEAR}-01-01' AND '${MAX_YEAR}-12-31'`,
)
@Check('CHK_commitment_superseded', SUPERSEDED_AFTER_ADDED)
// One current version per commitment: an update supersedes the row and inserts the next version
// with the same lineage id.
@Index('UQ_commitment_current_lineage', ['lineageId'], { unique: true, where: '"superseded_in_release_id" IS NULL' })
export class Commitment extends VersionedFact {
  /** The row: one version of the commitment. The API's `Commitment.id` is `lineageId`. */
  @PrimaryGeneratedColumn()
  id: number;

  /**
   * The commitment across its versions: the id of its first version, set by a trigger
   * (AddReleaseVersionedFacts) when an insert leaves it empty.
   */
  @Field(() => ID, { name: 'id', description: 'The commitment, the same across its versions' })
  @Index()
  @Column({ type: 'int' })
  lineageId: number;

  @Index()
  @Column({ type: 'int' })
  cityId: number;

  @ManyToOne(() => City, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'city_id' })
  city?: City;

  @Index()
  @Column({ type: 'int', nullable: true })
  instrumentId: number | null;

  @ManyToOne(() => Instrument, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'instrument_id' })
  instrument?: Instrument | null;

  @Field(() => CommitmentKind)
  @Column({ type: 'varchar', length: 20 })
  kind: CommitmentKind;

  @Field(() => String)
  @Column({ type: 'varchar', length: 500 })
  title: string;

  /** First day of the known period (year or month) when the precision is coarser than a day. */
  @Column({ type: 'date', nullable: true })
  adoptedOn: string | null;

  @Field(() => DatePrecision, { nullable: true, description: 'How much of adoptedOn is known' })
  @Column({ type: 'varchar', length: 5, nullable: true })
  adoptedPrecision: DatePrecision | null;

  @Field(() => CommitmentStatus)
  @Column({ type: 'varchar', length: 20 })
  status: CommitmentStatus;

  @Field(() => String, { nullable: true, description: 'e.g. City Council' })
  @Column({ type: 'varchar', length: 300, nullable: true })
  adoptingBody: string | null;

  @Field(() => String, { nullable: true, description: 'Document reference, e.g. Ordinance 128-98' })
  @Column({ type: 'varchar', length: 300, nullable: true })
  documentRef: string | null;

  @Column({ type: 'int', nullable: true })
  sourceId: number | null;

  @ManyToOne(() => Source, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'source_id' })
  source?: Source;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @ManyToMany(() => Right)
  @JoinTable({
    name: 'commitment_right',
    joinColumn: { name: 'commitment_id' },
    inverseJoinColumn: { name: 'right_id' },
  })
  rights?: Right[];
}
