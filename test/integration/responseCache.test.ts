import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { CACHE_HEADER } from '../../src/cache/responseCache';
import { sqlCounterOf } from '../../src/db/dataSource';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';
import { TEST_ENV } from '../helpers/testEnv';

/**
 * The response cache over real HTTP: which requests it answers, which it leaves alone, and that
 * no write leaves a stale answer behind. Statement counts show whether an answer touched the
 * database at all.
 */

const CITY = `query($slug: String!) { city(slug: $slug) { name } }`;
const BAD = `query { ranking(indicator: "no-such-indicator") { totalCount } }`;
const RENAME = `mutation($id: ID!, $name: String!) { updateCity(id: $id, input: { name: $name }) { name } }`;

interface Answer {
  cache: string | null;
  statements: number;
  body: { data?: { city?: { name: string } | null }; errors?: { extensions?: { code?: string } }[] };
}

async function post(
  server: HttpTestServer,
  db: TestDatabase,
  query: string,
  variables: Record<string, unknown>,
  authorization?: string,
): Promise<Answer> {
  const read = sqlCounterOf(db.dataSource).start();
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Answer['body'];
  return { cache: response.headers.get(CACHE_HEADER), statements: read(), body };
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('response cache, this process the only writer (as on embedded PGlite)', () => {
  let db: TestDatabase;
  let server: HttpTestServer;
  let editor: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startHttpServer(db.dataSource, { env: { RESPONSE_CACHE_MB: '8' } });
    editor = `Bearer ${(await createApiKey(db.dataSource, { name: 'editor', role: Role.EDITOR })).key}`;
  });

  afterAll(async () => {
    await server.close();
    await db.close();
  });

  it('answers a repeated anonymous query from memory, without SQL', async () => {
    const first = await post(server, db, CITY, { slug: 'vienna-at' });
    expect(first.cache).toBe('MISS');
    expect(first.statements).toBeGreaterThan(0);
    expect(first.body.data?.city?.name).toBe('Vienna');

    const second = await post(server, db, CITY, { slug: 'vienna-at' });
    expect(second).toEqual({ cache: 'HIT', statements: 0, body: first.body });
  });

  it('keys on the variables', async () => {
    const other = await post(server, db, CITY, { slug: 'graz-at' });
    expect(other.cache).toBe('MISS');
    expect(other.body.data?.city?.name).toBe('Graz');
  });

  it('serves a text that differs only by comments and whitespace from the same entry (issue 12, row 11)', async () => {
    const first = await post(server, db, `# ${Math.random()}\n${CITY}`, { slug: 'utrecht-nl' });
    expect(first.cache).toBe('MISS');
    const second = await post(server, db, `# another comment\n\n  ${CITY.replace(/ /g, '   ')}`, {
      slug: 'utrecht-nl',
    });
    expect(second).toEqual({ cache: 'HIT', statements: 0, body: first.body });
  });

  it('never stores an answer with errors', async () => {
    for (let i = 0; i < 2; i += 1) {
      const answer = await post(server, db, BAD, {});
      expect(answer.cache).toBe('MISS');
      expect(answer.statements).toBeGreaterThan(0);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('leaves callers with a key alone', async () => {
    const keyed = await post(server, db, CITY, { slug: 'vienna-at' }, editor);
    expect(keyed.cache).toBe('BYPASS');
    // The key is looked up, and the query runs.
    expect(keyed.statements).toBeGreaterThan(1);
  });

  it('drops everything when a mutation through this server has answered', async () => {
    expect((await post(server, db, CITY, { slug: 'graz-at' })).cache).toBe('HIT');
    const [{ id }] = await db.dataSource.query(`SELECT id FROM city WHERE slug = 'graz-at'`);
    const renamed = await post(server, db, RENAME, { id: String(id), name: 'Graz (renamed)' }, editor);
    expect(renamed.cache).toBe('BYPASS');
    expect(renamed.body.errors).toBeUndefined();

    const after = await post(server, db, CITY, { slug: 'graz-at' });
    expect(after.cache).toBe('MISS');
    expect(after.body.data?.city?.name).toBe('Graz (renamed)');
    // Other entries went too: any write may change any answer.
    expect((await post(server, db, CITY, { slug: 'vienna-at' })).cache).toBe('MISS');
  });
});

// The listener needs a second connection to the database, which the test's embedded PGlite
// (one connection per database) cannot give; embedded mode never listens anyway.
const onServer = process.env[TEST_ENV.kind] !== 'embedded';

(onServer ? describe : describe.skip)('response cache with DATABASE_URL: other writers', () => {
  let db: TestDatabase;
  let server: HttpTestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startHttpServer(db.dataSource, { env: { RESPONSE_CACHE_MB: '8', DATABASE_URL: db.url } });
  });

  afterAll(async () => {
    await server.close();
    await db.close();
  });

  it('hears of a write by another connection and stops answering from memory', async () => {
    const first = await post(server, db, CITY, { slug: 'vienna-at' });
    expect(first.body.data?.city?.name).toBe('Vienna');
    expect((await post(server, db, CITY, { slug: 'vienna-at' })).cache).toBe('HIT');

    // Behind the server's back, as psql or the import CLI would.
    await db.dataSource.query(`UPDATE city SET name = 'Wien' WHERE slug = 'vienna-at'`);
    // The notification arrives after the commit, asynchronously: at most a moment later the
    // old answer is gone, and the new one is what the database says.
    await until(
      async () => (await post(server, db, CITY, { slug: 'vienna-at' })).body.data?.city?.name === 'Wien',
      'the cached answer to be dropped',
    );
    expect((await post(server, db, CITY, { slug: 'vienna-at' })).cache).toBe('HIT');
  });

  it('does not cache while it cannot hear of changes, and recovers', async () => {
    expect((await post(server, db, CITY, { slug: 'vienna-at' })).cache).toMatch(/HIT|MISS/);
    await db.dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = 'rightsgraph cache listener' AND datname = current_database()`,
    );
    await until(
      async () => (await post(server, db, CITY, { slug: 'vienna-at' })).cache === 'BYPASS',
      'the cache to stop answering',
    );
    // A write now is heard of by nobody; the cache must not have kept anything from before it.
    await db.dataSource.query(`UPDATE city SET name = 'Vienna again' WHERE slug = 'vienna-at'`);
    await until(
      async () => (await post(server, db, CITY, { slug: 'vienna-at' })).cache !== 'BYPASS',
      'the listener to reconnect',
    );
    const after = await post(server, db, CITY, { slug: 'vienna-at' });
    expect(after.body.data?.city?.name).toBe('Vienna again');
  });
});
