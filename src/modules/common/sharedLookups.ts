import DataLoader from 'dataloader';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { rowsByKeys } from './entityRows';

/** The most keys one shared statement carries; more start another. */
export const MAX_SHARED_KEYS = 1000;

interface Waiter<K, V> {
  keys: readonly K[];
  resolve: (rows: (V | null)[]) => void;
  reject: (error: unknown) => void;
}

interface Batch<K, V> {
  keys: Set<K>;
  waiters: Waiter<K, V>[];
}

/**
 * Lookups by a unique key of rows that read the same for every caller (a city by id or slug),
 * gathered from every request of one turn of the event loop into one statement.
 *
 * Each request keeps its own DataLoader (its cache and its batch, as before); what changes is
 * where the batch goes. Node reads every socket that is ready in one poll and runs each
 * request's promises to their next wait before it runs `setImmediate` callbacks, so requests
 * that arrived together each reach here before the flush, and one round trip answers them all
 * instead of one each. A point lookup under load spends about a third of its server time and
 * half of its Postgres time on its round trip (docs/performance.md).
 *
 * Batches are kept per scope (a data source: the primary and each replica apart) and lookup
 * (entity and key column). A failed statement fails every request that waited on it, as it
 * would have failed each of them; a request asks with its own keys and gets back only those.
 * Not for rows whose visibility depends on the caller or on a transaction under way.
 */
export class SharedLookups {
  private readonly pending = new WeakMap<object, Map<string, Batch<unknown, unknown>>>();

  /** Statements sent, and the requests (batches of a DataLoader) they answered between them. */
  readonly stats = { statements: 0, waiters: 0 };

  load<K, V>(
    scope: object,
    lookup: string,
    keys: readonly K[],
    fetch: (keys: K[]) => Promise<V[]>,
    keyOf: (row: V) => K,
  ): Promise<(V | null)[]> {
    let lookups = this.pending.get(scope);
    if (!lookups) this.pending.set(scope, (lookups = new Map()));
    let batch = lookups.get(lookup) as Batch<K, V> | undefined;
    if (batch && batch.keys.size + keys.length > MAX_SHARED_KEYS) {
      lookups.delete(lookup);
      this.flush(batch, fetch, keyOf);
      batch = undefined;
    }
    if (!batch) {
      const started: Batch<K, V> = (batch = { keys: new Set(), waiters: [] });
      lookups.set(lookup, started as Batch<unknown, unknown>);
      const scoped = lookups;
      setImmediate(() => {
        if (scoped.get(lookup) === started) scoped.delete(lookup);
        this.flush(started, fetch, keyOf);
      });
    }
    for (const key of keys) batch.keys.add(key);
    const joined = batch;
    return new Promise((resolve, reject) => joined.waiters.push({ keys, resolve, reject }));
  }

  private flush<K, V>(batch: Batch<K, V>, fetch: (keys: K[]) => Promise<V[]>, keyOf: (row: V) => K): void {
    // A batch flushed early (it was full) is marked empty, so its timer does not send it twice.
    const { waiters } = batch;
    const keys = [...batch.keys];
    batch.keys = new Set();
    batch.waiters = [];
    if (waiters.length === 0) return;
    this.stats.statements += 1;
    this.stats.waiters += waiters.length;
    fetch(keys).then(
      (rows) => {
        const byKey = new Map<K, V>();
        for (const row of rows) byKey.set(keyOf(row), row);
        for (const waiter of waiters) waiter.resolve(waiter.keys.map((key) => byKey.get(key) ?? null));
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.reject(error);
      },
    );
  }
}

/** The process's shared lookups. */
export const sharedLookups = new SharedLookups();

/**
 * A request's loader of an entity's rows by a unique column, whose batches join every other
 * request's of the same turn (SharedLookups): `null` for keys with no row.
 */
export function sharedUniqueLoader<K extends string | number, V extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<V>,
  propertyName: string & keyof V,
): DataLoader<K, V | null> {
  const lookup = `${typeof target === 'function' ? target.name : String(target)}.${propertyName}`;
  const fetch = (keys: K[]) => rowsByKeys(dataSource, target, propertyName, keys);
  const keyOf = (row: V) => row[propertyName] as K;
  return new DataLoader<K, V | null>((keys) => sharedLookups.load(dataSource, lookup, keys, fetch, keyOf));
}
