import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import type { RequestReferences } from '../../cache/referenceCache';
import { City } from '../city/city.entity';
import { rowsByKeys } from '../common/entityRows';
import { sharedUniqueLoader } from '../common/sharedLookups';
import { uniqueLoader } from '../common/loaders';
import { query, sql } from '../common/sqlTag';
import { Indicator } from '../indicator/indicator.entity';
import { Instrument } from '../instrument/instrument.entity';

/**
 * Reference tables whose codes appear in filters. Values are table and column names (constants);
 * `alternate` is a second code column a client may use instead (a country's ISO alpha-3 code).
 */
export const CODE_TABLES: Record<'country' | 'instrument' | 'network' | 'right', CodeTable> = {
  country: { table: 'country', column: 'code', alternate: 'alpha3' },
  instrument: { table: 'instrument', column: 'code' },
  network: { table: 'network', column: 'code' },
  right: { table: '"right"', column: 'code' },
};

interface CodeTable {
  table: string;
  column: string;
  alternate?: string;
}

export type CodeKind = keyof typeof CODE_TABLES;

/**
 * Whether each `kind:code` exists, one statement per batch whatever the mix of kinds. A
 * filter with a typo ("CEDAW ", "FR" for a country without cities) would otherwise look like
 * "no results"; a statistics API should say which code it does not know. Nested filters
 * (City.commitments(filter)) ask with the same keys for every parent row, so the check costs
 * one statement per request.
 */
function knownCodesLoader(dataSource: DataSource): DataLoader<string, boolean> {
  return new DataLoader<string, boolean>(async (keys) => {
    const byKind = new Map<CodeKind, string[]>();
    for (const key of keys) {
      const colon = key.indexOf(':');
      const kind = key.slice(0, colon) as CodeKind;
      const codes = byKind.get(kind);
      if (codes) codes.push(key.slice(colon + 1));
      else byKind.set(kind, [key.slice(colon + 1)]);
    }
    const kinds = [...byKind.keys()];
    const rows = await query<{ kind: string; code: string }>(
      dataSource,
      sql.join(
        kinds.map((kind) => {
          const { table, column, alternate } = CODE_TABLES[kind];
          // The kind is a key of CODE_TABLES (code, not input): written into the text as a literal.
          const [k, t, c] = [sql.raw(`'${kind}'`), sql.raw(table), sql.raw(column)];
          return alternate
            ? sql`SELECT ${k} AS kind, v AS code FROM unnest(${byKind.get(kind)}::text[]) AS v
               WHERE EXISTS (SELECT 1 FROM ${t} WHERE ${c} = v OR ${sql.raw(alternate)} = v)`
            : sql`SELECT ${k} AS kind, ${c}::text AS code FROM ${t} WHERE ${c} = ANY(${byKind.get(kind)})`;
        }),
        ' UNION ALL ',
      ),
    );
    const found = new Set(rows.map((r) => `${r.kind}:${r.code}`));
    return keys.map((key) => found.has(key));
  });
}

/** What one request has already worked out about unknown references, so none is done twice. */
export interface ReferenceMemo {
  /** Known codes or slugs per kind, read only when something is unknown. */
  candidates: Map<string, Promise<string[]>>;
  /** "Did you mean" per kind and distinct unknown value. */
  suggestions: Map<string, Promise<string[]>>;
  /** The error per argument and unknown values: every parent row asking gets the same one. */
  errors: Map<string, Promise<GraphQLError>>;
}

export function referenceLoaders(dataSource: DataSource, references: RequestReferences) {
  const byCode = (i: Indicator) => i.code;
  return {
    knownCodes: knownCodesLoader(dataSource),
    indicatorByCode: uniqueLoader<string, Indicator>(
      (codes) =>
        references.rows('indicator:code', codes, (misses) => rowsByKeys(dataSource, Indicator, 'code', misses), byCode),
      byCode,
    ),
    instrumentByCode: sharedUniqueLoader<string, Instrument>(dataSource, Instrument, 'code'),
    cityBySlug: sharedUniqueLoader<string, City>(dataSource, City, 'slug'),
    referenceMemo: { candidates: new Map(), suggestions: new Map(), errors: new Map() } as ReferenceMemo,
  };
}
