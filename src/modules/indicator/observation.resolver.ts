import { Args, ArgsType, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/parent';
import type { Context } from '../../context';
import { City } from '../city/city.entity';
import { type Connection, connectionType, PageArgs, paginate } from '../common/connection';
import { checkYearRange } from '../common/validate';
import { countryCodesSql } from '../country/countryCodesSql';
import { assertKnownCodes, resolveAsOf, resolveCityIds, resolveIndicators } from '../reference/references';
import { checkReferences } from '../reference/referenceLimits';
import { Release } from '../source/release.entity';
import { Source } from '../source/source.entity';
import { Indicator } from './indicator.entity';
import { Observation, ObservationStatus } from './observation.entity';
import { releaseParameter, visibleAsOf } from '../source/visibility';
import { type Sql, sql } from '../common/sqlTag';

export const ObservationConnection = connectionType('Observation', Observation);

@InputType({ description: 'The same filters the CSV export takes' })
export class ObservationFilter {
  @Field(() => [String], { nullable: true })
  indicatorCodes?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'City ids or slugs' })
  cityIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO 3166-1 alpha-2 or alpha-3 codes, any case' })
  countryCodes?: string[] | null;

  @Field(() => Int, { nullable: true })
  yearFrom?: number | null;

  @Field(() => Int, { nullable: true })
  yearTo?: number | null;

  @Field(() => [ObservationStatus], { nullable: true })
  statuses?: ObservationStatus[] | null;
}

@ArgsType()
class ObservationsArgs extends PageArgs {
  @Field(() => ObservationFilter, { nullable: true })
  filter?: ObservationFilter | null;

  @Field(() => ID, { nullable: true, description: 'Release id: the data as it stood then' })
  asOf?: string | null;
}

@Resolver(() => Observation)
export class ObservationResolver {
  @Query(() => ObservationConnection, {
    description: 'Tidy observation rows (totals and disaggregations), ordered by city, indicator and year',
  })
  async observations(
    @Ctx() context: Context,
    @Args(() => ObservationsArgs) args: ObservationsArgs,
  ): Promise<Connection<Observation>> {
    const filter = args.filter ?? {};
    checkYearRange(filter.yearFrom, filter.yearTo);
    // Every cap before any statement.
    checkReferences('filter.indicatorCodes', filter.indicatorCodes);
    checkReferences('filter.cityIds', filter.cityIds);
    checkReferences('filter.countryCodes', filter.countryCodes);
    const asOf = await resolveAsOf(context, args.asOf);
    const where: Sql[] = [visibleAsOf('o', releaseParameter(asOf ?? null))];
    if (filter.indicatorCodes) {
      const indicators = await resolveIndicators(context, [...new Set(filter.indicatorCodes)], 'filter.indicatorCodes');
      where.push(sql`o.indicator_id = ANY(${indicators.map((i) => i.id)})`);
    }
    const cityIds = await resolveCityIds(context, filter.cityIds, 'filter.cityIds');
    if (cityIds) where.push(sql`o.city_id = ANY(${cityIds})`);
    if (filter.countryCodes) {
      const countryCodes = filter.countryCodes.map((c) => c.toUpperCase());
      await assertKnownCodes(context, 'filter.countryCodes', 'country', countryCodes);
      where.push(sql`o.city_id IN (SELECT id FROM city WHERE country_code IN ${countryCodesSql(countryCodes)})`);
    }
    if (filter.yearFrom !== null && filter.yearFrom !== undefined) where.push(sql`o.year >= ${filter.yearFrom}`);
    if (filter.yearTo !== null && filter.yearTo !== undefined) where.push(sql`o.year <= ${filter.yearTo}`);
    if (filter.statuses) where.push(sql`o.status = ANY(${filter.statuses})`);
    return paginate(context.dataSource, {
      entity: Observation,
      alias: 'o',
      where,
      ordering: 'observation',
      keys: [
        { expression: sql`o.city_id`, value: (o) => o.cityId },
        { expression: sql`o.indicator_id`, value: (o) => o.indicatorId },
        { expression: sql`o.year`, value: (o) => o.year },
        { expression: sql`o.id`, value: (o) => o.id },
      ],
      first: args.first,
      after: args.after,
      limits: context.config,
    });
  }

  @FieldResolver(() => City)
  async city(@Parent() observation: Observation, @Ctx() context: Context): Promise<City> {
    return (await context.loaders.cityById.load(observation.cityId)) as City;
  }

  @FieldResolver(() => Indicator)
  async indicator(@Parent() observation: Observation, @Ctx() context: Context): Promise<Indicator> {
    return (await context.loaders.indicatorById.load(observation.indicatorId)) as Indicator;
  }

  @FieldResolver(() => Source)
  async source(@Parent() observation: Observation, @Ctx() context: Context): Promise<Source> {
    return (await context.loaders.sourceById.load(observation.sourceId)) as Source;
  }

  @FieldResolver(() => Release, { description: 'The release that added this value' })
  async release(@Parent() observation: Observation, @Ctx() context: Context): Promise<Release> {
    return (await context.loaders.releaseById.load(observation.releaseId)) as Release;
  }
}
