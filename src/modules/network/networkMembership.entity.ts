import { Field, Int, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { City } from '../city/city.entity';
import { Network } from './network.entity';
import { MAX_YEAR, MIN_YEAR } from '../common/years';

@ObjectType({ description: "A city's membership of a network" })
@Entity()
@Check(
  'CHK_network_membership_joined_year',
  `"joined_year" IS NULL OR "joined_year" BETWEEN ${MIN_YEAR} AND ${MAX_YEAR}`,
)
export class NetworkMembership {
  @PrimaryColumn({ type: 'int' })
  networkId: number;

  @ManyToOne(() => Network, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'network_id' })
  network?: Network;

  @Index()
  @PrimaryColumn({ type: 'int' })
  cityId: number;

  @ManyToOne(() => City, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'city_id' })
  city?: City;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'smallint', nullable: true })
  joinedYear: number | null;
}
