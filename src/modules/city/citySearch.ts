import { type Sql, sql } from '../common/sqlTag';

/**
 * The name search as a predicate over a city aliased `c`, given the (trimmed) text. LIKE
 * wildcards are escaped after folding: unaccent turns "％", "＿" and "＼" into "%", "_" and "\",
 * so a search escaped before folding would match anything, or end in a bare escape character
 * and fail.
 */
export function citySearchSql(search: string): Sql {
  return sql`city_search_text(c.name, c.ascii_name, c.alternate_names) LIKE '%' || replace(replace(replace(rg_fold(${search}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
}
