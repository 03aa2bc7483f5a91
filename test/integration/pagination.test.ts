import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

/**
 * The paged lists other than cities (lookups.test.ts pages those): every page of a list, put
 * end to end, is the whole list in the documented order, with cursors in their documented
 * format and `totalCount` costing its own statement only when asked for. The expected order is
 * computed here from the table rows, read with plain SQL, never from the API.
 */
let t: TestServer;
beforeAll(async () => {
  t = await createTestServer();
});
afterAll(async () => {
  await t.close();
});

type Page<N> = {
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: N }[];
};

/** A cursor as clients see it: base64url of JSON [ordering, ...sort key]. */
const cursorOf = (...key: unknown[]) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** Every page of `field`, `size` at a time, following endCursor; the pages in order. */
async function allPages<N>(field: string, args: string, node: string, size: number): Promise<Page<N>[]> {
  const pages: Page<N>[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i += 1) {
    const data: Record<string, Page<N>> = dataOf(
      await t.query(
        `query($after: String) { ${field}(${args} first: ${size}, after: $after) {
           pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { ${node} } } } }`,
        { after },
      ),
    );
    const page = data[field];
    pages.push(page);
    if (!page.pageInfo.hasNextPage) return pages;
    after = page.pageInfo.endCursor;
  }
  throw new Error('more than 100 pages');
}

describe('paged lists', () => {
  it('pages commitments by adoption date, undated last, then by id, both directions', async () => {
    const rows: { lineage_id: number; adopted_on: string | null }[] = await t.db.dataSource.query(
      `SELECT lineage_id, adopted_on::text AS adopted_on FROM commitment WHERE superseded_in_release_id IS NULL`,
    );
    const key = (r: { adopted_on: string | null }) => r.adopted_on ?? '9999-12-31';
    const ascending = [...rows].sort((a, b) => key(a).localeCompare(key(b)) || a.lineage_id - b.lineage_id);
    expect(rows.length).toBeGreaterThan(10);
    for (const [direction, expected] of [
      ['ASC', ascending],
      ['DESC', [...ascending].reverse()],
    ] as const) {
      const pages = await allPages<{ id: string }>('commitments', `orderBy: { direction: ${direction} }`, 'id', 4);
      const edges = pages.flatMap((p) => p.edges);
      expect(edges.map((e) => Number(e.node.id))).toEqual(expected.map((r) => r.lineage_id));
      expect(edges.map((e) => e.cursor)).toEqual(
        expected.map((r) => cursorOf('commitment:ADOPTED_ON', key(r), r.lineage_id)),
      );
      expect(pages.map((p) => p.pageInfo.hasPreviousPage)).toEqual(pages.map((_, i) => i > 0));
      expect(pages.map((p) => p.edges.length)).toEqual(pages.map((_, i) => Math.min(4, expected.length - 4 * i)));
    }
  });

  it('pages observations by city, indicator, year and id, with a filter', async () => {
    const rows: { id: number; city_id: number; indicator_id: number; year: number }[] = await t.db.dataSource.query(
      `SELECT id, city_id, indicator_id, year FROM observation
        WHERE superseded_in_release_id IS NULL AND year BETWEEN 2011 AND 2014`,
    );
    const expected = [...rows].sort(
      (a, b) => a.city_id - b.city_id || a.indicator_id - b.indicator_id || a.year - b.year || a.id - b.id,
    );
    expect(expected.length).toBeGreaterThan(20);
    const pages = await allPages<{ id: string }>('observations', 'filter: { yearFrom: 2011, yearTo: 2014 }', 'id', 7);
    const edges = pages.flatMap((p) => p.edges);
    expect(edges.map((e) => Number(e.node.id))).toEqual(expected.map((r) => r.id));
    expect(edges.map((e) => e.cursor)).toEqual(
      expected.map((r) => cursorOf('observation', r.city_id, r.indicator_id, r.year, r.id)),
    );
  });

  it('pages sources and releases by id', async () => {
    for (const [field, table] of [
      ['sources', 'source'],
      ['releases', 'release'],
    ] as const) {
      const ids: number[] = (await t.db.dataSource.query(`SELECT id FROM ${table} ORDER BY id`)).map(
        (r: { id: number }) => r.id,
      );
      const edges = (await allPages<{ id: string }>(field, '', 'id', 2)).flatMap((p) => p.edges);
      expect(edges.map((e) => Number(e.node.id))).toEqual(ids);
      expect(edges.map((e) => e.cursor)).toEqual(ids.map((id) => cursorOf(table, id)));
    }
  });

  it('counts all the rows the filter picks, whatever the cursor, with a second statement only when asked', async () => {
    const [{ n }] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM commitment WHERE superseded_in_release_id IS NULL AND kind = 'DECLARATION'`,
    );
    const page = `commitments(filter: { kinds: [DECLARATION] }, first: 2`;
    const withTotal = await t.countStatements(`{ ${page}) { totalCount edges { cursor } } }`);
    const withoutTotal = await t.countStatements(`{ ${page}) { edges { cursor } } }`);
    expect(withTotal.statements).toBe(2);
    expect(withoutTotal.statements).toBe(1);
    const first = (dataOf(withTotal.result) as { commitments: Page<never> }).commitments;
    expect(first.totalCount).toBe(n);
    const after = first.edges[1].cursor;
    const second = dataOf<{ commitments: Page<never> }>(
      await t.query(`query($after: String) { ${page}, after: $after) { totalCount edges { cursor } } }`, { after }),
    ).commitments;
    expect(second.totalCount).toBe(n);
    // first: 0 sends no page statement, but still checks the cursor.
    expect((await t.countStatements(`{ sources(first: 0) { edges { cursor } } }`)).statements).toBe(0);
    expect(
      errorCodes(await t.query(`{ sources(first: 0, after: "${cursorOf('release', 1)}") { edges { cursor } } }`)),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('answers a cursor whose value the column cannot hold as an invalid cursor', async () => {
    for (const [field, after] of [
      ['commitments', cursorOf('commitment:ADOPTED_ON', '2016-13-45', 1)],
      ['observations', cursorOf('observation', 1, 1, 99999, 1)],
      ['observations', cursorOf('observation', 'one', 1, 2010, 1)],
      ['releases', cursorOf('release', 1.5)],
    ]) {
      const result = await t.query(`query($after: String) { ${field}(after: $after) { edges { cursor } } }`, { after });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].message).toBe(`Invalid cursor "${after}"`);
    }
  });
});
