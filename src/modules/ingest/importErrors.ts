/** One problem found in an import file, precise enough to fix the file by hand. */
export interface ImportProblem {
  /** 1-based line of the file where the record starts; 0 for the file as a whole. */
  line: number;
  column: string | null;
  value: string | null;
  reason: string;
}

export function problem(line: number, column: string | null, value: string | null, reason: string): ImportProblem {
  return { line, column, value, reason };
}

export function formatProblem(p: ImportProblem): string {
  const where = p.line === 0 ? 'file' : `line ${p.line}`;
  const column = p.column ? `, column ${p.column}` : '';
  const value =
    p.value !== null ? ` (value ${JSON.stringify(p.value.length > 80 ? `${p.value.slice(0, 80)}…` : p.value)})` : '';
  return `${where}${column}${value}: ${p.reason}`;
}
