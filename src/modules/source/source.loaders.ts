import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { uniqueLoader } from '../common/loaders';
import { Release } from './release.entity';
import { Source } from './source.entity';

export function sourceLoaders(dataSource: DataSource) {
  return {
    sourceById: uniqueLoader<number, Source>(
      (ids) => dataSource.getRepository(Source).findBy({ id: In(ids) }),
      (s) => s.id,
    ),
    releaseById: uniqueLoader<number, Release>(
      (ids) => dataSource.getRepository(Release).findBy({ id: In(ids) }),
      (r) => r.id,
    ),
  };
}
