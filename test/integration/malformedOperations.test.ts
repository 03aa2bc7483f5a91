import { createHash } from 'node:crypto';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * Issue 12, rows 6, 13 and the APQ part of 15: malformed operations answer their 4xx code with
 * the request id (the response cache once made them a 500 without one), and with introspection
 * off or in production no "Did you mean ...?" hint names a field, argument, type or enum value.
 * The servers run in production mode with the response cache on, as deployed.
 */
interface Body {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

let db: TestDatabase;
let production: HttpTestServer;
let noIntrospection: HttpTestServer;
let development: HttpTestServer;
beforeAll(async () => {
  db = await createTestDatabase();
  const quiet = { LOG_LEVEL: 'silent', RESPONSE_CACHE_MB: '16' };
  production = await startHttpServer(db.dataSource, { env: { ...quiet, NODE_ENV: 'production' } });
  noIntrospection = await startHttpServer(db.dataSource, { env: { ...quiet, INTROSPECTION: 'false' } });
  development = await startHttpServer(db.dataSource, { env: quiet });
});
afterAll(async () => {
  await production?.close();
  await noIntrospection?.close();
  await development?.close();
  await db?.close();
});

async function post(
  server: HttpTestServer,
  body: unknown,
): Promise<{ status: number; requestId: string; body: Body; text: string }> {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    requestId: response.headers.get('x-request-id') ?? '',
    body: JSON.parse(text) as Body,
    text,
  };
}

/** The status, and each error's code and request id, the part of an answer a client acts on. */
function coded(answer: { status: number; requestId: string; body: Body }) {
  return {
    status: answer.status,
    errors: (answer.body.errors ?? []).map((e) => ({ code: e.extensions?.code, requestId: e.extensions?.requestId })),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// JSON.stringify itself overflows the stack on such a value, so the body is spelled out.
const nested5000 = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;

describe('malformed operations answer their 4xx code with the request id (response cache on, production)', () => {
  // Codes and statuses as Apollo Server documents them for these cases (without the cache),
  // and BAD_REQUEST, this API's name for a 400 without a code of its own.
  // (graphql-js reports each anonymous operation; repeated errors are collapsed into one.)
  const cases: [string, unknown, number, string | string[]][] = [
    [
      'an unknown operationName',
      { query: 'query A { countries { code } }', operationName: 'B' },
      400,
      'OPERATION_RESOLUTION_FAILURE',
    ],
    [
      'two operations and no operationName',
      { query: 'query A { countries { code } } query B { countries { name } }' },
      400,
      'OPERATION_RESOLUTION_FAILURE',
    ],
    [
      'two unnamed operations',
      { query: '{ countries { code } } { countries { name } }' },
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'variables nested 5,000 deep, for a declared input',
      `{"query":"query($f: CityFilter) { cities(filter: $f) { totalCount } }","variables":{"f":${nested5000}}}`,
      400,
      'BAD_USER_INPUT',
    ],
    [
      'an APQ hash that does not match the query',
      {
        query: '{ countries { code } }',
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ cities { totalCount } }') } },
      },
      400,
      'BAD_REQUEST',
    ],
    [
      'an unsupported APQ version',
      {
        query: '{ countries { code } }',
        extensions: { persistedQuery: { version: 2, sha256Hash: sha256('{ countries { code } }') } },
      },
      400,
      'BAD_REQUEST',
    ],
    [
      'an APQ hash the server does not know',
      { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ never { sent } }') } } },
      200,
      'PERSISTED_QUERY_NOT_FOUND',
    ],
  ];
  for (const [what, body, status, code] of cases) {
    it(`${what}: HTTP ${status}, ${String(code)}`, async () => {
      const answer = await post(production, body);
      expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const codes = Array.isArray(code) ? code : [code];
      expect(coded(answer)).toEqual({ status, errors: codes.map((c) => ({ code: c, requestId: answer.requestId })) });
      expect(answer.text).not.toMatch(/stacktrace|Internal server error/);
    });
  }

  it('serves variables nested 5,000 deep that the operation does not declare (they are ignored), not a 500', async () => {
    const answer = await post(production, `{"query":"{ countries { code } }","variables":{"unused":${nested5000}}}`);
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect((answer.body.data as { countries: unknown[] }).countries.length).toBeGreaterThan(0);
  });

  it('registers and then serves an APQ query whose hash matches, from the cache the second time', async () => {
    const query = '{ countries { code } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    expect((await post(production, { query, extensions })).status).toBe(200);
    const byHash = await post(production, { extensions });
    expect(byHash.status).toBe(200);
    expect(byHash.body.errors).toBeUndefined();
  });
});

describe('no schema suggestions with introspection off or in production (row 13)', () => {
  // Each asks for a near-miss of a real name; graphql-js would answer "Did you mean ...?".
  const nearMisses: [string, unknown][] = [
    ['a field', { query: '{ countries { codee } }' }],
    ['an argument', { query: '{ cities(firstt: 2) { totalCount } }' }],
    ['a type', { query: 'query($f: CityFiltr) { cities(filter: $f) { totalCount } }' }],
    ['an enum value, written in the query', { query: '{ cities(orderBy: { field: NAMEE }) { totalCount } }' }],
    [
      'an enum value, in a variable',
      { query: 'query($o: CityOrder) { cities(orderBy: $o) { totalCount } }', variables: { o: { field: 'NAMEE' } } },
    ],
    ['an input field, written in the query', { query: '{ cities(filter: { countryCode: ["US"] }) { totalCount } }' }],
    [
      'an input field, in a variable',
      {
        query: 'query($f: CityFilter) { cities(filter: $f) { totalCount } }',
        variables: { f: { countryCode: ['US'] } },
      },
    ],
    ['a fragment type condition', { query: '{ countries { ... on Countri { code } } }' }],
  ];

  for (const [what, body] of nearMisses) {
    it(`${what}: a coded 400 without a hint, which development still gives`, async () => {
      // The control: the same request does draw a suggestion where they are allowed, so the
      // checks below would see one.
      const shown = await post(development, body);
      expect(shown.status).toBe(400);
      expect(shown.text).toMatch(/Did you mean/);
      for (const server of [production, noIntrospection]) {
        const answer = await post(server, body);
        expect(answer.status).toBe(400);
        expect(answer.body.errors?.length).toBeGreaterThan(0);
        for (const error of answer.body.errors ?? []) expect(typeof error.extensions?.code).toBe('string');
        expect(answer.text).not.toMatch(/did you mean|Suggestion hidden/i);
      }
    });
  }
});
