import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { City } from '../city/city.entity';
import { enumCheck } from '../common/sqlEnum';
import { Release } from '../source/release.entity';
import { Source } from '../source/source.entity';
import { Indicator } from './indicator.entity';
import { MAX_YEAR, MIN_YEAR } from '../common/years';

export enum ObservationStatus {
  MEASURED = 'MEASURED',
  ESTIMATED = 'ESTIMATED',
  PROVISIONAL = 'PROVISIONAL',
  CONVERTED = 'CONVERTED',
  BREAK_IN_SERIES = 'BREAK_IN_SERIES',
}
registerEnumType(ObservationStatus, { name: 'ObservationStatus' });

/**
 * One value of one indicator for one city and year, optionally for a disaggregation such as
 * sex=female (`disaggregation` is '' for the total). A row is never updated in place: a later
 * release that changes the value inserts a new row and stamps the old one with
 * `superseded_in_release_id`, which is what makes "as of release N" answerable.
 *
 * The table is partitioned by HASH (indicator_id) (migration PartitionObservations,
 * docs/scaling.md): a key of a partitioned table must contain the partition key, so the primary
 * key is (id, indicator_id). `id` comes from one sequence and is what the API shows.
 */
@ObjectType({ description: 'One value of one indicator for one city and year' })
@Entity()
@Unique('UQ_observation_key_release', ['cityId', 'indicatorId', 'year', 'disaggregation', 'sourceId', 'releaseId'])
// At most one current row per key: the partial unique index is what the import merge relies on.
// It and IDX_observation_latest lead with the indicator, so an import's entries land in one range
// per indicator instead of on every page (LeadObservationKeysWithIndicator); the key per release
// keeps the city first, for `observations` pages and the export.
@Index('UQ_observation_current', ['indicatorId', 'cityId', 'year', 'disaggregation', 'sourceId'], {
  unique: true,
  where: '"superseded_in_release_id" IS NULL',
})
// A city's latest value of an indicator, answered from the index alone: (indicator_id, city_id,
// year DESC, source_id) INCLUDE (id, value, lower, upper, status, release_id,
// superseded_in_release_id) WHERE disaggregation = ''. A series is one range of it, and so are all
// cities' totals of an indicator (read for a year, the year is checked in the index); both are
// index-only reads. Never free text such as `note`: an entry must fit in a third of a page, so a
// long note failed its import (DropNoteFromLatestIndex). Written by hand in the migrations:
// TypeORM cannot express DESC or INCLUDE.
@Index('IDX_observation_latest', { synchronize: false })
@Check('CHK_observation_year', `"year" BETWEEN ${MIN_YEAR} AND ${MAX_YEAR}`)
@Check('CHK_observation_status', enumCheck('status', ObservationStatus))
@Check('CHK_observation_bounds', `("lower" IS NULL OR "lower" <= "value") AND ("upper" IS NULL OR "value" <= "upper")`)
@Check('CHK_observation_finite', `"value" NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)`)
@Check('CHK_observation_superseded', `"superseded_in_release_id" IS NULL OR "superseded_in_release_id" > "release_id"`)
export class Observation {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  cityId: number;

  @ManyToOne(() => City, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'city_id' })
  city?: City;

  @PrimaryColumn({ type: 'int' })
  indicatorId: number;

  @ManyToOne(() => Indicator, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'indicator_id' })
  indicator?: Indicator;

  @Field(() => Int)
  @Column({ type: 'smallint' })
  year: number;

  @Field(() => String, {
    description: "Disaggregation key such as 'sex=female' (dimension=value pairs joined by ';'); '' is the total",
  })
  @Column({ type: 'varchar', length: 200, default: '' })
  disaggregation: string;

  @Field(() => Float)
  @Column({ type: 'double precision' })
  value: number;

  @Field(() => Float, { nullable: true, description: 'Lower bound of the uncertainty interval' })
  @Column({ type: 'double precision', nullable: true })
  lower: number | null;

  @Field(() => Float, { nullable: true, description: 'Upper bound of the uncertainty interval' })
  @Column({ type: 'double precision', nullable: true })
  upper: number | null;

  @Field(() => ObservationStatus)
  @Column({ type: 'varchar', length: 20, default: ObservationStatus.MEASURED })
  status: ObservationStatus;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'int' })
  sourceId: number;

  @ManyToOne(() => Source, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'source_id' })
  source?: Source;

  @Column({ type: 'int' })
  releaseId: number;

  @ManyToOne(() => Release, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'release_id' })
  release?: Release;

  @Column({ type: 'int', nullable: true })
  supersededInReleaseId: number | null;

  @ManyToOne(() => Release, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'superseded_in_release_id' })
  supersededInRelease?: Release | null;
}
