import type { DataSource } from 'typeorm';
import type { DataChanges } from './dataChanges';

/** A value held with the bytes it occupies (the holder computes them: typed arrays count exactly). */
export interface Sized {
  readonly bytes: number;
}

interface Held<V> {
  value: V;
  bytes: number;
}

/**
 * Full rankings held in process between requests (issue 15): the ranking of one indicator in one
 * year and scope ranks every city in scope with window functions, 17 ms of Postgres at 2,000
 * cities, for a page of 100. Held, a page, the count and City.rank are read from memory.
 *
 * The key names the indicator, the year and the scope's SQL text and values, and so the
 * release the scope is as of (an `asOf`, or the newest one when the citation names it). The
 * release alone would not make a held ranking safe: a curator's rename reorders the cities
 * tied in a ranking (ties go by name), and city filters read facts that change without a
 * release. So the contract is the reference cache's (referenceCache.ts): every data change
 * DataChanges hears of empties it, it is used only while DataChanges hears every writer, and a
 * ranking computed while a change arrived is not kept. Not with read replicas (server.ts): a
 * held ranking could be from the primary, ahead of the standby that answers the rest of the
 * query.
 *
 * Bounded by bytes: the least recently used rankings go first. Requests that miss the same
 * ranking at once wait for the one statement the first of them sent.
 */
export class RankingCache<V extends Sized> {
  /** In use order, least recent first (a Map iterates in insertion order). */
  private readonly held = new Map<string, Held<V>>();
  private readonly pending = new Map<string, Promise<V | null>>();
  private heldBytes = 0;

  constructor(
    private readonly changes: DataChanges,
    readonly maxBytes: number,
  ) {
    changes.subscribe(() => this.clear());
  }

  get usable(): boolean {
    return this.changes.hearsEveryWriter;
  }

  /** Bytes held now (the sum of the values' own counts). */
  get bytes(): number {
    return this.heldBytes;
  }

  get size(): number {
    return this.held.size;
  }

  clear(): void {
    this.held.clear();
    this.pending.clear();
    this.heldBytes = 0;
  }

  /**
   * The value for `key`: held, or being computed for another request, or computed now by
   * `compute`, which may hand its caller something more (`extra`, e.g. rows read in the same
   * statement for this request only). A null value (nothing to rank: an unknown indicator) is
   * never held, so a new indicator is seen at once.
   */
  async load<E>(
    key: string,
    compute: () => Promise<{ value: V | null; extra?: E }>,
  ): Promise<{ value: V | null; extra?: E }> {
    if (!this.usable) return compute();
    const hit = this.held.get(key);
    if (hit) {
      this.held.delete(key);
      this.held.set(key, hit);
      return { value: hit.value };
    }
    const waiting = this.pending.get(key);
    if (waiting) return { value: await waiting };
    const generation = this.changes.generation;
    const computing = compute();
    const value = computing.then((r) => r.value);
    // Handled here: a failure reaches this caller through `computing` and each waiter through `value`.
    value.catch(() => undefined);
    this.pending.set(key, value);
    try {
      const result = await computing;
      if (result.value && this.changes.generation === generation && this.usable) this.keep(key, result.value);
      return result;
    } finally {
      if (this.pending.get(key) === value) this.pending.delete(key);
    }
  }

  private keep(key: string, value: V): void {
    // The key's text counts too: it holds the scope's SQL.
    const bytes = value.bytes + 2 * key.length;
    if (bytes > this.maxBytes) return;
    const previous = this.held.get(key);
    if (previous) {
      this.held.delete(key);
      this.heldBytes -= previous.bytes;
    }
    for (const [oldest, entry] of this.held) {
      if (this.heldBytes + bytes <= this.maxBytes) break;
      this.held.delete(oldest);
      this.heldBytes -= entry.bytes;
    }
    this.held.set(key, { value, bytes });
    this.heldBytes += bytes;
  }
}

/** The ranking cache of each data source a server was built on (as attachReferenceCache). */
const attached = new WeakMap<DataSource, RankingCache<Sized>>();

export function attachRankingCache(dataSource: DataSource, cache: RankingCache<Sized>): () => void {
  attached.set(dataSource, cache);
  return () => {
    if (attached.get(dataSource) === cache) attached.delete(dataSource);
  };
}

/** The cache attached to a data source, holding values of the one kind its only user stores. */
export function rankingCacheOf<V extends Sized>(dataSource: DataSource): RankingCache<V> | undefined {
  return attached.get(dataSource) as RankingCache<V> | undefined;
}
