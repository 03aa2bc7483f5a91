import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Check, Column, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { enumCheck } from '../common/sqlEnum';
import { Right } from '../right/right.entity';

export enum Direction {
  HIGHER_IS_BETTER = 'HIGHER_IS_BETTER',
  LOWER_IS_BETTER = 'LOWER_IS_BETTER',
  NEUTRAL = 'NEUTRAL',
}
registerEnumType(Direction, { name: 'Direction', description: 'Which way is better for an indicator' });

/** The OHCHR human-rights indicator framework's three kinds. */
export enum IndicatorKind {
  STRUCTURAL = 'STRUCTURAL',
  PROCESS = 'PROCESS',
  OUTCOME = 'OUTCOME',
}
registerEnumType(IndicatorKind, { name: 'IndicatorKind', description: 'Kind in the OHCHR indicator framework' });

@ObjectType({ description: 'Something measured for cities year by year, e.g. homicide-rate' })
@Entity()
@Check('CHK_indicator_direction', enumCheck('direction', Direction))
@Check('CHK_indicator_kind', enumCheck('kind', IndicatorKind))
@Check('CHK_indicator_code', `"code" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)
export class Indicator {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => String, { description: 'Stable code, e.g. homicide-rate' })
  @Column({ type: 'varchar', length: 100, unique: true })
  code: string;

  @Field(() => String)
  @Column({ type: 'varchar', length: 300 })
  name: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field(() => String, { description: 'Unit of the values, e.g. per 100k, %, µg/m³' })
  @Column({ type: 'varchar', length: 50 })
  unit: string;

  @Field(() => Direction)
  @Column({ type: 'varchar', length: 20 })
  direction: Direction;

  @Field(() => IndicatorKind)
  @Column({ type: 'varchar', length: 20 })
  kind: IndicatorKind;

  @Field(() => String, { nullable: true, description: 'How the values are measured or computed' })
  @Column({ type: 'text', nullable: true })
  methodology: string | null;

  @ManyToMany(() => Right)
  @JoinTable({
    name: 'indicator_right',
    joinColumn: { name: 'indicator_id' },
    inverseJoinColumn: { name: 'right_id' },
  })
  rights?: Right[];
}
