import type { DataSource } from 'typeorm';
import { createLoaders } from '../../src/context';
import { groupLoader, parameterisedGroupLoader, uniqueLoader } from '../../src/modules/common/loaders';

/** As in dataloader's own tests: assert the batches, not only the values. */
describe('loader helpers', () => {
  it('uniqueLoader batches keys into one call and answers in key order with null for misses', async () => {
    const calls: number[][] = [];
    const loader = uniqueLoader<number, { id: number }>(
      async (ids) => {
        calls.push(ids);
        return ids.filter((id) => id !== 3).map((id) => ({ id }));
      },
      (row) => row.id,
    );
    const results = await Promise.all([loader.load(2), loader.load(1), loader.load(3), loader.load(2)]);
    expect(calls).toEqual([[2, 1, 3]]);
    expect(results).toEqual([{ id: 2 }, { id: 1 }, null, { id: 2 }]);
  });

  it('groupLoader answers [] for keys without rows', async () => {
    const calls: string[][] = [];
    const loader = groupLoader<string, { owner: string; n: number }>(
      async (keys) => {
        calls.push(keys);
        return [
          { owner: 'a', n: 1 },
          { owner: 'b', n: 2 },
          { owner: 'a', n: 3 },
        ];
      },
      (row) => row.owner,
    );
    const [a, b, c] = await Promise.all([loader.load('a'), loader.load('b'), loader.load('c')]);
    expect(calls).toEqual([['a', 'b', 'c']]);
    expect(a.map((r) => r.n)).toEqual([1, 3]);
    expect(b.map((r) => r.n)).toEqual([2]);
    expect(c).toEqual([]);
  });

  it('parameterisedGroupLoader makes one call per distinct parameter set', async () => {
    const calls: [number[], unknown][] = [];
    const loader = parameterisedGroupLoader<{ kind: string } | null, number, { cityId: number; kind: string }>(
      async (ids, params) => {
        calls.push([ids, params]);
        return ids.map((cityId) => ({ cityId, kind: params?.kind ?? 'any' }));
      },
      (row) => row.cityId,
    );
    const results = await Promise.all([
      loader.load({ id: 1, params: null }),
      loader.load({ id: 2, params: null }),
      loader.load({ id: 1, params: { kind: 'ORDINANCE' } }),
    ]);
    expect(calls).toEqual([
      [[1, 2], null],
      [[1], { kind: 'ORDINANCE' }],
    ]);
    expect(results.map((r) => r.map((x) => x.kind))).toEqual([['any'], ['any'], ['ORDINANCE']]);
  });
});

describe("a request's loaders", () => {
  // Loaders query only when asked to load, so no database is needed to make them.
  const dataSource = {} as DataSource;

  it('are made once per request, on first read, and never shared between requests', () => {
    const first = createLoaders(dataSource);
    const second = createLoaders(dataSource);
    expect(first.cityById).toBe(first.cityById);
    expect(first.cityById).not.toBe(second.cityById);
    // A group made because another needs it (commitments read instruments) is the request's own.
    expect(first.commitmentsByCity).not.toBe(second.commitmentsByCity);
    expect(first.instrumentById).toBe(first.instrumentById);
    expect(first.instrumentById).not.toBe(second.instrumentById);
    expect(first.references).not.toBe(second.references);
  });
});
