import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * `POST /graphql` takes the direct route (src/directRoute.ts): the app's handlers for the route
 * without Express. `POST /graphql?` (any query string) still goes through the app's router to
 * the same handlers, so every request here is sent both ways and must be answered the same:
 * status, body and headers, errors and limits included.
 */
let db: TestDatabase;
let site: HttpTestServer;

beforeAll(async () => {
  db = await createTestDatabase();
  site = await startHttpServer(db.dataSource, { env: { CORS_ORIGINS: 'https://dash.example' } });
});
afterAll(async () => {
  await site?.close();
  await db?.close();
});

/** Headers that differ between any two requests, whichever route. */
const PER_REQUEST = new Set(['date', 'x-request-id', 'ratelimit', 'keep-alive', 'connection']);

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

async function answer(server: HttpTestServer, query: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(`${server.graphqlUrl}${query}`, { method: 'POST', ...init });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: compared as text.
  }
  const requestId = response.headers.get('x-request-id');
  // The request id is each request's own; where the body carries it, it is the header's.
  const errors = (body as { errors?: { extensions?: { requestId?: string } }[] }).errors;
  for (const error of errors ?? []) {
    if (error.extensions?.requestId !== undefined) {
      expect(error.extensions.requestId).toBe(requestId);
      error.extensions.requestId = '(the request id)';
    }
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!PER_REQUEST.has(name)) headers[name] = value;
  });
  return { status: response.status, body, headers };
}

/** The request sent to the direct route and through the router; the answers, checked equal. */
async function bothWays(init: RequestInit, server = site): Promise<Answer> {
  // Express's app calls its own `handle` for every request it routes (not in its types).
  const app = server.server.app as unknown as { handle: (...args: unknown[]) => void };
  const handle = jest.spyOn(app, 'handle');
  try {
    const direct = await answer(server, '', init);
    expect(handle).not.toHaveBeenCalled();
    const routed = await answer(server, '?via=router', init);
    expect(handle).toHaveBeenCalledTimes(1);
    expect(direct).toEqual(routed);
    return direct;
  } finally {
    handle.mockRestore();
  }
}

const json = { 'content-type': 'application/json' };
const CITY = 'query ($slug: String!) { city(slug: $slug) { slug country { code } } }';

describe('POST /graphql without the router', () => {
  it('a query: the same data and headers', async () => {
    const slug = (await db.dataSource.query('SELECT slug FROM city ORDER BY id LIMIT 1'))[0].slug as string;
    const sent = await bothWays({ headers: json, body: JSON.stringify({ query: CITY, variables: { slug } }) });
    expect(sent.status).toBe(200);
    expect((sent.body as { data: { city: { slug: string } } }).data.city.slug).toBe(slug);
    expect(sent.headers['content-type']).toMatch(/^application\/(graphql-response\+)?json/);
  });

  it('a listed origin: the same CORS headers', async () => {
    const sent = await bothWays({
      headers: { ...json, origin: 'https://dash.example' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(sent.headers['access-control-allow-origin']).toBe('https://dash.example');
    expect(sent.headers['access-control-expose-headers']).toContain('x-request-id');
  });

  // Every row has four cells: with fewer, jest passes its `done` callback in the last one.
  it.each([
    ['malformed JSON', { headers: json, body: '{"query": ' }, 400, 'BAD_REQUEST'],
    [
      'a body over 1 MB',
      { headers: json, body: JSON.stringify({ query: '{ __typename }', pad: 'x'.repeat(1_100_000) }) },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a variable of the wrong type',
      { headers: json, body: JSON.stringify({ query: CITY, variables: { slug: 7 } }) },
      400,
      'BAD_USER_INPUT',
    ],
    [
      'an unknown field',
      { headers: json, body: JSON.stringify({ query: '{ nosuchfield }' }) },
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'text/plain (no CSRF preflight)',
      { headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' },
      400,
      'BAD_REQUEST',
    ],
  ] as [string, RequestInit, number, string][])('%s: the same error answer', async (_name, init, status, code) => {
    const sent = await bothWays(init);
    expect(sent.status).toBe(status);
    const errors = (sent.body as { errors: { extensions: { code: string } }[] }).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0].extensions.code).toBe(code);
  });

  it('the rate limit counts both routes under one key and refuses both the same way', async () => {
    const limited = await startHttpServer(db.dataSource, { env: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const init = { headers: json, body: '{"query":"{ __typename }"}' };
      expect((await answer(limited, '', init)).status).toBe(200);
      expect((await answer(limited, '?via=router', init)).status).toBe(200);
      const refused = await bothWays(init, limited);
      expect(refused.status).toBe(429);
      expect((refused.body as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe(
        'RATE_LIMITED',
      );
      expect(refused.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  });

  it('behind a trusted proxy, each forwarded client has its own bucket on the direct route', async () => {
    const proxied = await startHttpServer(db.dataSource, { env: { RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: '1' } });
    try {
      const from = (ip: string) => ({
        headers: { ...json, 'x-forwarded-for': ip },
        body: '{"query":"{ __typename }"}',
      });
      expect((await answer(proxied, '', from('203.0.113.1'))).status).toBe(200);
      expect((await answer(proxied, '', from('203.0.113.1'))).status).toBe(429);
      expect((await answer(proxied, '', from('203.0.113.2'))).status).toBe(200);
    } finally {
      await proxied.close();
    }
  });
});
