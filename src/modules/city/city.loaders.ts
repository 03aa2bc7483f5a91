import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { uniqueLoader } from '../common/loaders';
import { City } from './city.entity';

export function cityLoaders(dataSource: DataSource) {
  return {
    cityById: uniqueLoader<number, City>(
      (ids) => dataSource.getRepository(City).findBy({ id: In(ids) }),
      (c) => c.id,
    ),
  };
}
