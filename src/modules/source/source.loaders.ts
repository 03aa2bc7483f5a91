import type { DataSource } from 'typeorm';
import type { RequestReferences } from '../../cache/referenceCache';
import { rowsByKeys } from '../common/entityRows';
import { uniqueLoader } from '../common/loaders';
import { Release } from './release.entity';
import { Source } from './source.entity';

export function sourceLoaders(dataSource: DataSource, references: RequestReferences) {
  const byId = (s: Source) => s.id;
  return {
    sourceById: uniqueLoader<number, Source>(
      (ids) => references.rows('source:id', ids, (misses) => rowsByKeys(dataSource, Source, 'id', misses), byId),
      byId,
    ),
    releaseById: uniqueLoader<number, Release>(
      (ids) => rowsByKeys(dataSource, Release, 'id', ids),
      (r) => r.id,
    ),
  };
}
