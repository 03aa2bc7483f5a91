import type { DataSource } from 'typeorm';
import { findByKeys, uniqueLoader } from '../common/loaders';
import { City } from './city.entity';

export function cityLoaders(dataSource: DataSource) {
  return {
    cityById: uniqueLoader<number, City>(
      (ids) => findByKeys(dataSource, City, 'id', ids),
      (c) => c.id,
    ),
  };
}
