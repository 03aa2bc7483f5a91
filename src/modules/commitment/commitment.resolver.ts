import { Args, ArgsType, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/parent';
import type { Context } from '../../context';
import { City } from '../city/city.entity';
import { type Connection, connectionType, PageArgs, paginate, type SortKey } from '../common/connection';
import { OrderDirection } from '../common/order';
import { Instrument } from '../instrument/instrument.entity';
import { Right } from '../right/right.entity';
import { Source } from '../source/source.entity';
import { CommitmentFilter, CommitmentOrderField } from './commitment.args';
import { formatPartialDate } from '../common/text';
import { Commitment } from './commitment.entity';
import { checkCommitmentFilterCodes } from './commitment.filter';
import { commitmentCondition } from './commitment.sql';
import { resolveAsOf } from '../reference/references';
import { inForceAsOf, releaseParameter } from '../source/visibility';
import { sql } from '../common/sqlTag';

export const CommitmentConnection = connectionType('Commitment', Commitment);

@InputType()
class CommitmentOrder {
  @Field(() => CommitmentOrderField, { defaultValue: CommitmentOrderField.ADOPTED_ON })
  field: CommitmentOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction: OrderDirection;
}

@ArgsType()
class CommitmentsArgs extends PageArgs {
  @Field(() => CommitmentFilter, { nullable: true })
  filter?: CommitmentFilter | null;

  @Field(() => CommitmentOrder, { nullable: true })
  orderBy?: CommitmentOrder | null;

  @Field(() => ID, { nullable: true, description: 'Release id: the commitments as they stood then' })
  asOf?: string | null;
}

// Undated commitments sort after dated ones; the coalesce keeps the keyset comparison total.
const UNDATED = '9999-12-31';
const SORT_KEYS: Record<CommitmentOrderField, SortKey<Commitment>[]> = {
  [CommitmentOrderField.ADOPTED_ON]: [
    { expression: sql.raw(`coalesce(m.adopted_on, '${UNDATED}'::date)`), value: (m) => m.adoptedOn ?? UNDATED },
    { expression: sql`m.lineage_id`, value: (m) => m.lineageId },
  ],
  [CommitmentOrderField.ID]: [{ expression: sql`m.lineage_id`, value: (m) => m.lineageId }],
};

/** `adoptedOn` to the precision the source gives: 1997, 1998-04 or 2016-12-06. */
export const formatAdoptedOn = formatPartialDate;

@Resolver(() => Commitment)
export class CommitmentResolver {
  @Query(() => CommitmentConnection)
  async commitments(
    @Ctx() context: Context,
    @Args(() => CommitmentsArgs) args: CommitmentsArgs,
  ): Promise<Connection<Commitment>> {
    const [release] = await Promise.all([
      resolveAsOf(context, args.asOf),
      checkCommitmentFilterCodes(context, args.filter, 'filter'),
    ]);
    const field = args.orderBy?.field ?? CommitmentOrderField.ADOPTED_ON;
    return paginate(context.dataSource, {
      entity: Commitment,
      alias: 'm',
      where: [inForceAsOf('m', releaseParameter(release ?? null)), commitmentCondition(args.filter)],
      ordering: `commitment:${field}`,
      keys: SORT_KEYS[field],
      descending: args.orderBy?.direction === OrderDirection.DESC,
      first: args.first,
      after: args.after,
      limits: context.config,
    });
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Adoption date to the precision known: YYYY, YYYY-MM or YYYY-MM-DD',
  })
  adoptedOn(@Parent() commitment: Commitment): string | null {
    return formatAdoptedOn(commitment.adoptedOn, commitment.adoptedPrecision);
  }

  @FieldResolver(() => Int, { nullable: true })
  adoptedYear(@Parent() commitment: Commitment): number | null {
    return commitment.adoptedOn === null ? null : Number(commitment.adoptedOn.slice(0, 4));
  }

  @FieldResolver(() => City)
  async city(@Parent() commitment: Commitment, @Ctx() context: Context): Promise<City> {
    return (await context.loaders.cityById.load(commitment.cityId)) as City;
  }

  @FieldResolver(() => Instrument, { nullable: true })
  instrument(@Parent() commitment: Commitment, @Ctx() context: Context): Promise<Instrument | null> | null {
    return commitment.instrumentId === null ? null : context.loaders.instrumentById.load(commitment.instrumentId);
  }

  @FieldResolver(() => [Right], { description: 'Rights the commitment covers' })
  rights(@Parent() commitment: Commitment, @Ctx() context: Context): Promise<Right[]> {
    return context.loaders.rightsByCommitment.load(commitment.id);
  }

  @FieldResolver(() => Source, { nullable: true })
  source(@Parent() commitment: Commitment, @Ctx() context: Context): Promise<Source | null> | null {
    return commitment.sourceId === null ? null : context.loaders.sourceById.load(commitment.sourceId);
  }
}
