import type { DataSource } from 'typeorm';
import type { RequestReferences } from '../../cache/referenceCache';
import { rowsByKeys } from '../common/entityRows';
import { linkedLoader, uniqueLoader } from '../common/loaders';
import { rightsVia } from '../right/right.loaders';
import { Indicator } from './indicator.entity';

export function indicatorLoaders(dataSource: DataSource, references: RequestReferences) {
  const byId = (i: Indicator) => i.id;
  return {
    indicatorById: uniqueLoader<number, Indicator>(
      (ids) => references.rows('indicator:id', ids, (misses) => rowsByKeys(dataSource, Indicator, 'id', misses), byId),
      byId,
    ),
    rightsByIndicator: rightsVia(dataSource, 'indicator_right', 'indicator_id'),
    indicatorsByRight: linkedLoader(dataSource, Indicator, {
      joinTable: 'indicator_right',
      ownerColumn: 'right_id',
      targetColumn: 'indicator_id',
      orderBy: 'code',
    }),
  };
}
