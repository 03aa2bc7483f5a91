import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { query, sql, type Sql } from './sqlTag';

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
  return cached(dataSource, target, `list\u0000${prefix}\u0000${alias}`, only, (columns) =>
    sql.raw(columns.map((c) => `${c.expression(alias)} AS "${prefix}${c.propertyName}"`).join(', ')),
  );
}

/**
 * The same columns as one JSON array per row, `json_build_array(alias."id", alias."year", ...)`,
 * with the property name of each position: for a statement that aggregates an entity's rows per
 * key (`json_agg(...)`) instead of returning a row per entity. pg parses the JSON, so the values
 * arrive typed as entityColumns' do for the column types JSON carries unchanged (JSON_SAFE); an
 * entity with another (a timestamp would arrive as text, a bigint as a number) is refused.
 */
export function entityJsonArray(
  dataSource: DataSource,
  target: EntityTarget<ObjectLiteral>,
  alias: string,
  only?: ReadonlySet<string>,
): { properties: readonly string[]; array: Sql } {
  return cached(dataSource, target, `json\u0000${alias}`, only, (columns) => {
    const unsafe = columns.find((c) => !JSON_SAFE.has(c.type));
    if (unsafe)
      throw new Error(
        `entityJsonArray: ${unsafe.propertyName} is ${unsafe.type}, which JSON would not carry as pg reads it`,
      );
    return {
      properties: columns.map((c) => c.propertyName),
      array: sql.raw(`json_build_array(${columns.map((c) => c.expression(alias)).join(', ')})`),
    };
  });
}

// `number`: a column typed by its TypeScript type (a generated id), an integer in Postgres.
const JSON_SAFE = new Set([
  'number',
  'int',
  'integer',
  'smallint',
  'double precision',
  'varchar',
  'text',
  'boolean',
  'date',
]);

/** An entity's JSON arrays as objects of its properties, in order. */
export function fromJsonArrays<T>(properties: readonly string[], arrays: readonly (readonly unknown[])[]): T[] {
  return arrays.map((values) => {
    const entity: Record<string, unknown> = {};
    for (let i = 0; i < properties.length; i++) entity[properties[i]] = values[i];
    return entity as T;
  });
}

interface EntityColumn {
  propertyName: string;
  type: string;
  expression(alias: string): string;
}

const built = new WeakMap<DataSource, Map<unknown, Map<string, unknown>>>();

/**
 * Built once per data source, entity, form and selection from the entity's columns: each
 * property once (a foreign key declared both as a column and by a relation's join column appears
 * once), in the entity's column order, `date` read as text.
 */
function cached<R>(
  dataSource: DataSource,
  target: EntityTarget<ObjectLiteral>,
  form: string,
  only: ReadonlySet<string> | undefined,
  build: (columns: EntityColumn[]) => R,
): R {
  let byTarget = built.get(dataSource);
  if (!byTarget) built.set(dataSource, (byTarget = new Map()));
  let byForm = byTarget.get(target);
  if (!byForm) byTarget.set(target, (byForm = new Map()));
  const key = `${form}\u0000${only ? [...only].sort().join(',') : '*'}`;
  if (byForm.has(key)) return byForm.get(key) as R;
  const seen = new Set<string>();
  const columns: EntityColumn[] = [];
  for (const column of dataSource.getMetadata(target).columns) {
    if (seen.has(column.propertyName) || (only && !only.has(column.propertyName))) continue;
    seen.add(column.propertyName);
    const cast = column.type === 'date' ? '::text' : '';
    columns.push({
      propertyName: column.propertyName,
      type: typeof column.type === 'function' ? column.type.name.toLowerCase() : column.type,
      expression: (alias) => `${alias}."${column.databaseName}"${cast}`,
    });
  }
  const result = build(columns);
  byForm.set(key, result);
  return result;
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
  // One key (a point lookup) is compared as a value, not as an array of one: the generic plan of
  // `= ANY($1)` assumes ten keys, so Postgres kept a custom plan and planned the named statement on
  // every run (bind 0.28 ms against 0.07 ms to execute); `= $1` settles on a generic plan.
  const match = keys.length === 1 ? sql`= ${keys[0]}` : sql`= ANY(${[...keys]})`;
  return query<T>(
    dataSource,
    sql`SELECT ${entityColumns(dataSource, target, 't')} FROM ${entityTable(dataSource, target)} t
        WHERE t.${sql.identifier(column.databaseName)} ${match}`,
    { prepare: true },
  );
}
