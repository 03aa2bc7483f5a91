import DataLoader from 'dataloader';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { entityColumns, entityTable } from './entityRows';
import { query, sql, type Sql } from './sqlTag';

/**
 * A loader for rows by a unique key: one `WHERE key = ANY($1)` per batch, answers in key order,
 * `null` for keys with no row (the DataLoader contract: same length, same order).
 */
export function uniqueLoader<K extends string | number, V>(
  fetch: (keys: K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await fetch([...keys]);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A loader for the rows that belong to each key (one-to-many): `[]` for keys with none. */
export function groupLoader<K extends string | number, V>(
  fetch: (keys: K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const rows = await fetch([...keys]);
    const byKey = new Map<K, V[]>();
    for (const row of rows) {
      const key = keyOf(row);
      const list = byKey.get(key);
      if (list) list.push(row);
      else byKey.set(key, [row]);
    }
    return keys.map((key) => byKey.get(key) ?? []);
  });
}

/**
 * A loader for keys that carry parameters (e.g. a city plus a filter): keys are grouped by
 * their parameters, each group fetched with one statement, so the usual case (every parent row
 * asks with the same arguments) is a single statement per batch.
 */
export function parameterisedGroupLoader<P, K extends string | number, V>(
  fetch: (ids: K[], params: P) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<{ id: K; params: P }, V[], string> {
  return new DataLoader<{ id: K; params: P }, V[], string>(
    async (keys) => {
      const groups = new Map<string, { params: P; ids: K[] }>();
      for (const key of keys) {
        const paramKey = JSON.stringify(key.params);
        const group = groups.get(paramKey);
        if (group) group.ids.push(key.id);
        else groups.set(paramKey, { params: key.params, ids: [key.id] });
      }
      const results = new Map<string, V[]>();
      await Promise.all(
        [...groups].map(async ([paramKey, group]) => {
          for (const row of await fetch(group.ids, group.params)) {
            const resultKey = `${String(keyOf(row))}|${paramKey}`;
            const list = results.get(resultKey);
            if (list) list.push(row);
            else results.set(resultKey, [row]);
          }
        }),
      );
      return keys.map((key) => results.get(`${String(key.id)}|${JSON.stringify(key.params)}`) ?? []);
    },
    { cacheKeyFn: (key) => `${String(key.id)}|${JSON.stringify(key.params)}` },
  );
}

/**
 * The entities linked to each owner through a many-to-many join table, one statement per
 * batch, as typed rows. Table and column names come from the caller's constants, never from
 * user input; `where` is a condition on the join table, aliased `j`.
 */
export function linkedLoader<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  link: { joinTable: string; ownerColumn: string; targetColumn: string; orderBy: string; where?: Sql },
): DataLoader<number, T[]> {
  return new DataLoader<number, T[]>(async (ownerIds) => {
    const rows = await query<T & { linkOwnerId: number }>(
      dataSource,
      sql`SELECT j.${sql.identifier(link.ownerColumn)} AS "linkOwnerId", ${entityColumns(dataSource, target, 't')}
          FROM ${entityTable(dataSource, target)} t
          JOIN ${sql.identifier(link.joinTable)} j ON j.${sql.identifier(link.targetColumn)} = t.id
          WHERE j.${sql.identifier(link.ownerColumn)} = ANY(${[...ownerIds]})${link.where ? sql` AND ${link.where}` : sql.empty}
          ORDER BY t.${sql.identifier(link.orderBy)}`,
    );
    const byOwner = new Map<number, T[]>();
    for (const { linkOwnerId, ...entity } of rows) {
      const list = byOwner.get(linkOwnerId) ?? [];
      list.push(entity as unknown as T);
      byOwner.set(linkOwnerId, list);
    }
    return ownerIds.map((id) => byOwner.get(id) ?? []);
  });
}
