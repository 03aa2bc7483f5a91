/** One problem found in an import file, precise enough to fix the file by hand. */
export interface ImportProblem {
  /** 1-based line of the file where the record starts; 0 for the file as a whole. */
  line: number;
  column: string | null;
  value: string | null;
  reason: string;
}

/**
 * Characters of a value a problem repeats. Enough to find the cell; a hostile file's megabyte
 * cell (a header name, a note) is not echoed back whole, a thousand times.
 */
export const MAX_PROBLEM_VALUE = 200;

export function problem(line: number, column: string | null, value: string | null, reason: string): ImportProblem {
  return { line, column: shorten(column), value: shorten(value), reason };
}

function shorten(text: string | null): string | null {
  if (text === null || text.length <= MAX_PROBLEM_VALUE + 20) return text;
  return `${text.slice(0, MAX_PROBLEM_VALUE)}… (${text.length} characters)`;
}

export function formatProblem(p: ImportProblem): string {
  const where = p.line === 0 ? 'file' : `line ${p.line}`;
  const column = p.column ? `, column ${p.column}` : '';
  const value =
    p.value !== null ? ` (value ${JSON.stringify(p.value.length > 80 ? `${p.value.slice(0, 80)}…` : p.value)})` : '';
  return `${where}${column}${value}: ${p.reason}`;
}
