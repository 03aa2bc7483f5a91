import { type ApolloServerPlugin, type GraphQLRequest, type GraphQLResponse, HeaderMap } from '@apollo/server';
import { type FormattedExecutionResult, type OperationDefinitionNode, stripIgnoredCharacters } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Context } from '../context';
import type { DataChanges } from './dataChanges';

/** Response header saying whether the answer came from the cache: HIT, MISS or BYPASS. */
export const CACHE_HEADER = 'x-rightsgraph-cache';

const HEAP_PER_JSON_BYTE = 2;

export interface ResponseCacheOptions {
  maxBytes: number;
  ttlMs: number;
  /** How long a miss waits for the same answer being computed by another request before computing it itself. */
  waitMs: number;
}

const delay = (ms: number) =>
  new Promise<null>((resolve) => {
    setTimeout(() => resolve(null), ms).unref();
  });

/**
 * The variables as part of a cache key, or null for variables that cannot be one: JSON nested
 * thousands deep overflows the stack of JSON.stringify (RangeError), which made the request a
 * 500. Such a request just bypasses the cache; graphql-js then judges its variables.
 */
function variablesKey(variables: Record<string, unknown> | undefined): string | null {
  try {
    return JSON.stringify(variables ?? {});
  } catch {
    return null;
  }
}

interface Entry {
  result: FormattedExecutionResult;
  bytes: number;
}

const MAX_CACHED_REQUEST_BYTES = 64 * 1024;

/**
 * The key of a request's answer apart from the data it was computed from, or null for a request
 * not worth keeping. A request body of over 64 KB is no dashboard query: keying it would copy
 * its variables (a 900 KB code) into a key string several times, for nothing. The text is
 * stripped of comments and insignificant whitespace, which never change the answer: a client
 * varying them (a random comment per request) stored one copy of the same answer per request
 * (issue 12, row 11).
 */
export function requestKey(request: GraphQLRequest, queryHash: string | undefined): string | null {
  if (Number(request.http?.headers.get('content-length') ?? 0) > MAX_CACHED_REQUEST_BYTES) return null;
  const variables = variablesKey(request.variables);
  if (variables === null) return null;
  const text = request.query ? stripIgnoredCharacters(request.query) : queryHash;
  if (text === undefined) return null;
  return `${text}\u0000${request.operationName ?? ''}\u0000${variables}`;
}

/**
 * Only anonymous queries are cached: mutations run (and empty the cache as they answer), keyed
 * callers see their own writes at once (and key management is not data the notifications
 * cover). Apollo asks even when no operation was resolved (an operationName the document does
 * not define): execution then answers the coded error.
 */
export function cacheable(operation: OperationDefinitionNode | undefined, context: Context): boolean {
  return operation?.operation === 'query' && context.auth.kind === 'anonymous';
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
    // An answer's heap is about twice its JSON (the soak: ~150 MB of heap for 64 MiB of JSON),
    // and a key's characters take up to two bytes: maxBytes bounds memory, not text.
    sizeCalculation: (entry, key) => HEAP_PER_JSON_BYTE * entry.bytes + 2 * key.length,
    ttl: options.ttlMs,
  });
  // Misses being computed, by key: a request that misses while another computes the same
  // answer waits for it instead of doing the same work again. After every data change the
  // cache is empty and a dashboard's visitors all miss at once; without this, 32 concurrent
  // requests for one impact analysis ran it 32 times.
  const inFlight = new Map<string, { generation: number; done: Promise<Entry | null> }>();
  changes.subscribe(() => {
    cache.clear();
    inFlight.clear();
  });

  return {
    async requestDidStart() {
      let key: string | null = null;
      let generation = -1;
      let status: 'HIT' | 'MISS' | 'BYPASS' = 'BYPASS';
      let settle: ((entry: Entry | null) => void) | null = null;
      const answer = (entry: Entry): GraphQLResponse => {
        status = 'HIT';
        return {
          http: { status: undefined, headers: new HeaderMap() },
          body: { kind: 'single', singleResult: entry.result },
        };
      };
      return {
        async responseForOperation({ operation, request, queryHash, contextValue }) {
          // Besides what cacheable() leaves out, anything the notifications cannot vouch for.
          if (!cacheable(operation, contextValue) || !changes.trusted) return null;
          key = requestKey(request, queryHash);
          if (key === null) return null;
          generation = changes.generation;
          const cached = cache.get(key);
          if (cached) return answer(cached);
          const flight = inFlight.get(key);
          if (flight && flight.generation === generation) {
            const entry = await Promise.race([flight.done, delay(options.waitMs)]);
            // The other request's answer if it could be stored; else do the work here.
            if (entry && changes.generation === generation) return answer(entry);
          } else {
            let resolve!: (entry: Entry | null) => void;
            const done = new Promise<Entry | null>((r) => (resolve = r));
            const ownKey = key;
            inFlight.set(ownKey, { generation, done });
            settle = (entry) => {
              if (inFlight.get(ownKey)?.done === done) inFlight.delete(ownKey);
              resolve(entry);
            };
          }
          status = 'MISS';
          return null;
        },
        async willSendResponse({ response, operation }) {
          // A write through this process: drop answers now, not when its notification arrives.
          if (operation?.operation === 'mutation') changes.changed();
          response.http.headers.set(CACHE_HEADER, status);
          let stored: Entry | null = null;
          try {
            if (status !== 'MISS' || key === null || response.body.kind !== 'single') return;
            const result = response.body.singleResult;
            if (result.errors?.length || !changes.trusted || changes.generation !== generation) return;
            const bytes = Buffer.byteLength(JSON.stringify(result));
            if (HEAP_PER_JSON_BYTE * bytes + 2 * key.length <= options.maxBytes) {
              stored = { result, bytes };
              cache.set(key, stored);
            }
          } finally {
            settle?.(stored);
          }
        },
      };
    },
  };
}
