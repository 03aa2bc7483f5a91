import type { QueryRunner } from 'typeorm';
import { type ImportProblem, problem, type ProblemList } from './importErrors';
import { MAX_PROBLEMS } from './importTypes';
import type { Resolved } from './resolveReferences';
import { query, queryOne, sql } from '../common/sqlTag';

/**
 * The rows naming an unknown country, city or indicator, or an ambiguous city: each gets the
 * problems of its names, in the order country, indicator, city. Only the first MAX_PROBLEMS
 * rows are fetched (each has at least one problem); the rest are counted.
 */
export async function reportReferenceProblems(
  queryRunner: QueryRunner,
  resolved: Resolved,
  problems: ProblemList,
): Promise<void> {
  if (!resolved.cityProblems.some(Boolean) && !resolved.indicatorProblems.some(Boolean)) return;
  // The reference tables hold only the names without a problem.
  const where = sql`NOT EXISTS (SELECT 1 FROM import_city c WHERE c.city_ref = s.city_ref)
    OR NOT EXISTS (SELECT 1 FROM import_indicator i WHERE i.indicator_ref = s.indicator_ref)`;
  const rowProblems = (cityRef: number, indicatorRef: number): ImportProblem[] => {
    const city = resolved.cityProblems[cityRef];
    const indicator = resolved.indicatorProblems[indicatorRef];
    // An unknown country comes before the indicator's problem, a city's problem after it.
    const ordered = city?.column === 'country' ? [city, indicator] : [indicator, city];
    return ordered.filter((p): p is ImportProblem => p !== null);
  };
  const rows = await query<{ line: number; city_ref: number; indicator_ref: number }>(
    queryRunner,
    sql`SELECT line, city_ref, indicator_ref FROM import_staging s WHERE ${where} ORDER BY line LIMIT ${MAX_PROBLEMS}`,
  );
  let listed = 0;
  for (const row of rows) {
    for (const p of rowProblems(row.city_ref, row.indicator_ref)) {
      problems.add({ ...p, line: row.line });
      listed += 1;
    }
  }
  const groups = await query<{ city_ref: number; indicator_ref: number; rows: number }>(
    queryRunner,
    sql`SELECT city_ref, indicator_ref, count(*)::int AS rows FROM import_staging s WHERE ${where} GROUP BY 1, 2`,
  );
  const total = groups.reduce((n, g) => n + g.rows * rowProblems(g.city_ref, g.indicator_ref).length, 0);
  problems.countMore(total - listed);
}

/**
 * The staged rows joined to the ids of their names (aliases s, c and i). Rows whose city or
 * indicator has a problem are not in the two reference tables, so the join leaves them out.
 */
export const STAGED_WITH_IDS = sql`import_staging s
  JOIN import_city c ON c.city_ref = s.city_ref
  JOIN import_indicator i ON i.indicator_ref = s.indicator_ref`;

/**
 * Rows with the same city, indicator, year and disaggregation as an earlier row that has no
 * problem of its own; rows with a problem are not in the two reference tables, so the joins
 * leave them out.
 */
export async function reportDuplicates(queryRunner: QueryRunner, problems: ProblemList): Promise<void> {
  const duplicates = sql`SELECT s.line, s.disaggregation,
           min(s.line) OVER (PARTITION BY c.city_id, i.indicator_id, s.year, s.disaggregation) AS first
         FROM ${STAGED_WITH_IDS}`;
  // Cheap first: a hash aggregate says whether there is any duplicate at all.
  const { any } = (await queryOne<{ any: boolean }>(
    queryRunner,
    sql`SELECT EXISTS (SELECT 1 FROM ${STAGED_WITH_IDS}
       GROUP BY c.city_id, i.indicator_id, s.year, s.disaggregation HAVING count(*) > 1) AS any`,
  ))!;
  if (!any) return;
  const rows = await query<{ line: number; first: number; split: boolean; total: number }>(
    queryRunner,
    sql`SELECT line, first, disaggregation <> '' AS split, count(*) OVER ()::int AS total
     FROM (${duplicates}) d WHERE line <> first ORDER BY line LIMIT ${MAX_PROBLEMS}`,
  );
  for (const row of rows) {
    problems.add(
      problem(
        row.line,
        null,
        null,
        `duplicates line ${row.first}: same city, indicator, year${row.split ? ' and disaggregation' : ''}`,
      ),
    );
  }
  problems.countMore(rows[0].total - rows.length);
}
