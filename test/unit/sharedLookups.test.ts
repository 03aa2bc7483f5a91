import { MAX_SHARED_KEYS, SharedLookups } from '../../src/modules/common/sharedLookups';

/** The batching rules of SharedLookups, with a table in memory standing in for the statement. */

interface Row {
  id: number;
  name: string;
}

function table(ids: number[]) {
  const calls: number[][] = [];
  const rows = new Map(ids.map((id) => [id, { id, name: `city ${id}` }]));
  const fetch = async (keys: number[]): Promise<Row[]> => {
    calls.push(keys);
    // Rows come back in the table's order, not the keys'.
    return [...rows.values()].filter((row) => keys.includes(row.id));
  };
  return { calls, fetch, keyOf: (row: Row) => row.id };
}

describe('SharedLookups', () => {
  it('answers every waiter of one turn from one fetch of their keys, each with its own keys in order', async () => {
    const shared = new SharedLookups();
    const scope = {};
    const { calls, fetch, keyOf } = table([1, 2, 3, 4]);
    const answers = await Promise.all([
      shared.load(scope, 'city.id', [3, 1], fetch, keyOf),
      shared.load(scope, 'city.id', [9], fetch, keyOf),
      shared.load(scope, 'city.id', [1, 2], fetch, keyOf),
    ]);
    expect(calls).toEqual([[3, 1, 9, 2]]);
    expect(answers.map((rows) => rows.map((row) => row?.id ?? null))).toEqual([[3, 1], [null], [1, 2]]);
    expect(shared.stats).toEqual({ statements: 1, waiters: 3 });
  });

  it('fetches again in a later turn, and apart for another scope or lookup', async () => {
    const shared = new SharedLookups();
    const [primary, replica] = [{}, {}];
    const { calls, fetch, keyOf } = table([1, 2]);
    await Promise.all([
      shared.load(primary, 'city.id', [1], fetch, keyOf),
      shared.load(replica, 'city.id', [1], fetch, keyOf),
      shared.load(primary, 'right.id', [2], fetch, keyOf),
    ]);
    await shared.load(primary, 'city.id', [2], fetch, keyOf);
    expect(calls).toEqual([[1], [1], [2], [2]]);
  });

  it('fails every waiter of a failed fetch, and not those of the next', async () => {
    const shared = new SharedLookups();
    const scope = {};
    let fail = true;
    const fetch = async (keys: number[]): Promise<Row[]> => {
      if (fail) throw new Error('connection lost');
      return keys.map((id) => ({ id, name: '' }));
    };
    const keyOf = (row: Row) => row.id;
    const outcomes = await Promise.allSettled([
      shared.load(scope, 'city.id', [1], fetch, keyOf),
      shared.load(scope, 'city.id', [2], fetch, keyOf),
    ]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'ok'))).toEqual([
      'connection lost',
      'connection lost',
    ]);
    fail = false;
    expect(await shared.load(scope, 'city.id', [2], fetch, keyOf)).toEqual([{ id: 2, name: '' }]);
  });

  it(`sends a batch as soon as another request's keys would take it past ${MAX_SHARED_KEYS}`, async () => {
    const shared = new SharedLookups();
    const scope = {};
    const ids = Array.from({ length: MAX_SHARED_KEYS + 10 }, (_, k) => k + 1);
    const { calls, fetch, keyOf } = table(ids);
    const first = ids.slice(0, MAX_SHARED_KEYS - 5);
    const second = ids.slice(MAX_SHARED_KEYS - 5);
    const answers = await Promise.all([
      shared.load(scope, 'city.id', first, fetch, keyOf),
      shared.load(scope, 'city.id', second, fetch, keyOf),
    ]);
    expect(calls.map((keys) => keys.length)).toEqual([first.length, second.length]);
    expect(answers[0].map((row) => row?.id)).toEqual(first);
    expect(answers[1].map((row) => row?.id)).toEqual(second);
    expect(shared.stats).toEqual({ statements: 2, waiters: 2 });
  });
});
