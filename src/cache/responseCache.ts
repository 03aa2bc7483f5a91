import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Context } from '../context';
import type { DataChanges } from './dataChanges';

/** Response header saying whether the answer came from the cache: HIT, MISS or BYPASS. */
export const CACHE_HEADER = 'x-rightsgraph-cache';

export interface ResponseCacheOptions {
  maxBytes: number;
  ttlMs: number;
}

interface Entry {
  result: FormattedExecutionResult;
  bytes: number;
}

/**
 * Answers a repeated anonymous query from memory while the data is unchanged.
 *
 * The data changes only when a transaction writes it (an import, a curator), and a dashboard
 * sends the same few operations for every visitor, so the same operation with the same
 * variables gets the same answer until DataChanges says otherwise: every change empties the
 * cache. An answer is stored only if no change was heard of between the lookup and the store,
 * so an answer computed from data a concurrent write replaced is never kept.
 *
 * Bypassed: mutations; callers with an API key (curators see their own writes at once, and key
 * management is not data the notifications cover); answers with errors; and any request while
 * DataChanges cannot vouch for the data. The lookup happens after parsing and validation, so the
 * query limits still apply to cached answers, and the rate limiter runs before it.
 *
 * Entries are the formatted results Apollo serialises, shared between requests and never
 * modified; the LRU is bounded by their JSON size (maxBytes) and expires them after ttlMs as a
 * safety net.
 */
export function responseCachePlugin(changes: DataChanges, options: ResponseCacheOptions): ApolloServerPlugin<Context> {
  const cache = new LRUCache<string, Entry>({
    maxSize: options.maxBytes,
    sizeCalculation: (entry, key) => entry.bytes + key.length,
    ttl: options.ttlMs,
  });
  changes.subscribe(() => cache.clear());

  return {
    async requestDidStart() {
      let key: string | null = null;
      let generation = -1;
      let status: 'HIT' | 'MISS' | 'BYPASS' = 'BYPASS';
      return {
        async responseForOperation({ operation, request, queryHash, contextValue }) {
          if (operation.operation === 'mutation') {
            // A write through this process: drop answers now, not when the notification arrives.
            return null;
          }
          if (operation.operation !== 'query' || contextValue.auth.kind !== 'anonymous' || !changes.trusted) {
            return null;
          }
          generation = changes.generation;
          key = `${queryHash}\u0000${request.operationName ?? ''}\u0000${JSON.stringify(request.variables ?? {})}`;
          const hit = cache.get(key);
          if (!hit) {
            status = 'MISS';
            return null;
          }
          status = 'HIT';
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: hit.result },
          };
        },
        async willSendResponse({ response, operation }) {
          if (operation?.operation === 'mutation') changes.changed();
          response.http.headers.set(CACHE_HEADER, status);
          if (status !== 'MISS' || key === null || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors?.length || !changes.trusted || changes.generation !== generation) return;
          const bytes = Buffer.byteLength(JSON.stringify(result));
          if (bytes + key.length <= options.maxBytes) cache.set(key, { result, bytes });
        },
      };
    },
  };
}
