import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Info, Int, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/parent';
import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { CommitmentFilter } from '../commitment/commitment.args';
import { Commitment } from '../commitment/commitment.entity';
import { checkCommitmentFilterCodes } from '../commitment/commitment.filter';
import { type Connection, connectionType, PageArgs, paginate, type SortKey } from '../common/connection';
import { selectedFields } from '../common/lookahead';
import { OrderDirection } from '../common/order';
import { checkYear, checkYearRange, parseId } from '../common/validate';
import { Country } from '../country/country.entity';
import { Observation } from '../indicator/observation.entity';
import { nestedSeries } from '../indicator/nestedSeries';
import { type ObservationKey, observationColumns } from '../indicator/observation.loaders';
import { Network } from '../network/network.entity';
import { NetworkMembership } from '../network/networkMembership.entity';
import { CityFilter, CityOrder, CityOrderField } from './city.args';
import { City } from './city.entity';
import { cityPageColumns } from './cityColumns';
import { checkCityFilter, cityFilterCondition } from './city.filter';
import { sql } from '../common/sqlTag';
import { cityBySlug, explainUnknown, resolveAsOf } from '../reference/references';
import { checkReference } from '../reference/referenceLimits';

export const CityConnection = connectionType('City', City);

/** Country fields a city's country_code answers alone. */
const CODE_ONLY = new Set(['code', '__typename']);

@ArgsType()
class CitiesArgs extends PageArgs {
  @Field(() => CityFilter, { nullable: true })
  filter?: CityFilter | null;

  @Field(() => CityOrder, { nullable: true })
  orderBy?: CityOrder | null;
}

const SORT_KEYS: Record<CityOrderField, SortKey<City>[]> = {
  [CityOrderField.NAME]: [
    { expression: sql`c.name`, value: (c) => c.name },
    { expression: sql`c.id`, value: (c) => c.id },
  ],
  [CityOrderField.SLUG]: [{ expression: sql`c.slug`, value: (c) => c.slug }],
  [CityOrderField.COUNTRY]: [
    { expression: sql`c.country_code`, value: (c) => c.countryCode },
    { expression: sql`c.name`, value: (c) => c.name },
    { expression: sql`c.id`, value: (c) => c.id },
  ],
  [CityOrderField.ID]: [{ expression: sql`c.id`, value: (c) => c.id }],
};

@Resolver(() => City)
export class CityResolver {
  @Query(() => City, { nullable: true, description: 'One city by id or slug; null when there is none' })
  async city(
    @Ctx() context: Context,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('slug', () => String, { nullable: true }) slug?: string | null,
  ): Promise<City | null> {
    if ((id === null || id === undefined) === (slug === null || slug === undefined)) {
      throw badUserInput('Give exactly one of id or slug', { argument: 'id' });
    }
    if (slug !== null && slug !== undefined) return cityBySlug(context, slug);
    return context.loaders.cityById.load(parseId('id', id) as number);
  }

  @Query(() => CityConnection)
  async cities(
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
    @Args(() => CitiesArgs) args: CitiesArgs,
  ): Promise<Connection<City>> {
    await checkCityFilter(context, args.filter);
    const field = args.orderBy?.field ?? CityOrderField.NAME;
    return paginate(context.dataSource, {
      entity: City,
      alias: 'c',
      where: [cityFilterCondition(args.filter)],
      ordering: `city:${field}`,
      keys: SORT_KEYS[field],
      descending: args.orderBy?.direction === OrderDirection.DESC,
      first: args.first,
      after: args.after,
      limits: context.config,
      only: cityPageColumns(info, ['edges', 'node'], field),
      columns: await nestedSeries(context, info, ['edges', 'node'], sql`c.id`),
      prepare: true,
    });
  }

  @FieldResolver(() => Country)
  async country(@Parent() city: City, @Ctx() context: Context, @Info() info: GraphQLResolveInfo): Promise<Country> {
    // `country { code }` is the city's own column (a foreign key, so the country exists): no statement.
    if ([...selectedFields(info, [])].every((field) => CODE_ONLY.has(field))) {
      return { code: city.countryCode } as Country;
    }
    return (await context.loaders.countryByCode.load(city.countryCode)) as Country;
  }

