import 'reflect-metadata';
import { DataChanges, type EmbeddedWriters } from '../../src/cache/dataChanges';
import { RankingCache } from '../../src/cache/rankingCache';
import { ObservationStatus } from '../../src/modules/indicator/observation.entity';
import { RANKED_CITY_BYTES, RankedTable, type RankingTable } from '../../src/modules/analytics/ranking.sql';
import { createLogger } from '../../src/logger';

/**
 * The ranking cache driven by hand: which loads compute, in which order, with values of known
 * size, so eviction and freshness follow from the arithmetic written beside each step.
 */

/** A writer-free embedded database: DataChanges hears every writer, so the cache is used. */
const alone: EmbeddedWriters = { foreign: () => 0, onConnection: () => undefined };

function setup(maxBytes: number) {
  const changes = new DataChanges(null, createLogger('silent'), alone);
  const cache = new RankingCache<{ bytes: number; name: string }>(changes, maxBytes);
  const computed: string[] = [];
  const load = (key: string, bytes = 300) =>
    cache.load(key, async () => {
      computed.push(key);
      return { value: { bytes, name: key }, extra: `extra of ${key}` };
    });
  return { changes, cache, computed, load };
}

describe('ranking cache', () => {
  it('evicts the least recently used rankings to stay within its bytes', async () => {
    // Each entry: 300 bytes of value + 2 bytes of its one-letter key = 302; three fit in 1000, four do not.
    const { cache, computed, load } = setup(1000);
    await load('a');
    await load('b');
    await load('c');
    expect(cache.bytes).toBe(906);
    expect((await load('a')).value?.name).toBe('a'); // a hit: now used more recently than b and c
    await load('d'); // 1208 > 1000: b, the least recently used, goes
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBe(906);
    expect(computed).toEqual(['a', 'b', 'c', 'd']);
    await load('a');
    await load('c');
    await load('d');
    expect(computed).toEqual(['a', 'b', 'c', 'd']);
    // Read in the order a, c, d: a is now the least recently used, and goes for b.
    await load('b');
    expect(computed).toEqual(['a', 'b', 'c', 'd', 'b']);
    await load('c');
    await load('a');
    expect(computed).toEqual(['a', 'b', 'c', 'd', 'b', 'a']);
  });

  it('never holds a ranking larger than its bound', async () => {
    const { cache, computed, load } = setup(1000);
    await load('big', 999); // 999 + 6 > 1000
    await load('big', 999);
    expect(computed).toEqual(['big', 'big']);
    expect(cache.size).toBe(0);
  });

  it('gives the caller that computed its extra, and a hit none', async () => {
    const { load } = setup(1000);
    expect(await load('a')).toEqual({ value: { bytes: 300, name: 'a' }, extra: 'extra of a' });
    expect(await load('a')).toEqual({ value: { bytes: 300, name: 'a' } });
  });

  it('is emptied by every change, and keeps nothing computed while a change arrived', async () => {
    const { changes, cache, computed, load } = setup(1000);
    await load('a');
    changes.changed();
    expect(cache.size).toBe(0);
    await load('a');
    expect(computed).toEqual(['a', 'a']);

    let finish: () => void = () => undefined;
    const slow = cache.load('s', async () => {
      computed.push('s');
      await new Promise<void>((resolve) => (finish = resolve));
      return { value: { bytes: 10, name: 's' } };
    });
    changes.changed();
    finish();
    expect((await slow).value?.name).toBe('s');
    await load('s', 10);
    expect(computed).toEqual(['a', 'a', 's', 's']);
  });

  it('sends one computation for requests that miss the same ranking at once', async () => {
    const { cache, computed } = setup(1000);
    let finish: () => void = () => undefined;
    const compute = async () => {
      computed.push('x');
      await new Promise<void>((resolve) => (finish = resolve));
      return { value: { bytes: 10, name: 'x' }, extra: 'mine' };
    };
    const first = cache.load('x', compute);
    const second = cache.load('x', compute);
    finish();
    expect(await first).toEqual({ value: { bytes: 10, name: 'x' }, extra: 'mine' });
    expect(await second).toEqual({ value: { bytes: 10, name: 'x' } });
    expect(computed).toEqual(['x']);
  });

  it('passes a failure to every request waiting for it and holds nothing', async () => {
    const { cache, computed, load } = setup(1000);
    let fail: (error: Error) => void = () => undefined;
    const failing = async (): Promise<{ value: { bytes: number; name: string } }> => {
      computed.push('f');
      return new Promise((_, reject) => (fail = reject));
    };
    const first = cache.load('f', failing);
    const second = cache.load('f', failing);
    fail(new Error('statement timeout'));
    await expect(first).rejects.toThrow('statement timeout');
    await expect(second).rejects.toThrow('statement timeout');
    await load('f');
    expect(computed).toEqual(['f', 'f']);
  });

  it('computes every time while it cannot hear of every change', async () => {
    // No LISTEN URL and no embedded socket: writes behind the server's back go unheard.
    const changes = new DataChanges(null, createLogger('silent'));
    const cache = new RankingCache<{ bytes: number }>(changes, 1000);
    let computations = 0;
    const compute = async () => {
      computations += 1;
      return { value: { bytes: 10 } };
    };
    await cache.load('a', compute);
    await cache.load('a', compute);
    expect(computations).toBe(2);
    expect(cache.size).toBe(0);
  });
});

