import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { enumCheck } from '../common/sqlEnum';
import { Instrument } from '../instrument/instrument.entity';
import { Source } from '../source/source.entity';
import { SUPERSEDED_AFTER_ADDED, VersionedFact } from '../source/versionedFact';
import { Country } from './country.entity';
import { MAX_YEAR, MIN_YEAR } from '../common/years';

export enum RatificationStatus {
  NOT_SIGNED = 'NOT_SIGNED',
  SIGNED = 'SIGNED',
  RATIFIED = 'RATIFIED',
  ACCEDED = 'ACCEDED',
  STATE_PARTY = 'STATE_PARTY',
}
registerEnumType(RatificationStatus, {
  name: 'RatificationStatus',
  valuesConfig: {
    STATE_PARTY: {
      description:
        'A state party by ratification or accession, the source not saying which (UN Treaty Collection 2022 snapshot)',
    },
  },
});

/** The statuses that make a country bound by an instrument. */
export const PARTY_STATUSES: readonly RatificationStatus[] = [
  RatificationStatus.RATIFIED,
  RatificationStatus.ACCEDED,
  RatificationStatus.STATE_PARTY,
];

@ObjectType({ description: "A country's national status for one instrument" })
@Entity()
// One current status per country and instrument; earlier ones are kept as superseded versions.
@Index('UQ_ratification_current', ['countryCode', 'instrumentId'], {
  unique: true,
  where: '"superseded_in_release_id" IS NULL',
})
@Check('CHK_ratification_superseded', SUPERSEDED_AFTER_ADDED)
@Check('CHK_ratification_status', enumCheck('status', RatificationStatus))
@Check('CHK_ratification_year', `"year" IS NULL OR "year" BETWEEN ${MIN_YEAR} AND ${MAX_YEAR}`)
@Check('CHK_ratification_signed_year', `"signed_year" IS NULL OR "signed_year" BETWEEN ${MIN_YEAR} AND ${MAX_YEAR}`)
export class Ratification extends VersionedFact {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'char', length: 2 })
  countryCode: string;

  @ManyToOne(() => Country, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'country_code' })
  country?: Country;

  @Index()
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

  @Field(() => String, {
    nullable: true,
    description: 'ISO date the source states the status as of; null when unknown (e.g. entered by a curator)',
  })
  @Column({ type: 'date', nullable: true })
  asOf: string | null;
}
