import type { ApolloServerPlugin } from '@apollo/server';
import type { DataSource } from 'typeorm';
import type { DataChanges } from './dataChanges';
import { type RankingCache, rankingCacheOf, type Sized } from './rankingCache';

/** Rows kept per kind before the kind is emptied: reference tables are small, this only bounds a surprise. */
const MAX_ROWS_PER_KIND = 10_000;

/**
 * Reference rows held in process between requests: indicators by code and id, sources by id and
 * the newest release, which every analytic used to read again per request (issue 15).
 *
 * The same contract as the response cache: every data change DataChanges hears of empties it,
 * and it is used only while DataChanges hears every writer (a LISTEN connection to Postgres, or
 * the embedded socket with no other process on it), so a write by another server, the import
 * CLI or psql counts. A change is heard of when its notification arrives, a moment after the
 * commit; a write through this process (a mutation, POST /imports) empties it before its answer
 * is sent. Rows by key are kept only when found: a key nobody has is asked of the database
 * every time, so a new indicator is visible at once and an unknown code still gets its error
 * and suggestions from the database. What is read while a change arrives is not kept.
 */
export class ReferenceCache {
  private readonly kinds = new Map<string, Map<string | number, unknown>>();
  private newest: { release: unknown } | null = null;

  constructor(private readonly changes: DataChanges) {
    changes.subscribe(() => this.clear());
  }

  /** Whether cached rows can be trusted now. */
  get usable(): boolean {
    return this.changes.hearsEveryWriter;
  }

  clear(): void {
    this.kinds.clear();
    this.newest = null;
  }

  /** Rows for keys: the cached ones, and the misses fetched (one fetch for all of them). */
  async rows<K extends string | number, V extends object>(
    kind: string,
    keys: readonly K[],
    fetch: (keys: K[]) => Promise<V[]>,
    keyOf: (row: V) => K,
  ): Promise<V[]> {
    if (!this.usable) return fetch([...keys]);
    const held = this.kinds.get(kind);
    const hits: V[] = [];
    const misses: K[] = [];
    for (const key of keys) {
      const row = held?.get(key) as V | undefined;
      if (row) hits.push(row);
      else misses.push(key);
    }
    if (misses.length === 0) return hits;
    const generation = this.changes.generation;
    const fetched = await fetch(misses);
    if (this.changes.generation === generation && this.usable) {
      let kept = this.kinds.get(kind);
      if (!kept || kept.size + fetched.length > MAX_ROWS_PER_KIND) {
        kept = new Map();
        this.kinds.set(kind, kept);
      }
      // Shared between requests from now on: frozen, so no resolver can change another request's answer.
      for (const row of fetched) kept.set(keyOf(row), Object.freeze(row));
    }
    return [...hits, ...fetched];
  }

  /** The newest release (null on a database with none), read once per change. */
  async newestRelease<R extends object>(read: () => Promise<R | null>): Promise<R | null> {
    if (!this.usable) return read();
    if (this.newest) return this.newest.release as R | null;
    const generation = this.changes.generation;
    const release = await read();
    if (this.changes.generation === generation && this.usable) {
      this.newest = { release: release && Object.freeze(release) };
    }
    return release;
  }
}

/** The cache of each data source a server was built on (createServer attaches it, stop detaches it). */
const attached = new WeakMap<DataSource, ReferenceCache>();

export function attachReferenceCache(dataSource: DataSource, cache: ReferenceCache): () => void {
  attached.set(dataSource, cache);
  return () => {
    if (attached.get(dataSource) === cache) attached.delete(dataSource);
  };
}

/**
 * One request's view of the shared cache: none when no server attached one (a CLI, a test
 * without a server), and none for the rest of a mutation, which must read what it wrote.
 */
export class RequestReferences {
  private bypassed = false;

  constructor(
    private readonly shared: ReferenceCache | undefined,
    private readonly rankingCache?: RankingCache<Sized>,
  ) {}

  static of(dataSource: DataSource): RequestReferences {
    return new RequestReferences(attached.get(dataSource), rankingCacheOf(dataSource));
  }

  /** The rankings held in process (rankingCache.ts); none without one, and none in a mutation. */
  rankings<V extends Sized>(): RankingCache<V> | undefined {
    return this.bypassed ? undefined : (this.rankingCache as RankingCache<V> | undefined);
  }

  bypass(): void {
    this.bypassed = true;
  }

  /**
   * Whether rows asked through `rows` are held between requests: a read that needs them only to
   * help the planner (a redundant condition naming a partition key) asks for them then, and does
   * without them otherwise rather than spend a statement on them.
   */
  get holdsRows(): boolean {
    return !!this.shared && !this.bypassed && this.shared.usable;
  }

  rows<K extends string | number, V extends object>(
    kind: string,
    keys: readonly K[],
    fetch: (keys: K[]) => Promise<V[]>,
    keyOf: (row: V) => K,
  ): Promise<V[]> {
    return this.shared && !this.bypassed ? this.shared.rows(kind, keys, fetch, keyOf) : fetch([...keys]);
  }

  newestRelease<R extends object>(read: () => Promise<R | null>): Promise<R | null> {
    return this.shared && !this.bypassed ? this.shared.newestRelease(read) : read();
  }
}

/** What the plugin needs of the request's Context (src/context.ts imports this file: no import back). */
interface RequestContext {
  loaders: { references: RequestReferences };
}

/**
 * A mutation reads around the cache, and empties it (through DataChanges, so the response
 * cache too) once it has answered: the next request, the caller's included, reads what it wrote.
 */
export function referenceCachePlugin(changes: DataChanges): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === 'mutation') contextValue.loaders.references.bypass();
        },
        async willSendResponse({ operation }) {
          if (operation?.operation === 'mutation') changes.changed();
        },
      };
    },
  };
}
