import type { DataSource } from 'typeorm';
import { sharedUniqueLoader } from '../common/sharedLookups';
import { entityColumns } from '../common/entityRows';
import { groupLoader, linkedLoader } from '../common/loaders';
import { query, sql } from '../common/sqlTag';
import { Right } from './right.entity';

/** The rights linked to owners (instruments, commitments, indicators) through a join table. */
export function rightsVia(dataSource: DataSource, joinTable: string, ownerColumn: string) {
  return linkedLoader(dataSource, Right, { joinTable, ownerColumn, targetColumn: 'right_id', orderBy: 'code' });
}

export function rightLoaders(dataSource: DataSource) {
  return {
    rightById: sharedUniqueLoader<number, Right>(dataSource, Right, 'id'),
    childrenByRight: groupLoader<number, Right>(
      (ids) =>
        query<Right>(
          dataSource,
          sql`SELECT ${entityColumns(dataSource, Right, 'r')} FROM "right" r WHERE r.parent_id = ANY(${ids}) ORDER BY r.code`,
        ),
      (r) => r.parentId as number,
    ),
  };
}