  @FieldResolver(() => [Network], { description: 'Networks the city belongs to' })
  networks(@Parent() city: City, @Ctx() context: Context): Promise<Network[]> {
    return context.loaders.networksByCity.load(city.id);
  }

  @FieldResolver(() => [NetworkMembership], { description: 'Network memberships with the year joined' })
  memberships(@Parent() city: City, @Ctx() context: Context): Promise<NetworkMembership[]> {
    return context.loaders.membershipsByCity.load(city.id);
  }

  @FieldResolver(() => [Commitment], { description: "The city's local commitments, oldest first" })
  async commitments(
    @Parent() city: City,
    @Ctx() context: Context,
    @Arg('filter', () => CommitmentFilter, { nullable: true }) filter?: CommitmentFilter | null,
    @Arg('asOf', () => ID, { nullable: true, description: 'Release id: the commitments as they stood then' })
    asOf?: string | null,
  ): Promise<Commitment[]> {
    const [release] = await Promise.all([
      resolveAsOf(context, asOf),
      checkCommitmentFilterCodes(context, filter, 'filter'),
    ]);
    return context.loaders.commitmentsByCity.load({
      id: city.id,
      params: { filter: filter ?? null, asOf: release ?? null },
    });
  }

  @FieldResolver(() => [Observation], {
    description: 'Yearly values (totals) of one indicator, oldest first; years without data are absent',
  })
  observations(
    @Parent() city: City,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('indicator', () => String, { description: 'Indicator code' }) indicator: string,
    @Arg('yearFrom', () => Int, { nullable: true }) yearFrom?: number | null,
    @Arg('yearTo', () => Int, { nullable: true }) yearTo?: number | null,
    @Arg('asOf', () => ID, { nullable: true, description: 'Release id: the data as it stood then' })
    asOf?: string | null,
  ): Observation[] | Promise<Observation[]> {
    checkYearRange(yearFrom, yearTo);
    checkReference('indicator', indicator);
    // A series read ahead with its page never reaches here (nestedSeries.ts, answerReadAhead).
    const key = { cityId: city.id, indicatorCode: indicator, yearFrom, yearTo, columns: observationColumns(info) };
    return this.loadSeries(context, key, asOf);
  }

  private async loadSeries(context: Context, key: ObservationKey, asOf: string | null | undefined) {
    const release = await resolveAsOf(context, asOf);
    return explainUnknown(context, 'indicator', context.loaders.observationSeries.load({ ...key, asOf: release }));
  }

  @FieldResolver(() => Observation, { nullable: true, description: 'The most recent value of an indicator (total)' })
  async latest(
    @Parent() city: City,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('indicator', () => String, { description: 'Indicator code' }) indicator: string,
    @Arg('asOf', () => ID, { nullable: true, description: 'Release id: the data as it stood then' })
    asOf?: string | null,
  ): Promise<Observation | null> {
    checkReference('indicator', indicator);
    const release = await resolveAsOf(context, asOf);
    return explainUnknown(
      context,
      'indicator',
      context.loaders.latestObservation.load({
        cityId: city.id,
        indicatorCode: indicator,
        asOf: release,
        columns: observationColumns(info),
      }),
    );
  }

  @FieldResolver(() => Observation, { nullable: true, description: 'The value of an indicator in one year (total)' })
  async value(
    @Parent() city: City,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('indicator', () => String, { description: 'Indicator code' }) indicator: string,
    @Arg('year', () => Int) year: number,
    @Arg('asOf', () => ID, { nullable: true, description: 'Release id: the data as it stood then' })
    asOf?: string | null,
  ): Promise<Observation | null> {
    checkYear('year', year);
    checkReference('indicator', indicator);
    const release = await resolveAsOf(context, asOf);
    return explainUnknown(
      context,
      'indicator',
      context.loaders.observationInYear.load({
        cityId: city.id,
        indicatorCode: indicator,
        year,
        asOf: release,
        columns: observationColumns(info),
      }),
    );
  }
}