describe('RankedTable', () => {
  // A hand-made ranking of four cities (best first), with and without bounds and two statuses.
  const table: RankingTable = {
    indicatorId: 7,
    total: 4,
    sourceIds: [2, 5],
    statusCounts: { MEASURED: 3, ESTIMATED: 1 },
    rows: [
      {
        cityId: 40,
        year: 2020,
        value: 1.5,
        lower: 1,
        upper: 2,
        status: ObservationStatus.MEASURED,
        sourceId: 2,
        rank: 1,
        percentile: 100,
        tier: 1,
      },
      {
        cityId: 3,
        year: 2019,
        value: 2,
        lower: null,
        upper: null,
        status: ObservationStatus.ESTIMATED,
        sourceId: 5,
        rank: 2,
        percentile: 75,
        tier: 1,
      },
      {
        cityId: 17,
        year: 2020,
        value: 2,
        lower: 0,
        upper: null,
        status: ObservationStatus.MEASURED,
        sourceId: 2,
        rank: 2,
        percentile: 75,
        tier: 1,
      },
      {
        cityId: 9,
        year: -1,
        value: -0.1,
        lower: null,
        upper: 7,
        status: ObservationStatus.MEASURED,
        sourceId: 2,
        rank: 4,
        percentile: 25,
        tier: 2,
      },
    ],
  };

  it('gives back the rows, the totals and the first `limit` entries as computed', () => {
    const held = RankedTable.of(table)!;
    expect(held.page(null)).toEqual(table);
    expect(held.page(2)).toEqual({ ...table, rows: table.rows.slice(0, 2) });
    expect(held.page(10).rows).toHaveLength(4);
    expect(held.page(0).rows).toEqual([]);
  });

  it("finds a city's place by id, and nothing for a city it does not rank", () => {
    const held = RankedTable.of(table)!;
    expect(held.get(17)).toEqual({ rank: 2, value: 2, year: 2020, percentile: 75, tier: 1, of: 4 });
    expect(held.get(9)).toEqual({ rank: 4, value: -0.1, year: -1, percentile: 25, tier: 2, of: 4 });
    expect(held.get(40)?.rank).toBe(1);
    expect(held.get(3)?.year).toBe(2019);
    expect(held.get(4)).toBeUndefined();
    expect(held.get(41)).toBeUndefined();
  });

  it('counts its bytes: the same for each more city', () => {
    // The first three rows have both statuses, as all four have: only the fourth city differs.
    const three = RankedTable.of({ ...table, total: 3, rows: table.rows.slice(0, 3) })!;
    const four = RankedTable.of(table)!;
    expect(four.bytes - three.bytes).toBe(RANKED_CITY_BYTES);
    expect(RANKED_CITY_BYTES).toBe(60);
  });

  it('declines what its columns cannot hold exactly', () => {
    expect(RankedTable.of({ ...table, rows: [{ ...table.rows[0], year: 40_000 }], total: 1 })).toBeNull();
    expect(RankedTable.of({ ...table, rows: [{ ...table.rows[0], cityId: 2 ** 31 }], total: 1 })).toBeNull();
    // A page, not the whole ranking.
    expect(RankedTable.of({ ...table, rows: table.rows.slice(0, 2) })).toBeNull();
  });
});
