import type { DataSource } from 'typeorm';
import { In, IsNull } from 'typeorm';
import { inForceNow } from '../source/visibility';
import { City } from '../city/city.entity';
import { findByKeys, groupLoader, linkedLoader, uniqueLoader } from '../common/loaders';
import { Network } from './network.entity';
import { NetworkMembership } from './networkMembership.entity';

export function networkLoaders(dataSource: DataSource) {
  return {
    networkById: uniqueLoader<number, Network>(
      (ids) => findByKeys(dataSource, Network, 'id', ids),
      (n) => n.id,
    ),
    networksByCity: linkedLoader(dataSource, Network, {
      joinTable: 'network_membership',
      ownerColumn: 'city_id',
      targetColumn: 'network_id',
      orderBy: 'code',
      where: inForceNow('j'),
    }),
    membershipsByCity: groupLoader<number, NetworkMembership>(
      (cityIds) =>
        dataSource
          .getRepository(NetworkMembership)
          .find({ where: { cityId: In(cityIds), supersededInReleaseId: IsNull() }, order: { networkId: 'ASC' } }),
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
