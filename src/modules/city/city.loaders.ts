import type { DataSource } from 'typeorm';
import { sharedUniqueLoader } from '../common/sharedLookups';
import { City } from './city.entity';

export function cityLoaders(dataSource: DataSource) {
  return {
    cityById: sharedUniqueLoader<number, City>(dataSource, City, 'id'),
  };
}
