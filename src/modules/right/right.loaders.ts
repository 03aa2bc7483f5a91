import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { findByKeys, groupLoader, linkedLoader, uniqueLoader } from '../common/loaders';
import { Right } from './right.entity';

/** The rights linked to owners (instruments, commitments, indicators) through a join table. */
export function rightsVia(dataSource: DataSource, joinTable: string, ownerColumn: string) {
  return linkedLoader(dataSource, Right, { joinTable, ownerColumn, targetColumn: 'right_id', orderBy: 'code' });
}

export function rightLoaders(dataSource: DataSource) {
  return {
    rightById: uniqueLoader<number, Right>(
      (ids) => findByKeys(dataSource, Right, 'id', ids),
      (r) => r.id,
    ),
    childrenByRight: groupLoader<number, Right>(
      (ids) => dataSource.getRepository(Right).find({ where: { parentId: In(ids) }, order: { code: 'ASC' } }),
      (r) => r.parentId as number,
    ),
  };
}
