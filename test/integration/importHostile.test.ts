import { randomBytes } from 'node:crypto';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

// Files real curators send, and files an attacker sends (issue 12, rows 5, 10 and 14): each
// gets a coded answer of bounded size, and a valid one imports.
let db: TestDatabase;
let http: HttpTestServer;
let editor = '';

beforeAll(async () => {
  db = await createTestDatabase();
  http = await startHttpServer(db.dataSource);
  editor = (await createApiKey(db.dataSource, { name: 'curator', role: Role.EDITOR })).key;
});
afterAll(async () => {
  await http.close();
  await db.close();
});

const SOURCE = '?sourceTitle=Hostile%20files&sourcePublisher=Tests';
const HEADER = 'city,country,region,indicator,year,value,note\n';

async function postCsv(body: string | Uint8Array<ArrayBuffer>, query = SOURCE) {
  const response = await fetch(`${http.origin}/imports${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${editor}` },
    body,
  });
  const text = await response.text();
  return { status: response.status, bytes: Buffer.byteLength(text), json: JSON.parse(text) };
}

describe('long notes (row 5)', () => {
  it('imports notes of 3 KB, 10 KB and 100 KB and reads them back whole', async () => {
    // Random text, which Postgres cannot compress below the 2,704 bytes an index entry may
    // take (a repeated letter would fit), and multi-byte characters.
    const notes = [3 * 1024, 10 * 1024, 100 * 1024].map(
      (n, i) => `${'é'.repeat(i + 1)} ${randomBytes(n).toString('base64').slice(0, n)}`,
    );
    const csv = HEADER + notes.map((note, i) => `Boston,US,MA,homicide-rate,${1990 + i},${i + 1},${note}\n`).join('');
    const { status, json } = await postCsv(csv);
    expect(json).toMatchObject({ ok: true, added: 3 });
    expect(status).toBe(200);

    const response = await fetch(http.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ city(slug: "boston-us") { id } }`,
      }),
    });
    const cityId = ((await response.json()) as { data: { city: { id: string } } }).data.city.id;
    const compare = await fetch(http.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query($c: [ID!]!) { compare(cityIds: $c, indicatorCodes: ["homicide-rate"], yearFrom: 1990, yearTo: 1992) {
          series { points { year value note } } } }`,
        variables: { c: [cityId] },
      }),
    });
    const body = (await compare.json()) as {
      data: { compare: { series: { points: { year: number; value: number; note: string }[] }[] } };
    };
    expect(body.data.compare.series[0].points).toEqual(
      notes.map((note, i) => ({ year: 1990 + i, value: i + 1, note })),
    );
  });

  it('keeps free text out of the latest-observation index', async () => {
    const [{ indexdef }] = await db.dataSource.query(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'IDX_observation_latest'`,
    );
    expect(indexdef).toContain('INCLUDE (id, value, lower, upper, status, release_id, superseded_in_release_id)');
    expect(indexdef).not.toMatch(/note/);
  });
});
