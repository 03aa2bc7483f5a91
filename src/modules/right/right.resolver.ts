import { Arg, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/parent';
import type { Context } from '../../context';
import { entityColumns, rowsByKeys } from '../common/entityRows';
import { query, sql } from '../common/sqlTag';
import { Indicator } from '../indicator/indicator.entity';
import { Instrument } from '../instrument/instrument.entity';
import { Right } from './right.entity';
import { checkReference } from '../reference/referenceLimits';

@Resolver(() => Right)
export class RightResolver {
  @Query(() => Right, { nullable: true, description: 'A right by code; null when unknown' })
  right(@Ctx() context: Context, @Arg('code', () => String) code: string): Promise<Right | null> {
    checkReference('code', code);
    return rowsByKeys(context.dataSource, Right, 'code', [code]).then(([right]) => right ?? null);
  }

  @Query(() => [Right], { description: 'The rights taxonomy, by code' })
  rights(@Ctx() context: Context): Promise<Right[]> {
    return query<Right>(
      context.dataSource,
      sql`SELECT ${entityColumns(context.dataSource, Right, 'r')} FROM "right" r ORDER BY r.code`,
    );
  }

  @FieldResolver(() => Right, { nullable: true })
  parent(@Parent() right: Right, @Ctx() context: Context): Promise<Right | null> | null {
    return right.parentId === null ? null : context.loaders.rightById.load(right.parentId);
  }

  @FieldResolver(() => [Right], { description: 'Rights that refine this one' })
  children(@Parent() right: Right, @Ctx() context: Context): Promise<Right[]> {
    return context.loaders.childrenByRight.load(right.id);
  }

  @FieldResolver(() => [Indicator], { description: 'Indicators that measure this right' })
  indicators(@Parent() right: Right, @Ctx() context: Context): Promise<Indicator[]> {
    return context.loaders.indicatorsByRight.load(right.id);
  }

  @FieldResolver(() => [Instrument], { description: 'Instruments that define this right' })
  instruments(@Parent() right: Right, @Ctx() context: Context): Promise<Instrument[]> {
    return context.loaders.instrumentsByRight.load(right.id);
  }
}
