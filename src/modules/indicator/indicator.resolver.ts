import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, InputType, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/parent';
import type { Context } from '../../context';
import { type Connection, connectionType, PageArgs, paginate } from '../common/connection';
import { rowsByKeys } from '../common/entityRows';
import { sql } from '../common/sqlTag';
import { assertKnownCodes } from '../reference/references';
import { Right } from '../right/right.entity';
import { Indicator, IndicatorKind } from './indicator.entity';
import { checkReference, checkReferences } from '../reference/referenceLimits';

export const IndicatorConnection = connectionType('Indicator', Indicator);

@InputType()
class IndicatorFilter {
  @Field(() => [String], { nullable: true })
  codes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Measures any of these rights' })
  rightCodes?: string[] | null;

  @Field(() => [IndicatorKind], { nullable: true })
  kinds?: IndicatorKind[] | null;
}

@ArgsType()
class IndicatorsArgs extends PageArgs {
  @Field(() => IndicatorFilter, { nullable: true })
  filter?: IndicatorFilter | null;
}

@Resolver(() => Indicator)
export class IndicatorResolver {
  @Query(() => Indicator, { nullable: true, description: 'An indicator by code; null when unknown' })
  indicator(@Ctx() context: Context, @Arg('code', () => String) code: string): Promise<Indicator | null> {
    checkReference('code', code);
    return rowsByKeys(context.dataSource, Indicator, 'code', [code]).then(([indicator]) => indicator ?? null);
  }

  @Query(() => IndicatorConnection, { description: 'Indicators, by code' })
  async indicators(
    @Ctx() context: Context,
    @Args(() => IndicatorsArgs) args: IndicatorsArgs,
  ): Promise<Connection<Indicator>> {
    checkReferences('filter.codes', args.filter?.codes);
    await assertKnownCodes(context, 'filter.rightCodes', 'right', args.filter?.rightCodes);
    const { codes, kinds, rightCodes } = args.filter ?? {};
    return paginate(context.dataSource, {
      entity: Indicator,
      alias: 'i',
      where: [
        codes ? sql`i.code = ANY(${codes})` : null,
        kinds ? sql`i.kind = ANY(${kinds})` : null,
        rightCodes
          ? sql`i.id IN (SELECT ir.indicator_id FROM indicator_right ir JOIN "right" r ON r.id = ir.right_id WHERE r.code = ANY(${rightCodes}))`
          : null,
      ],
      ordering: 'indicator:CODE',
      keys: [{ expression: sql`i.code`, value: (i) => i.code }],
      first: args.first,
      after: args.after,
      limits: context.config,
    });
  }

  @FieldResolver(() => [Right], { description: 'Rights this indicator measures' })
  rights(@Parent() indicator: Indicator, @Ctx() context: Context): Promise<Right[]> {
    return context.loaders.rightsByIndicator.load(indicator.id);
  }
}
