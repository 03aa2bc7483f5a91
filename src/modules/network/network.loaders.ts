import type { DataSource } from 'typeorm';
import { inForceNow } from '../source/visibility';
import { City } from '../city/city.entity';
import { sharedUniqueLoader } from '../common/sharedLookups';
import { entityColumns } from '../common/entityRows';
import { groupLoader, linkedLoader } from '../common/loaders';
import { query, sql } from '../common/sqlTag';
import { Network } from './network.entity';
import { NetworkMembership } from './networkMembership.entity';

export function networkLoaders(dataSource: DataSource) {
  return {
    networkById: sharedUniqueLoader<number, Network>(dataSource, Network, 'id'),
    networksByCity: linkedLoader(dataSource, Network, {
      joinTable: 'network_membership',
      ownerColumn: 'city_id',
      targetColumn: 'network_id',
      orderBy: 'code',
      where: inForceNow('j'),
    }),
    membershipsByCity: groupLoader<number, NetworkMembership>(
      (cityIds) =>
        query<NetworkMembership>(
          dataSource,
          sql`SELECT ${entityColumns(dataSource, NetworkMembership, 'm')} FROM network_membership m
              WHERE m.city_id = ANY(${cityIds}) AND ${inForceNow('m')}
              ORDER BY m.network_id, m.id`,
        ),
      (m) => m.cityId,
    ),
    citiesByNetwork: linkedLoader(dataSource, City, {
      joinTable: 'network_membership',
      ownerColumn: 'network_id',
      targetColumn: 'city_id',
      orderBy: 'name',
      where: inForceNow('j'),
    }),
  };
}
