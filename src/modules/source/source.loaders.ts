import type { DataSource } from 'typeorm';
import { rowsByKeys } from '../common/entityRows';
import { uniqueLoader } from '../common/loaders';
import { Release } from './release.entity';
import { Source } from './source.entity';

export function sourceLoaders(dataSource: DataSource) {
  return {
    sourceById: uniqueLoader<number, Source>(
      (ids) => rowsByKeys(dataSource, Source, 'id', ids),
      (s) => s.id,
    ),
    releaseById: uniqueLoader<number, Release>(
      (ids) => rowsByKeys(dataSource, Release, 'id', ids),
      (r) => r.id,
    ),
  };
}
