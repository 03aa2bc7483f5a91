import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { Instrument } from '../instrument/instrument.entity';
import { Source } from '../source/source.entity';
import { Country } from './country.entity';
import { Ratification } from './ratification.entity';
import { checkReference } from '../reference/referenceLimits';

@Resolver(() => Country)
export class CountryResolver {
  @Query(() => Country, { nullable: true, description: 'A country by ISO 3166-1 alpha-2 code; null when unknown' })
  country(@Ctx() context: Context, @Arg('code', () => String) code: string): Promise<Country | null> {
    checkReference('code', code);
    return context.loaders.countryByCode.load(code.toUpperCase());
  }

  @Query(() => [Country], { description: 'Every country with data, by name' })
  countries(@Ctx() context: Context): Promise<Country[]> {
    return context.dataSource.getRepository(Country).find({ order: { name: 'ASC' } });
  }

  @FieldResolver(() => [Ratification], { description: 'National status of each instrument' })
  ratifications(@Root() country: Country, @Ctx() context: Context): Promise<Ratification[]> {
    return context.loaders.ratificationsByCountry.load(country.code);
  }
}

@Resolver(() => Ratification)
export class RatificationResolver {
  @FieldResolver(() => Instrument)
  async instrument(@Root() ratification: Ratification, @Ctx() context: Context): Promise<Instrument> {
    return (await context.loaders.instrumentById.load(ratification.instrumentId)) as Instrument;
  }

  @FieldResolver(() => Source, { nullable: true, description: 'Where the status comes from' })
  source(@Root() ratification: Ratification, @Ctx() context: Context): Promise<Source | null> | null {
    return ratification.sourceId === null ? null : context.loaders.sourceById.load(ratification.sourceId);
  }

  @FieldResolver(() => Country)
  async country(@Root() ratification: Ratification, @Ctx() context: Context): Promise<Country> {
    return (await context.loaders.countryByCode.load(ratification.countryCode)) as Country;
  }
}
