import express from 'express';
import { serverAudits, type AuditResult } from 'graphql-http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config';
import { createDataSource } from '../../src/db/dataSource';
import { jsonErrorHandler } from '../../src/server';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

interface GraphQLBody {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

let db: TestDatabase;
let http: HttpTestServer;
beforeAll(async () => {
  db = await createTestDatabase();
  http = await startHttpServer(db.dataSource);
});
afterAll(async () => {
  await http?.close();
  await db?.close();
});

/**
 * A server whose own data source, on the test database, has been destroyed: every SQL
 * statement fails the way it would when Postgres goes away under a running server.
 */
async function startBrokenServer(env: NodeJS.ProcessEnv): Promise<HttpTestServer> {
  const dataSource: DataSource = createDataSource({ url: db.url, poolSize: 1 });
  await dataSource.initialize();
  // Its errors are the point of the tests that use it: logged, they would read as failures.
  const server = await startHttpServer(dataSource, { env: { LOG_LEVEL: 'silent', ...env } });
  await dataSource.destroy();
  return server;
}

function postGraphQL(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

/** What no client should ever see: stack frames, file paths, SQL, Express's HTML error page. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/<html|<pre|<!doctype/i);
  expect(text).not.toMatch(/stacktrace|\bat \S+ \(|node_modules|\.[jt]s:\d+/i);
  expect(text).not.toMatch(/\bselect\b|\binsert\b|\bfrom "/i);
  expect(text).not.toMatch(/\/(work|home|usr|tmp)\//);
}

/** One line per failed audit: the reason, the status and the first error message, if any. */
async function describeFailure(result: AuditResult): Promise<string> {
  if (result.status === 'ok') return 'ok';
  let said = '';
  if (!result.response.bodyUsed) {
    const text = await result.response.text();
    try {
      said = (JSON.parse(text) as GraphQLBody).errors?.[0]?.message ?? text;
    } catch {
      said = text;
    }
  }
  return `${result.status}: ${result.reason} (HTTP ${result.response.status}) ${said.trim().slice(0, 160)}`;
}

describe('GraphQL over HTTP (graphql-http server audits)', () => {
  // The audits are listed before the server starts; each one asks for the URL when it runs.
  const audits = serverAudits({ url: () => http.graphqlUrl, fetchFn: fetch });
  const required = audits.filter((audit) => audit.name.startsWith('MUST'));
  const advisory = audits.filter((audit) => !audit.name.startsWith('MUST'));

  it('lists MUST audits to run', () => {
    expect(required.length).toBeGreaterThan(0);
  });

  for (const audit of required) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      if (result.status !== 'ok') throw new Error(await describeFailure(result));
    });
  }

  /**
   * The SHOULD and MAY audits this server knowingly does not pass, each for a reason:
   * - 5A70, D6D5, 6A70: GET requests need a preflight header (Apollo's CSRF prevention; see the
   *   HTTP section of docs/api.md), which the audits do not send;
   * - 572B, FDE2, 7B9B: Apollo Server answers a document that does not parse or validate, or
   *   variables that do not coerce, with HTTP 400 rather than 200 under `application/json`.
   * Any other audit failing is a regression; one of these passing means the list is stale.
   */
  const KNOWN_NOT_PASSING = ['5A70', 'D6D5', '6A70', '572B', 'FDE2', '7B9B'];

  it('passes every SHOULD and MAY audit but the known ones', async () => {
    const notPassing: string[] = [];
    const explained: string[] = [];
    for (const audit of advisory) {
      const result = await audit.fn();
      if (result.status === 'ok') continue;
      notPassing.push(audit.id);
      explained.push(`${audit.id} ${audit.name}: ${await describeFailure(result)}`);
    }
    // On failure the message shows each audit's reason, the status and what the server said.
    expect({ notPassing, explained }).toEqual({ notPassing: KNOWN_NOT_PASSING, explained });
  });
});

