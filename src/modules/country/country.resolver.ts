import { Arg, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/parent';
import type { Context } from '../../context';
import { entityColumns } from '../common/entityRows';
import { query, sql } from '../common/sqlTag';
import { Instrument } from '../instrument/instrument.entity';
import { Source } from '../source/source.entity';
import { Country } from './country.entity';
import { Ratification } from './ratification.entity';
import { RatificationHistory } from './ratificationHistory.entity';
import { checkReference } from '../reference/referenceLimits';

@Resolver(() => Country)
export class CountryResolver {
  @Query(() => Country, {
    nullable: true,
    description: 'A country by ISO 3166-1 alpha-2 or alpha-3 code, any case (US, usa); null when unknown',
  })
  country(@Ctx() context: Context, @Arg('code', () => String) code: string): Promise<Country | null> {
    checkReference('code', code);
    const upper = code.toUpperCase();
    if (/^[A-Z]{2}$/.test(upper)) return context.loaders.countryByCode.load(upper);
    if (/^[A-Z]{3}$/.test(upper)) return context.loaders.countryByAlpha3.load(upper);
    return Promise.resolve(null);
  }

  @Query(() => [Country], { description: 'Every ISO 3166-1 country, by name' })
  countries(@Ctx() context: Context): Promise<Country[]> {
    return query<Country>(
      context.dataSource,
      sql`SELECT ${entityColumns(context.dataSource, Country, 'c')} FROM country c ORDER BY c.name`,
    );
  }

  @FieldResolver(() => [Ratification], { description: 'National status of each instrument' })
  ratifications(@Parent() country: Country, @Ctx() context: Context): Promise<Ratification[]> {
    return context.loaders.ratificationsByCountry.load(country.code);
  }

  @FieldResolver(() => [RatificationHistory], {
    description:
      'Older statuses that a newer source superseded, e.g. the UN snapshot of 2022 where the 2026 fact sheet differs',
  })
  ratificationHistory(@Parent() country: Country, @Ctx() context: Context): Promise<RatificationHistory[]> {
    return context.loaders.ratificationHistoryByCountry.load(country.code);
  }
}

@Resolver(() => RatificationHistory)
export class RatificationHistoryResolver {
  @FieldResolver(() => Instrument)
  async instrument(@Parent() ratification: RatificationHistory, @Ctx() context: Context): Promise<Instrument> {
    return (await context.loaders.instrumentById.load(ratification.instrumentId)) as Instrument;
  }

  @FieldResolver(() => Source, { nullable: true, description: 'Where the status comes from' })
  source(@Parent() ratification: RatificationHistory, @Ctx() context: Context): Promise<Source | null> | null {
    return ratification.sourceId === null ? null : context.loaders.sourceById.load(ratification.sourceId);
  }
}

@Resolver(() => Ratification)
export class RatificationResolver {
  @FieldResolver(() => Instrument)
  async instrument(@Parent() ratification: Ratification, @Ctx() context: Context): Promise<Instrument> {
    return (await context.loaders.instrumentById.load(ratification.instrumentId)) as Instrument;
  }

  @FieldResolver(() => Source, { nullable: true, description: 'Where the status comes from' })
  source(@Parent() ratification: Ratification, @Ctx() context: Context): Promise<Source | null> | null {
    return ratification.sourceId === null ? null : context.loaders.sourceById.load(ratification.sourceId);
  }

  @FieldResolver(() => Country)
  async country(@Parent() ratification: Ratification, @Ctx() context: Context): Promise<Country> {
    return (await context.loaders.countryByCode.load(ratification.countryCode)) as Country;
  }
}
