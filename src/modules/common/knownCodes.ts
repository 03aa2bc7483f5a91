import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { loadAll } from './loadAll';

/** Reference tables whose codes appear in filters. Values are table and column names (constants). */
const CODE_TABLES = {
  country: { table: 'country', column: 'code' },
  instrument: { table: 'instrument', column: 'code' },
  network: { table: 'network', column: 'code' },
  right: { table: '"right"', column: 'code' },
} as const;

export type CodeKind = keyof typeof CODE_TABLES;

/**
 * Whether each `kind:code` exists, one statement per batch. A filter with a typo ("CEDAW ",
 * "FR" for a country without cities) would otherwise look like "no results"; a statistics API
 * should say which code it does not know. Nested filters (City.commitments(filter)) ask with
 * the same keys for every parent row, so the check costs one statement per request.
 */
export function knownCodesLoader(dataSource: DataSource): DataLoader<string, boolean> {
  return new DataLoader<string, boolean>(async (keys) => {
    const byKind = new Map<CodeKind, string[]>();
    for (const key of keys) {
      const [kind, code] = [key.slice(0, key.indexOf(':')) as CodeKind, key.slice(key.indexOf(':') + 1)];
      byKind.set(kind, [...(byKind.get(kind) ?? []), code]);
    }
    const kinds = [...byKind.keys()];
    const rows: { kind: string; code: string }[] = await dataSource.query(
      kinds
        .map((kind, i) => {
          const { table, column } = CODE_TABLES[kind];
          return `SELECT '${kind}' AS kind, ${column}::text AS code FROM ${table} WHERE ${column} = ANY($${i + 1})`;
        })
        .join(' UNION ALL '),
      kinds.map((kind) => byKind.get(kind)),
    );
    const found = new Set(rows.map((r) => `${r.kind}:${r.code}`));
    return keys.map((key) => found.has(key));
  });
}

/** Throws BAD_USER_INPUT naming every unknown code among those given. */
export async function assertKnownCodes(
  context: Context,
  argument: string,
  kind: CodeKind,
  codes: readonly string[] | null | undefined,
): Promise<void> {
  if (!codes || codes.length === 0) return;
  const known = await loadAll(
    context.loaders.knownCodes,
    codes.map((code) => `${kind}:${code}`),
  );
  const unknown = codes.filter((_, i) => known[i] !== true);
  if (unknown.length > 0) {
    throw badUserInput(
      `Unknown ${kind} code${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}`,
      {
        argument,
        value: unknown,
      },
    );
  }
}
