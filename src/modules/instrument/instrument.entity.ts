import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Check, Column, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { enumCheck } from '../common/sqlEnum';
import { Right } from '../right/right.entity';

export enum InstrumentKind {
  TREATY = 'TREATY',
  DECLARATION = 'DECLARATION',
  CHARTER = 'CHARTER',
  PRINCIPLES = 'PRINCIPLES',
}
registerEnumType(InstrumentKind, { name: 'InstrumentKind' });

@ObjectType({ description: 'A treaty, declaration or charter that defines rights, e.g. CEDAW.' })
@Entity()
@Check('CHK_instrument_kind', enumCheck('kind', InstrumentKind))
export class Instrument {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => String, { description: 'Stable code, e.g. CEDAW; HRC stands for a "human rights city" declaration' })
  @Column({ type: 'varchar', length: 50, unique: true })
  code: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 300 })
  name: string;

  @Field(() => InstrumentKind)
  @Column({ type: 'varchar', length: 20 })
  kind: InstrumentKind;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'smallint', nullable: true })
  yearAdopted: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 1000, nullable: true })
  url: string | null;

  @ManyToMany(() => Right)
  @JoinTable({
    name: 'instrument_right',
    joinColumn: { name: 'instrument_id' },
    inverseJoinColumn: { name: 'right_id' },
  })
  rights?: Right[];
}
