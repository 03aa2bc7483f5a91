import type { DataSource } from 'typeorm';
import { rowsByKeys } from '../common/entityRows';
import { entityColumns } from '../common/entityRows';
import { groupLoader, linkedLoader, uniqueLoader } from '../common/loaders';
import { query, sql } from '../common/sqlTag';
import { Right } from './right.entity';

/** The rights linked to owners (instruments, commitments, indicators) through a join table. */
export function rightsVia(dataSource: DataSource, joinTable: string, ownerColumn: string) {
  return linkedLoader(dataSource, Right, { joinTable, ownerColumn, targetColumn: 'right_id', orderBy: 'code' });
}

export function rightLoaders(dataSource: DataSource) {
  return {
    rightById: uniqueLoader<number, Right>(
      (ids) => rowsByKeys(dataSource, Right, 'id', ids),
      (r) => r.id,
    ),
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
