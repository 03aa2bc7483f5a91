import { Arg, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/parent';
import type { Context } from '../../context';
import { entityColumns, rowsByKeys } from '../common/entityRows';
import { query, sql } from '../common/sqlTag';
import { Right } from '../right/right.entity';
import { Instrument } from './instrument.entity';
import { checkReference } from '../reference/referenceLimits';

@Resolver(() => Instrument)
export class InstrumentResolver {
  @Query(() => Instrument, { nullable: true, description: 'An instrument by code (e.g. CEDAW); null when unknown' })
  instrument(@Ctx() context: Context, @Arg('code', () => String) code: string): Promise<Instrument | null> {
    checkReference('code', code);
    return rowsByKeys(context.dataSource, Instrument, 'code', [code]).then(([instrument]) => instrument ?? null);
  }

  @Query(() => [Instrument], { description: 'Every instrument, by code' })
  instruments(@Ctx() context: Context): Promise<Instrument[]> {
    return query<Instrument>(
      context.dataSource,
      sql`SELECT ${entityColumns(context.dataSource, Instrument, 'i')} FROM instrument i ORDER BY i.code`,
    );
  }

  @FieldResolver(() => [Right], { description: 'Rights the instrument covers' })
  rights(@Parent() instrument: Instrument, @Ctx() context: Context): Promise<Right[]> {
    return context.loaders.rightsByInstrument.load(instrument.id);
  }
}
