/**
 * SQL statements as the snapshot tests pin them: the text a query plan depends on, with nothing
 * that changes from run to run or between Postgres and the embedded PGlite.
 *
 * - Parameter values are not there: statements reach Postgres with placeholders (`$1`), and the
 *   values travel separately (the counter records only the text).
 * - `--` comments are dropped (they are no part of the plan, and collapsed onto one line they
 *   would seem to comment out what follows them).
 * - Whitespace is collapsed, so re-indenting a template literal is not a change; each clause
 *   (SELECT, FROM, WHERE, JOIN, GROUP BY, ORDER BY, ...) then starts a line of its own, so that
 *   a reviewed snapshot diff names the clause that changed instead of one very long line.
 * - The statements are sorted: the batches of one level are dispatched together and which of
 *   them is sent first depends on which answer of the level above came back first. The
 *   snapshot pins which statements an operation sends; the counts pin how many.
 */
const CLAUSE =
  /(?<!\b(?:LEFT|RIGHT|FULL|INNER|CROSS|OUTER|NATURAL|DISTINCT|UNION|ALL)) (?=(?:WITH|SELECT|FROM|WHERE|(?:(?:LEFT|RIGHT|FULL|INNER|CROSS|NATURAL)(?: OUTER)? )?JOIN|GROUP BY|HAVING|WINDOW|ORDER BY|LIMIT|OFFSET|UNION|EXCEPT|INTERSECT|RETURNING|ON CONFLICT)\b)/g;

/** A string literal (kept as it is) or a `--` comment (dropped). */
const LITERAL_OR_COMMENT = /'(?:[^']|'')*'|--[^\n]*/g;

/** One statement's text, normalised (see the module comment). */
export function normaliseSql(sql: string): string {
  return sql
    .replace(LITERAL_OR_COMMENT, (match) => (match.startsWith("'") ? match : ' '))
    .replace(/\s+/g, ' ')
    .trim()
    .replace(CLAUSE, '\n');
}

/** The statements of one operation, normalised and sorted: what its snapshot holds. */
export function sqlSnapshot(statements: readonly string[]): string[] {
  return statements.map(normaliseSql).sort();
}
