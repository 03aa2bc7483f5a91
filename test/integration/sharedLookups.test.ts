import { dataOf, createTestServer, type TestServer } from '../helpers/testServer';
import { sqlCounterOf } from '../../src/db/dataSource';
import type { SentStatement } from '../../src/db/sqlCounter';
import { sharedLookups } from '../../src/modules/common/sharedLookups';

/**
 * Point lookups that arrive together are answered by one statement between them
 * (src/modules/common/sharedLookups.ts), each request getting its own city and nothing else.
 */

const POINT = 'query Point($id: ID!) { city(id: $id) { id slug name population country { code } } }';

let t: TestServer;
beforeAll(async () => {
  t = await createTestServer();
});
afterAll(async () => {
  await t.close();
});

/** The city rows as the table holds them, read without the API. */
async function tableCities(ids: number[]) {
  const rows: { id: number; slug: string; name: string; population: number | null; code: string }[] =
    await t.db.dataSource.query(
      'SELECT c.id, c.slug, c.name, c.population, c.country_code AS code FROM city c WHERE c.id = ANY($1)',
      [ids],
    );
  return new Map(rows.map((r) => [r.id, r]));
}

const cityStatements = (sent: SentStatement[]) => sent.filter((s) => /\bFROM "city"/.test(s.query));

describe('point lookups of requests in flight together', () => {
  it('share one statement, and each request gets its own city (null for an id with no row)', async () => {
    const [{ max }] = await t.db.dataSource.query('SELECT max(id)::int AS max FROM city');
    const [{ ids }] = await t.db.dataSource.query(
      'SELECT array_agg(id ORDER BY id) AS ids FROM (SELECT id FROM city ORDER BY id LIMIT 4) c',
    );
    const asked: number[] = [...ids, ids[0], max + 1000];
    const table = await tableCities(asked);
    const before = { ...sharedLookups.stats };

    const { result: answers, sent } = await sqlCounterOf(t.db.dataSource).record(() =>
      Promise.all(asked.map((id) => t.query(POINT, { id: String(id) }))),
    );

    expect(cityStatements(sent)).toHaveLength(1);
    expect(sent[0].parameters).toEqual([[...new Set(asked)]]);
    expect(sharedLookups.stats.statements - before.statements).toBe(1);
    expect(sharedLookups.stats.waiters - before.waiters).toBe(asked.length);
    answers.forEach((answer, k) => {
      const row = table.get(asked[k]);
      const city = (dataOf(answer) as { city: unknown }).city;
      if (!row) return expect(city).toBeNull();
      expect(city).toEqual({
        id: String(row.id),
        slug: row.slug,
        name: row.name,
        population: row.population,
        country: { code: row.code },
      });
    });
  });

  it('sends one statement each when the requests come one after another', async () => {
    const [{ ids }] = await t.db.dataSource.query(
      'SELECT array_agg(id ORDER BY id) AS ids FROM (SELECT id FROM city ORDER BY id LIMIT 3) c',
    );
    const { sent } = await sqlCounterOf(t.db.dataSource).record(async () => {
      for (const id of ids) dataOf(await t.query(POINT, { id: String(id) }));
    });
    expect(cityStatements(sent).map((s) => s.parameters)).toEqual(ids.map((id: number) => [id]));
  });

  it('keeps lookups by slug apart from lookups by id', async () => {
    const [first, second] = await t.db.dataSource.query('SELECT id, slug FROM city ORDER BY id LIMIT 2');
    const { result, sent } = await sqlCounterOf(t.db.dataSource).record(() =>
      Promise.all([
        t.query('query($slug: String!) { city(slug: $slug) { id } }', { slug: first.slug }),
        t.query('query($id: ID!) { city(id: $id) { slug } }', { id: String(second.id) }),
      ]),
    );
    expect(dataOf(result[0])).toEqual({ city: { id: String(first.id) } });
    expect(dataOf(result[1])).toEqual({ city: { slug: second.slug } });
    expect(
      cityStatements(sent)
        .map((s) => s.parameters)
        .sort(),
    ).toEqual([[first.slug], [second.id]].sort());
  });
});
