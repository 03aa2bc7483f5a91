import { createHash } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context';
import type { Release } from '../source/release.entity';
import type { Source } from '../source/source.entity';
import type { Citation } from './analytics.types';
import { loadAll } from '../common/loadAll';
import { selectedFields } from '../common/lookahead';
import { citationSentence } from '../source/citationText';

/** Sorted keys, no null/undefined members: the same question always hashes the same. */
export function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .filter(
          (key) =>
            (value as Record<string, unknown>)[key] !== null && (value as Record<string, unknown>)[key] !== undefined,
        )
        .map((key) => [key, normalise((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function queryHash(query: string, args: unknown, releaseId: number | null): string {
  const text = JSON.stringify(normalise({ query, args, release: releaseId }));
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Whether the query selects the answer's `citation` (through aliases and fragments; under @skip
 * or @include it counts as selected). Decided before any SQL runs: only a cited answer reads the
 * newest release (so that its data and the release it names are one) and the sources' rows. An
 * answer without it leaves `citation` unset, which GraphQL never reads.
 */
export function citationSelected(info: GraphQLResolveInfo): boolean {
  return selectedFields(info, []).has('citation');
}

/**
 * The citation of a comparative answer: the sources whose values were used, the release the
 * data is as of, and a hash of the question, so a published number can be traced and recomputed.
 */
export async function buildCitation(
  context: Context,
  input: { query: string; args: unknown; sourceIds: Iterable<number>; release: Release | null },
): Promise<Citation> {
  const ids = [...new Set(input.sourceIds)].sort((a, b) => a - b);
  const sources = (await loadAll(context.loaders.sourceById, ids)).filter(
    (s): s is Source => s !== null && !(s instanceof Error),
  );
  const hash = queryHash(input.query, input.args, input.release?.id ?? null);
  const release = input.release
    ? `release ${input.release.id} (${input.release.createdAt.toISOString().slice(0, 10)})`
    : 'an empty database';
  const text = [
    ...sources.map((s) => citationSentence(s.citation)),
    `Computed with rightsgraph (${input.query}) from ${release}; query ${hash}.`,
  ].join(' ');
  return { text, sources, release: input.release, queryHash: hash };
}
