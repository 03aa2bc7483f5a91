import { createConnection } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createDataSource } from '../../src/db/dataSource';
import { openDatabase } from '../../src/db/openDatabase';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { TEST_ENV } from '../helpers/testEnv';
import { formatError } from '../../src/server';
import { loadConfig } from '../../src/config';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

type Body = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };

let db: TestDatabase;
const servers: HttpTestServer[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await db.close();
});

async function server(env: NodeJS.ProcessEnv = {}): Promise<HttpTestServer> {
  const started = await startHttpServer(db.dataSource, { env });
  servers.push(started);
  return started;
}

async function post(target: HttpTestServer, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(target.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as Body };
}

const codes = (body: Body) => (body.errors ?? []).map((e) => e.extensions?.code);

describe('query shape limits', () => {
  let s: HttpTestServer;
  beforeAll(async () => {
    s = await server();
  });

  it('rejects a query nested deeper than MAX_QUERY_DEPTH (10) with QUERY_TOO_COMPLEX and HTTP 400', async () => {
    // cities > edges > node > commitments > city > commitments > city > commitments > city > commitments > city > slug: depth 11
    const deep = `{ cities { edges { node { commitments { city { commitments { city { commitments { city { commitments { city { slug } } } } } } } } } } } }`;
    const response = await post(s, { query: deep });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['QUERY_TOO_COMPLEX']);
    const shallow = await post(s, {
      query: `{ cities(first: 1) { edges { node { commitments { city { slug } } } } } }`,
    });
    expect(shallow.body.errors).toBeUndefined();
  });

  it('admits the dashboard list query of the product design at the maximum page size', async () => {
    const dashboard = `{ cities(first: 100) { edges { node { country { code } commitments { instrument { code } }
      latest(indicator: "homicide-rate") { year value }
      observations(indicator: "homicide-rate", yearFrom: 2006, yearTo: 2015) { year value } } } } }`;
    const response = await post(s, { query: dashboard });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
  });

  it('rejects more than MAX_ALIASES (30) aliases', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: city(slug: "graz-at") { name }`).join(' ');
    const response = await post(s, { query: `{ ${aliases} }` });
    expect(codes(response.body)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('rejects a document over MAX_QUERY_TOKENS (2000) as QUERY_TOO_COMPLEX with HTTP 400, never 500', async () => {
    const fields = Array.from({ length: 2100 }, () => 'name').join(' ');
    const response = await post(s, { query: `{ city(slug: "graz-at") { ${fields} } }` });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('rejects a query whose estimated cost is over MAX_QUERY_COST', async () => {
    const cheap = await server({ MAX_QUERY_COST: '30' });
    expect((await post(cheap, { query: '{ countries { code } }' })).body.errors).toBeUndefined();
    const nested = `{ cities { edges { node { commitments { rights { indicators { rights { code } } } } } } } }`;
    const response = await post(cheap, { query: nested });
    expect(codes(response.body)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(response.body.errors?.[0].message).toMatch(/Query Cost limit of 30 exceeded/);
  });

  it('refuses batched operations (one operation per request)', async () => {
    const response = await fetch(s.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ countries { code } }' }, { query: '{ rights { code } }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toMatch(/countries|"code":"AT"/);
  });

  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    const given = await post(s, { query: '{ countries { code } }' }, { 'x-request-id': 'trace-123' });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const insane = await post(s, { query: '{ countries { code } }' }, { 'x-request-id': 'bad id <script>' });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('can turn introspection off', async () => {
    const closed = await server({ INTROSPECTION: 'false' });
    const response = await post(closed, { query: '{ __schema { queryType { name } } }' });
    expect(response.body.errors?.length).toBeGreaterThan(0);
    expect(response.text).not.toContain('"Query"');
    const open = await post(s, { query: '{ __schema { queryType { name } } }' });
    expect(open.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('rate limiting', () => {
  it('answers 429 RATE_LIMITED with Retry-After past RATE_LIMIT_PER_MINUTE, per client', async () => {
    const limited = await server({ RATE_LIMIT_PER_MINUTE: '3' });
    const query = { query: '{ countries { code } }' };
    for (let i = 0; i < 3; i += 1) expect((await post(limited, query)).status).toBe(200);
    const refused = await post(limited, query);
    expect(refused.status).toBe(429);
    expect(codes(refused.body)).toEqual(['RATE_LIMITED']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // A request with a real API key is counted under the key, not the address...
    const { key } = await createApiKey(db.dataSource, { name: 'dashboard', role: Role.READER });
    expect((await post(limited, query, { authorization: `Bearer ${key}` })).status).toBe(200);
    // ...but an invented key is counted under the address: it buys no extra requests.
    const invented = await post(limited, query, { authorization: `Bearer rg_abcdefgh_${'A'.repeat(43)}` });
    expect(invented.status).toBe(429);
  });

  it('shares the counts between instances through Redis when REDIS_URL is set', async () => {
    const redisUp = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: 6379 }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (!redisUp) {
      console.warn('Redis does not answer on 127.0.0.1:6379: shared rate limits not tested');
      return;
    }
    // Counts are kept per key id, and every test database numbers its keys from the same start:
    // a random id keeps runs apart in the shared Redis (two runs within a minute shared a count).
    await db.dataSource.query(`SELECT setval(pg_get_serial_sequence('api_key', 'id'), $1)`, [
      1_000_000 + Math.floor(Math.random() * 1_000_000_000),
    ]);
    const { key } = await createApiKey(db.dataSource, { name: `shared-${randomUUID()}`, role: Role.READER });
    const env = { RATE_LIMIT_PER_MINUTE: '4', REDIS_URL: 'redis://127.0.0.1:6379' };
    const [one, two] = [await server(env), await server(env)];
    const query = { query: '{ countries { code } }' };
    const statuses = [];
    for (const target of [one, two, one, two, one]) {
      statuses.push((await post(target, query, { authorization: `Bearer ${key}` })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });
});

describe('statement timeout', () => {
  // PGlite ignores statement_timeout; the setting is for Postgres servers.
  (process.env[TEST_ENV.kind] === 'embedded' ? it.skip : it)(
    'applies STATEMENT_TIMEOUT_MS to API connections',
    async () => {
      const dataSource = createDataSource({ url: db.url, poolSize: 1, statementTimeoutMs: 50 });
      await dataSource.initialize();
      try {
        await expect(dataSource.query('SELECT pg_sleep(1)')).rejects.toMatchObject({ driverError: { code: '57014' } });
      } finally {
        await dataSource.destroy();
      }
    },
  );

  // PGlite has no JIT (and ignores the startup parameter); on a server the setting must hold.
  (process.env[TEST_ENV.kind] === 'embedded' ? it.skip : it)('turns JIT off for the API connections', async () => {
    const database = await openDatabase(loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, SEED_ON_START: 'false' }));
    try {
      expect(await database.dataSource.query('SHOW jit')).toEqual([{ jit: 'off' }]);
      // Every connection of the pool, not only the first.
      const settings = await Promise.all(
        Array.from({ length: 3 }, () =>
          database.dataSource.query(`SELECT current_setting('jit') AS jit, pg_sleep(0.05)`),
        ),
      );
      expect(settings.map((rows) => rows[0].jit)).toEqual(['off', 'off', 'off']);
    } finally {
      await database.close();
    }
  });

  it('answers a timed-out statement with TIMEOUT, and an unreachable database with SERVICE_UNAVAILABLE', () => {
    const format = formatError(loadConfig({ NODE_ENV: 'production' }));
    const timeout = format(
      { message: 'canceling statement due to statement timeout' },
      { originalError: { driverError: { code: '57014' } } },
    );
    expect(timeout.extensions).toEqual({ code: 'TIMEOUT' });
    const down = format(
      { message: 'connect ECONNREFUSED 127.0.0.1:5432' },
      { originalError: { code: 'ECONNREFUSED' } },
    );
    expect(down).toEqual({
      message: 'The database is unavailable; try again shortly',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  });
});
