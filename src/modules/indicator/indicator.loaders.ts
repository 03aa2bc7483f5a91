import type { DataSource } from 'typeorm';
import { rowsByKeys } from '../common/entityRows';
import { linkedLoader, uniqueLoader } from '../common/loaders';
import { rightsVia } from '../right/right.loaders';
import { Indicator } from './indicator.entity';

export function indicatorLoaders(dataSource: DataSource) {
  return {
    indicatorById: uniqueLoader<number, Indicator>(
      (ids) => rowsByKeys(dataSource, Indicator, 'id', ids),
      (i) => i.id,
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
