/**
 * The body of a CHECK constraint that limits a varchar column to the values of a TypeScript
 * string enum. Varchar + CHECK instead of a Postgres ENUM type, because adding a value to a
 * Postgres ENUM cannot run inside a transaction on older servers and cannot be undone.
 */
export function enumCheck(column: string, values: Record<string, string>): string {
  const list = Object.values(values)
    .map((v) => `'${v.replace(/'/g, "''")}'`)
    .join(', ');
  return `"${column}" IN (${list})`;
}
