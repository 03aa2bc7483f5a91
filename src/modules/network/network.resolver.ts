import { Arg, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/parent';
import type { Context } from '../../context';
import { entityColumns, rowsByKeys } from '../common/entityRows';
import { query, sql } from '../common/sqlTag';
import { City } from '../city/city.entity';
import { Source } from '../source/source.entity';
import { Network } from './network.entity';
import { NetworkMembership } from './networkMembership.entity';
import { checkReference } from '../reference/referenceLimits';

@Resolver(() => Network)
export class NetworkResolver {
  @Query(() => Network, { nullable: true, description: 'A network by code; null when unknown' })
  network(@Ctx() context: Context, @Arg('code', () => String) code: string): Promise<Network | null> {
    checkReference('code', code);
    return rowsByKeys(context.dataSource, Network, 'code', [code]).then(([network]) => network ?? null);
  }

  @Query(() => [Network], { description: 'Every network, by code' })
  networks(@Ctx() context: Context): Promise<Network[]> {
    return query<Network>(
      context.dataSource,
      sql`SELECT ${entityColumns(context.dataSource, Network, 'n')} FROM network n ORDER BY n.code`,
    );
  }

  @FieldResolver(() => [City], { description: 'Member cities, by name' })
  cities(@Parent() network: Network, @Ctx() context: Context): Promise<City[]> {
    return context.loaders.citiesByNetwork.load(network.id);
  }

  @FieldResolver(() => Source, { nullable: true })
  source(@Parent() network: Network, @Ctx() context: Context): Promise<Source | null> | null {
    return network.sourceId === null ? null : context.loaders.sourceById.load(network.sourceId);
  }
}

@Resolver(() => NetworkMembership)
export class NetworkMembershipResolver {
  @FieldResolver(() => Network)
  async network(@Parent() membership: NetworkMembership, @Ctx() context: Context): Promise<Network> {
    return (await context.loaders.networkById.load(membership.networkId)) as Network;
  }

  @FieldResolver(() => City)
  async city(@Parent() membership: NetworkMembership, @Ctx() context: Context): Promise<City> {
    return (await context.loaders.cityById.load(membership.cityId)) as City;
  }
}
