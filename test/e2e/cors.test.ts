import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * CORS as a browser sees it (issue 12, row 12): a page on another origin (another port of
 * 127.0.0.1) calls the API with fetch in Debian's headless Chromium, which enforces the
 * preflight. The header checks over plain HTTP run without the browser too.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

let db: TestDatabase;
let open: HttpTestServer; // CORS_ORIGINS unset: `*`
let listed: HttpTestServer; // CORS_ORIGINS names one origin, not the page's
let page: { server: http.Server; origin: string };
let editor = '';

/** A blank page on its own port: the other origin the calls come from. */
async function pageServer(): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>dashboard</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  db = await createTestDatabase();
  editor = (await createApiKey(db.dataSource, { name: 'curator', role: Role.EDITOR })).key;
  open = await startHttpServer(db.dataSource);
  listed = await startHttpServer(db.dataSource, { env: { CORS_ORIGINS: 'https://dashboard.example' } });
  page = await pageServer();
});
afterAll(async () => {
  await listed?.close();
  await open?.close();
  await new Promise((resolve) => page?.server.close(resolve));
  await db?.close();
});

const observationCount = async () =>
  (await db.dataSource.query(`SELECT count(*)::int AS n FROM observation`))[0].n as number;

describe('CORS over HTTP', () => {
  it('answers the preflight of a cross-origin POST /graphql with the allowed headers and methods', async () => {
    const response = await fetch(`${open.graphqlUrl}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://dashboard.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization,apollo-require-preflight',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')?.split(',')).toEqual(['GET', 'POST']);
    expect(response.headers.get('access-control-allow-headers')?.split(',')).toEqual(
      expect.arrayContaining(['content-type', 'authorization', 'apollo-require-preflight']),
    );
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('names a listed origin and leaves out any other', async () => {
    const preflight = (origin: string) =>
      fetch(listed.graphqlUrl, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('https://dashboard.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dashboard.example');
    expect(allowed.headers.get('vary')).toMatch(/origin/i);
    const other = await preflight('https://elsewhere.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS headers for /imports', async () => {
    const response = await fetch(`${open.origin}/imports`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://dashboard.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-headers')).toBeNull();
  });
});

const describeInBrowser = HAS_CHROMIUM ? describe : describe.skip;

/** What the page's fetch gets: plain data, to cross into the browser. */
interface PageInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  credentials?: 'include' | 'omit' | 'same-origin';
}

describeInBrowser('CORS from a page on another origin, in Chromium', () => {
  let browser: Browser;
  let tab: Page;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    tab = await browser.newPage();
    await tab.goto(page.origin);
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** fetch() in the page: the answer's status and body, or the error the browser raised. */
  async function fetchFromPage(
    url: string,
    init: PageInit,
  ): Promise<{ status?: number; body?: string; error?: string }> {
    return tab.evaluate(
      async ([u, i]) => {
        try {
          const response = await fetch(u, i);
          return { status: response.status, body: await response.text() };
        } catch (error) {
          return { error: String(error) };
        }
      },
      [url, init] as const,
    );
  }

  const query = JSON.stringify({ query: '{ country(code: "AT") { name } }' });

  it('POSTs a query, with the preflight, and reads the answer', async () => {
    const answer = await fetchFromPage(open.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
      body: query,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body!)).toEqual({ data: { country: { name: 'Austria' } } });
  });

  it('GETs a query with the header Apollo asks for', async () => {
    const answer = await fetchFromPage(
      `${open.graphqlUrl}?query=${encodeURIComponent('{ country(code: "AT") { name } }')}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body!)).toEqual({ data: { country: { name: 'Austria' } } });
  });

  it('refuses a credentialed request: the server never allows credentials', async () => {
    const answer = await fetchFromPage(open.graphqlUrl, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: query,
    });
    expect(answer.error).toMatch(/TypeError: Failed to fetch/);
  });

  it('cannot POST an import from another origin, even with a key: nothing is imported', async () => {
    const before = await observationCount();
    const answer = await fetchFromPage(`${open.origin}/imports?sourceTitle=x&sourcePublisher=y`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${editor}` },
      body: 'city,country,region,indicator,year,value\nBoston,US,MA,homicide-rate,1970,1\n',
    });
    expect(answer.error).toMatch(/TypeError: Failed to fetch/);
    expect(await observationCount()).toBe(before);
  });

  it('is refused by a server whose CORS_ORIGINS does not name the page', async () => {
    const answer = await fetchFromPage(listed.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: query,
    });
    expect(answer.error).toMatch(/TypeError: Failed to fetch/);
  });
});
