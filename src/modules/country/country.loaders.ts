import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { findByKeys, groupLoader, uniqueLoader } from '../common/loaders';
import { Country } from './country.entity';
import { Ratification } from './ratification.entity';

export function countryLoaders(dataSource: DataSource) {
  return {
    countryByCode: uniqueLoader<string, Country>(
      (codes) => findByKeys(dataSource, Country, 'code', codes),
      (c) => c.code,
    ),
    ratificationsByCountry: groupLoader<string, Ratification>(
      (codes) =>
        dataSource.getRepository(Ratification).find({
          where: { countryCode: In(codes) },
          order: { instrumentId: 'ASC' },
        }),
      (r) => r.countryCode,
    ),
  };
}
