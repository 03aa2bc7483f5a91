import type { DataSource } from 'typeorm';

/** A SQL predicate (or fragment) with its named parameters (`:name`), ready to compose. */
export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * Runs SQL written with named parameters (`:name`, `:...list`), the notation of TypeORM's
 * query builder, so fragments from different modules compose by concatenating text and
 * merging parameter objects. The driver turns them into positional `$n` parameters: values
 * are never spliced into the text.
 */
export async function runSql<T = Record<string, unknown>>(
  dataSource: DataSource,
  sql: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const [query, values] = dataSource.driver.escapeQueryWithParameters(sql, params);
  return dataSource.query(query, values);
}

/** ANDs the given conditions (skipping nulls); null when there are none. */
export function andConditions(...conditions: (SqlCondition | null | undefined)[]): SqlCondition | null {
  const present = conditions.filter((c): c is SqlCondition => Boolean(c));
  if (present.length === 0) return null;
  return {
    sql: present.map((c) => `(${c.sql})`).join(' AND '),
    params: Object.assign({}, ...present.map((c) => c.params)),
  };
}
