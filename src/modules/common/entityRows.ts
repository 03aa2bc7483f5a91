import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { query, sql, type Sql } from './sqlTag';

const selectLists = new WeakMap<DataSource, Map<unknown, Map<string, Sql>>>();

/**
 * The select list that reads an entity's row as the entity's own shape:
 * `alias."country_code" AS "countryCode", ...`, one entry per column of the entity. pg returns
 * every column type here as the API serves it (numbers, text, arrays, JSON, timestamps as
 * Date), except `date`, which pg would turn into a Date at local midnight: it is read as its
 * ISO text (`::text`), which is what the entities declare. So the row needs no conversion in
 * Node: what Postgres returns is the typed row. Built once per data source, entity and alias
 * from the entity's columns, so a column added by a migration and its entity is read without
 * a second list to keep in step. With `only`, just those properties (in the entity's column
 * order), for a resolver that knows which fields the query selects.
 */
export function entityColumns(
  dataSource: DataSource,
  target: EntityTarget<ObjectLiteral>,
  alias: string,
  prefix = '',
  only?: ReadonlySet<string>,
): Sql {
  let byTarget = selectLists.get(dataSource);
  if (!byTarget) selectLists.set(dataSource, (byTarget = new Map()));
  let byAlias = byTarget.get(target);
  if (!byAlias) byTarget.set(target, (byAlias = new Map()));
  const key = `${prefix}\u0000${alias}\u0000${only ? [...only].sort().join(',') : '*'}`;
  let list = byAlias.get(key);
  if (!list) {
    const seen = new Set<string>();
    const entries: string[] = [];
    for (const column of dataSource.getMetadata(target).columns) {
      // A foreign key declared both as a column and by a relation's join column appears once.
      if (seen.has(column.propertyName) || (only && !only.has(column.propertyName))) continue;
      seen.add(column.propertyName);
      const cast = column.type === 'date' ? '::text' : '';
      entries.push(`${alias}."${column.databaseName}"${cast} AS "${prefix}${column.propertyName}"`);
    }
    list = sql.raw(entries.join(', '));
    byAlias.set(key, list);
  }
  return list;
}

/**
 * The entity row read with `entityColumns(..., prefix)` beside other columns of a statement:
 * its columns without the prefix; null when the row has none (an outer join that matched nothing).
 */
export function prefixedEntity<T>(row: Record<string, unknown>, prefix: string, key: string): T | null {
  if (row[`${prefix}${key}`] === null || row[`${prefix}${key}`] === undefined) return null;
  const entity: Record<string, unknown> = {};
  for (const name in row) if (name.startsWith(prefix)) entity[name.slice(prefix.length)] = row[name];
  return entity as T;
}

/** The table of an entity, quoted, for statements that read its rows. */
export function entityTable(dataSource: DataSource, target: EntityTarget<ObjectLiteral>): Sql {
  return sql.identifier(dataSource.getMetadata(target).tableName);
}

/**
 * The rows of an entity whose `column` is one of `keys`: what `repository.findBy({ column:
 * In(keys) })` returns, as plain typed rows, in one plain statement (TypeORM's query builder
 * cost ~0.3 ms of CPU per call, and the loaders behind every nested field call this a few
 * times per request).
 */
export async function rowsByKeys<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  propertyName: string,
  keys: readonly unknown[],
): Promise<T[]> {
  const metadata = dataSource.getMetadata(target);
  const column = metadata.findColumnWithPropertyName(propertyName);
  if (!column) throw new Error(`${metadata.name} has no column ${propertyName}`);
  return query<T>(
    dataSource,
    sql`SELECT ${entityColumns(dataSource, target, 't')} FROM ${entityTable(dataSource, target)} t
        WHERE t.${sql.identifier(column.databaseName)} = ANY(${[...keys]})`,
  );
}
