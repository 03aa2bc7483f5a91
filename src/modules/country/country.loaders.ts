import type { DataSource } from 'typeorm';
import { In, IsNull } from 'typeorm';
import { findByKeys, groupLoader, uniqueLoader } from '../common/loaders';
import { Country } from './country.entity';
import { Ratification } from './ratification.entity';
import { RatificationHistory } from './ratificationHistory.entity';

export function countryLoaders(dataSource: DataSource) {
  return {
    countryByCode: uniqueLoader<string, Country>(
      (codes) => findByKeys(dataSource, Country, 'code', codes),
      (c) => c.code,
    ),
    countryByAlpha3: uniqueLoader<string, Country>(
      (codes) => findByKeys(dataSource, Country, 'alpha3', codes),
      (c) => c.alpha3,
    ),
    ratificationHistoryByCountry: groupLoader<string, RatificationHistory>(
      (codes) =>
        dataSource.getRepository(RatificationHistory).find({
          where: { countryCode: In(codes) },
          order: { instrumentId: 'ASC', asOf: 'ASC' },
        }),
      (r) => r.countryCode,
    ),
    ratificationsByCountry: groupLoader<string, Ratification>(
      (codes) =>
        dataSource.getRepository(Ratification).find({
          where: { countryCode: In(codes), supersededInReleaseId: IsNull() },
          order: { instrumentId: 'ASC' },
        }),
      (r) => r.countryCode,
    ),
  };
}
