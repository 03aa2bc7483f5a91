import { badUserInput } from '../../errors';

export type CursorValue = string | number | null;

/**
 * Opaque keyset cursors: base64url of the sort key of the row, tagged with the ordering it
 * belongs to so that a cursor from one ordering cannot silently page another.
 */
export function encodeCursor(ordering: string, values: CursorValue[]): string {
  return Buffer.from(JSON.stringify([ordering, ...values]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, ordering: string, length: number): CursorValue[] {
  const invalid = () => badUserInput(`Invalid cursor "${cursor.slice(0, 100)}"`, { argument: 'after' });
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== length + 1 ||
    parsed[0] !== ordering ||
    !parsed.slice(1).every((v) => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  ) {
    throw invalid();
  }
  return parsed.slice(1) as CursorValue[];
}
