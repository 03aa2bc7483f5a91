import DataLoader from 'dataloader';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/** Column types whose values pg already returns as TypeORM would hydrate them (numbers, strings, arrays of them). */
const AS_RETURNED = new Set<unknown>([
  'int',
  'integer',
  'int4',
  'smallint',
  'int2',
  'double precision',
  'float8',
  'real',
  'float4',
  'varchar',
  'character varying',
  'char',
  'character',
  'text',
]);

interface HydrationPlan {
  create: () => ObjectLiteral;
  columns: {
    databaseName: string;
    propertyName: string;
    /** `as-is`: copy; `integer`: the driver's parseInt, which leaves a safe integer as it is; else ask the driver. */
    kind: 'as-is' | 'integer' | 'driver';
    column: ColumnMetadata;
  }[];
}

const plans = new WeakMap<DataSource, Map<unknown, HydrationPlan>>();

/**
 * The columns of an entity with, for each, whether the driver must convert the value (dates,
 * booleans, JSON, transformers...). Computed once per data source and entity: hydrating the
 * 3,000 points of a compare answer asked the metadata the same questions 40,000 times.
 */
function hydrationPlan(dataSource: DataSource, target: EntityTarget<ObjectLiteral>): HydrationPlan {
  let byTarget = plans.get(dataSource);
  if (!byTarget) plans.set(dataSource, (byTarget = new Map()));
  let plan = byTarget.get(target);
  if (!plan) {
    const metadata = dataSource.getMetadata(target);
    plan = {
      create: () => metadata.create(),
      columns: metadata.columns.map((column) => {
        const plain = !column.transformer && !column.isArray;
        const kind =
          plain && AS_RETURNED.has(column.type) ? 'as-is' : plain && column.type === Number ? 'integer' : 'driver';
        return { databaseName: column.databaseName, propertyName: column.propertyName, kind, column };
      }),
    };
    byTarget.set(target, plan);
  }
  return plan;
}

/**
 * Turns a raw row (snake_case columns, as `dataSource.query` returns them) into an entity,
 * letting the driver convert values exactly as it does for repository reads (values of
 * numeric and text columns come from pg as they are hydrated and are copied as they are).
 */
export function hydrate<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const plan = hydrationPlan(dataSource, target as EntityTarget<ObjectLiteral>);
  const entity = plan.create() as Record<string, unknown>;
  for (const { databaseName, propertyName, kind, column } of plan.columns) {
    if (databaseName in row) {
      const value = row[databaseName];
      entity[propertyName] =
        kind === 'as-is' || (kind === 'integer' && Number.isSafeInteger(value))
          ? value
          : dataSource.driver.prepareHydratedValue(value, column);
    }
  }
  return entity as T;
}

/**
 * The rows of an entity whose `column` is one of `keys`, hydrated: what
 * `repository.findBy({ column: In(keys) })` returns for entities without eager relations or
 * transformers (none here), for half its CPU. TypeORM builds and transforms a query through
 * its query builder on every call (~0.3 ms of CPU measured), and the loaders behind every
 * nested field call this a few times per request.
 */
export async function findByKeys<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  propertyName: string,
  keys: readonly unknown[],
): Promise<T[]> {
  const metadata = dataSource.getMetadata(target);
  const column = metadata.findColumnWithPropertyName(propertyName);
  if (!column) throw new Error(`${metadata.name} has no column ${propertyName}`);
  const rows: Record<string, unknown>[] = await dataSource.query(
    `SELECT * FROM "${metadata.tableName}" WHERE "${column.databaseName}" = ANY($1)`,
    [keys],
  );
  return rows.map((row) => hydrate(dataSource, target, row));
}

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
 * batch. Table and column names come from the caller's constants, never from user input.
 */
export function linkedLoader<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  link: { joinTable: string; ownerColumn: string; targetColumn: string; orderBy: string; where?: string },
): DataLoader<number, T[]> {
  const table = dataSource.getMetadata(target).tableName;
  return new DataLoader<number, T[]>(async (ownerIds) => {
    const rows: Record<string, unknown>[] = await dataSource.query(
      `SELECT j.${link.ownerColumn} AS owner_id, t.* FROM "${table}" t
       JOIN ${link.joinTable} j ON j.${link.targetColumn} = t.id
       WHERE j.${link.ownerColumn} = ANY($1)${link.where ? ` AND ${link.where}` : ''} ORDER BY t.${link.orderBy}`,
      [[...ownerIds]],
    );
    const byOwner = new Map<number, T[]>();
    for (const row of rows) {
      const ownerId = Number(row.owner_id);
      const list = byOwner.get(ownerId) ?? [];
      list.push(hydrate(dataSource, target, row));
      byOwner.set(ownerId, list);
    }
    return ownerIds.map((id) => byOwner.get(id) ?? []);
  });
}
