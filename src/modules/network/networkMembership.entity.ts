import { Field, Int, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { City } from '../city/city.entity';
import { Network } from './network.entity';
import { SUPERSEDED_AFTER_ADDED, VersionedFact } from '../source/versionedFact';
import { MAX_YEAR, MIN_YEAR } from '../common/years';

@ObjectType({ description: "A city's membership of a network" })
@Entity()
@Check(
  'CHK_network_membership_joined_year',
  `"joined_year" IS NULL OR "joined_year" BETWEEN ${MIN_YEAR} AND ${MAX_YEAR}`,
)
@Check('CHK_network_membership_superseded', SUPERSEDED_AFTER_ADDED)
// One current membership per network and city; a change of joined year or a removal supersedes it.
@Index('UQ_network_membership_current', ['networkId', 'cityId'], {
  unique: true,
  where: '"superseded_in_release_id" IS NULL',
})
export class NetworkMembership extends VersionedFact {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  networkId: number;

  @ManyToOne(() => Network, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'network_id' })
  network?: Network;

  @Index()
  @Column({ type: 'int' })
  cityId: number;

  @ManyToOne(() => City, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'city_id' })
  city?: City;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'smallint', nullable: true })
  joinedYear: number | null;
}
