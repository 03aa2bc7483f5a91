import type { DataSource } from 'typeorm';
import { findByKeys, uniqueLoader } from '../common/loaders';
import { Release } from './release.entity';
import { Source } from './source.entity';

export function sourceLoaders(dataSource: DataSource) {
  return {
    sourceById: uniqueLoader<number, Source>(
      (ids) => findByKeys(dataSource, Source, 'id', ids),
      (s) => s.id,
    ),
    releaseById: uniqueLoader<number, Release>(
      (ids) => findByKeys(dataSource, Release, 'id', ids),
      (r) => r.id,
    ),
  };
}
