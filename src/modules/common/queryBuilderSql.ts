import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Sql } from './sqlTag';

/**
 * Adds a `Sql` fragment to a TypeORM query builder as an AND-ed condition. The lists that page
 * with `paginate()` (cities, commitments, observations) still build their statement with
 * TypeORM's query builder, which takes named parameters; the fragment's values become
 * parameters named after their position among the builder's own, so no caller picks a name.
 */
export function andWhereSql<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  fragment: Sql,
): SelectQueryBuilder<T> {
  const start = Object.keys(query.getParameters()).length;
  const params: Record<string, unknown> = {};
  let text = fragment.strings[0];
  fragment.values.forEach((value, index) => {
    const name = `sql_${start + index}`;
    params[name] = value;
    text += `:${name}${fragment.strings[index + 1]}`;
  });
  return query.andWhere(text, params);
}
