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

/**
 * Every problem counted, the first `limit` (by line, then in the order found) kept: what the
 * report lists, in memory bounded however many rows are wrong.
 */
export class ProblemList {
  count = 0;
  private kept: ImportProblem[] = [];

  constructor(private readonly limit: number) {}

  add(p: ImportProblem): void {
    this.count += 1;
    this.kept.push(p);
    if (this.kept.length >= 2 * this.limit) this.trim();
  }

  /** Problems found and counted elsewhere, none of them among the first `limit`. */
  countMore(n: number): void {
    this.count += n;
  }

  first(): ImportProblem[] {
    this.trim();
    return this.kept.slice();
  }

  /** Array.prototype.sort is stable: problems of one line keep the order they were found in. */
  private trim(): void {
    this.kept.sort((a, b) => a.line - b.line);
    if (this.kept.length > this.limit) this.kept.length = this.limit;
  }
}