describe('health endpoints', () => {
  it('answers /healthz with 200 {status: ok}', async () => {
    const response = await fetch(`${http.origin}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 while the database answers', async () => {
    const response = await fetch(`${http.origin}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('answers /readyz with 503 once the data source is closed, while /healthz stays 200', async () => {
    const broken = await startBrokenServer({ NODE_ENV: 'production' });
    try {
      const ready = await fetch(`${broken.origin}/readyz`);
      expect(ready.status).toBe(503);
      expectNoInternals(await ready.text());
      expect((await fetch(`${broken.origin}/healthz`)).status).toBe(200);
    } finally {
      await broken.close();
    }
  });
});

describe('malformed and oversized requests', () => {
  it('answers a malformed JSON body with 400 and a GraphQL-style error, not a stack trace', async () => {
    const response = await postGraphQL(http.graphqlUrl, '{ "query": "{ __typename }"');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/json');
    const text = await response.text();
    expectNoInternals(text);
    const body = JSON.parse(text) as GraphQLBody;
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0].message).toEqual(expect.any(String));
    expect(body.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
  });

  it('answers a body over the size limit with 413 and no stack trace', async () => {
    const padding = 'x'.repeat(2 * 1024 * 1024);
    const response = await postGraphQL(
      http.graphqlUrl,
      JSON.stringify({ query: '{ __typename }', variables: { padding } }),
    );
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/json');
    const text = await response.text();
    expectNoInternals(text);
    const body = JSON.parse(text) as GraphQLBody;
    expect(body.errors?.[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a charset other than utf-8 with 415', async () => {
    const response = await postGraphQL(http.graphqlUrl, JSON.stringify({ query: '{ __typename }' }), {
      'content-type': 'application/json; charset=latin1',
    });
    expect(response.status).toBe(415);
    const body = (await response.json()) as GraphQLBody;
    expect(body.errors?.[0].extensions?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await fetch(`${http.origin}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
    expectNoInternals(await response.text());
  });

  it('blocks requests a browser would send cross-site without a preflight (CSRF)', async () => {
    const query = JSON.stringify({ query: '{ __typename }' });
    const textPlain = await postGraphQL(http.graphqlUrl, query, { 'content-type': 'text/plain' });
    expect(textPlain.status).toBe(400);
    expect(((await textPlain.json()) as GraphQLBody).errors?.[0].message).toMatch(/Cross-Site Request Forgery/);
    const url = `${http.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`;
    const simple = await fetch(url);
    expect(simple.status).toBe(400);
    expect(((await simple.json()) as GraphQLBody).errors?.[0].message).toMatch(/Cross-Site Request Forgery/);
    const preflighted = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
    expect(await preflighted.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('error discipline', () => {
  it('in production, a BAD_USER_INPUT error keeps its code and message and has no stack trace', async () => {
    const production = await startHttpServer(db.dataSource, { env: { NODE_ENV: 'production' } });
    try {
      const response = await postGraphQL(
        production.graphqlUrl,
        JSON.stringify({ query: '{ cities(first: 1000) { totalCount } }' }),
      );
      const body = (await response.json()) as GraphQLBody;
      expect(body.errors).toHaveLength(1);
      const [error] = body.errors ?? [];
      expect(error.extensions?.code).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(/first/);
      expect(error.extensions).not.toHaveProperty('stacktrace');
    } finally {
      await production.close();
    }
  });

  it('in production, an unexpected error is INTERNAL_SERVER_ERROR with a generic message and no internals', async () => {
    const broken = await startBrokenServer({ NODE_ENV: 'production' });
    try {
      const response = await postGraphQL(
        broken.graphqlUrl,
        JSON.stringify({ query: '{ cities(first: 1) { totalCount } }' }),
      );
      const text = await response.text();
      expectNoInternals(text);
      const body = JSON.parse(text) as GraphQLBody;
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0].message).toBe('Internal server error');
      // The request id is the one the server logs the detail under, and the response header.
      expect(body.errors?.[0].extensions).toEqual({
        code: 'INTERNAL_SERVER_ERROR',
        requestId: response.headers.get('x-request-id'),
      });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await broken.close();
    }
  });

  it('in development, an unexpected error carries its stack trace for the developer', async () => {
    const broken = await startBrokenServer({ NODE_ENV: 'development' });
    try {
      const response = await postGraphQL(
        broken.graphqlUrl,
        JSON.stringify({ query: '{ cities(first: 1) { totalCount } }' }),
      );
      const body = (await response.json()) as GraphQLBody;
      expect(body.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(body.errors?.[0].extensions?.stacktrace).toEqual(expect.arrayContaining([expect.any(String)]));
    } finally {
      await broken.close();
    }
  });
});

describe('the final JSON error handler', () => {
  async function answerOf(error: Error & { status?: number }, nodeEnv: string): Promise<Response> {
    const app = express();
    app.get('/fail', () => {
      throw error;
    });
    app.use(jsonErrorHandler(loadConfig({ NODE_ENV: nodeEnv })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      return await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/fail`);
    } finally {
      server.close();
    }
  }
  const leaky = () => new Error('relation "secret_table" does not exist at /srv/app/src/db.ts:12');

  it('in production, hides the message of an unexpected error', async () => {
    const response = await answerOf(leaky(), 'production');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret_table');
    expectNoInternals(text);
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
  });

  it('honours the status of an HTTP error, and never sends a stack trace even in development', async () => {
    const response = await answerOf(Object.assign(leaky(), { status: 503 }), 'development');
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toMatch(/stack|\n\s+at /);
    const body = JSON.parse(text) as GraphQLBody;
    expect(body.errors?.[0].message).toContain('secret_table');
    // The code follows the status, as it does for every HTTP error (src/httpErrors.ts).
    expect(body.errors?.[0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
  });
});
