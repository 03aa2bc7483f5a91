import type { DataSource } from 'typeorm';
import { rowsByKeys } from '../common/entityRows';
import { uniqueLoader } from '../common/loaders';
import { City } from './city.entity';

export function cityLoaders(dataSource: DataSource) {
  return {
    cityById: uniqueLoader<number, City>(
      (ids) => rowsByKeys(dataSource, City, 'id', ids),
      (c) => c.id,
    ),
  };
}
