import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as HttpServerModule from '../helpers/httpServer';
import type { HttpTestServer } from '../helpers/httpServer';
import type * as TestDatabaseModule from '../helpers/testDatabase';
import type { TestDatabase } from '../helpers/testDatabase';
import { TEST_ENV } from '../helpers/testEnv';

/**
 * Rows 1, 2, 3 and 7 of issue 12's table, replayed over HTTP against the demo data: huge code
 * lists, a 900 KB code under aliases and under every row of a list, ids outside the int range.
 * Each must get a coded 4xx answer of bounded size, without holding the event loop (the one
 * timing assertion: the issue asks that no request block it for more than ~50 ms), while
 * /healthz keeps answering.
 */
type Body = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };

let db: TestDatabase;
let s: HttpTestServer;
const nodeEnv = process.env.NODE_ENV;
beforeAll(async () => {
  // As the issue measured: NODE_ENV=production, which graphql-js reads as it loads (its
  // development build checks each type test a second way, 100-fold slower on long lists), so
  // the server's modules are loaded only after it is set. Restored after: the worker runs other
  // files.
  process.env.NODE_ENV = 'production';
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after NODE_ENV is set, see above */
  const { createTestDatabase } = require('../helpers/testDatabase') as typeof TestDatabaseModule;
  const { startHttpServer } = require('../helpers/httpServer') as typeof HttpServerModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  db = await createTestDatabase();
  s = await startHttpServer(db.dataSource, { env: { NODE_ENV: 'production', RESPONSE_CACHE_MB: '64' } });
});
afterAll(async () => {
  process.env.NODE_ENV = nodeEnv;
  await s.close();
  await db.close();
});

const MAX_BLOCK_MS = 50;
/**
 * On embedded PGlite the database is WebAssembly running in a JavaScript process (in these tests
 * Jest's parent, under `npm start` the server's own), so a statement's work competes with the
 * server's thread for the two cores and says nothing about the server's JavaScript. The bound is
 * asserted where statements run in a Postgres server of their own.
 */
const ON_POSTGRES_SERVER = process.env[TEST_ENV.kind] !== 'embedded';
function expectLoopHeldBriefly(answer: Replayed): void {
  if (ON_POSTGRES_SERVER) expect(answer.maxDelayMs).toBeLessThan(MAX_BLOCK_MS + (answer.floorMs ?? 0));
}
const MAX_RESPONSE_BYTES = 20_000;
const HUGE_CODE = 'x'.repeat(900 * 1024);

interface Replayed {
  status: number;
  bytes: number;
  body: Body;
  /** The longest the event loop was held while the request ran, in ms. */
  maxDelayMs: number;
  /** The same measure for a trivial request under the same load (see replay). */
  floorMs?: number;
  /** Statuses of the /healthz requests sent while it ran. */
  health: number[];
}

async function once(path: string, init: RequestInit): Promise<Replayed> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  try {
    const request = fetch(`${s.origin}${path}`, init).then(async (response) => ({
      status: response.status,
      text: await response.text(),
    }));
    const health = Promise.all(
      Array.from({ length: 3 }, () => fetch(`${s.origin}/healthz`).then((r) => r.text().then(() => r.status))),
    );
    const [{ status, text }, statuses] = await Promise.all([request, health]);
    return {
      status,
      bytes: Buffer.byteLength(text),
      body: JSON.parse(text) as Body,
      maxDelayMs: histogram.max / 1e6,
      health: statuses,
    };
  } finally {
    histogram.disable();
  }
}

const TRIVIAL: RequestInit = {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: '{ __typename }' }),
};

/**
 * Sends one hostile request with /healthz probes beside it, measuring event-loop delay meanwhile.
 * The same request goes once before, unmeasured: the first run of a code path pays for loading
 * and compiling it, once per process, which is not what the limit is about. Then five measured
 * runs, of which the least delay counts: work that holds the loop does so on every run, while
 * this shared 2-core machine preempting the process now and then does not. Interleaved with
 * them, five runs of a trivial request give the floor that preemption and the test's own
 * client cost under the same load (the file runs beside other test files): the hostile request
 * may hold the loop at most MAX_BLOCK_MS beyond it.
 */
async function replay(path: string, init: RequestInit = {}): Promise<Replayed> {
  await fetch(`${s.origin}${path}`, init).then((r) => r.text());
  const runs: Replayed[] = [];
  const floor: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    runs.push(await once(path, init));
    floor.push((await once('/graphql', TRIVIAL)).maxDelayMs);
  }
  return {
    ...runs[0],
    maxDelayMs: Math.min(...runs.map((r) => r.maxDelayMs)),
    floorMs: Math.min(...floor),
    health: runs.flatMap((r) => r.health),
  };
}

function post(query: string, variables: Record<string, unknown>): Promise<Replayed> {
  // Serialised and encoded before the measurement starts: the client's own work (fetch encodes
  // a string body on every send, 8 ms for 900 KB) is not the server's.
  const body = Buffer.from(JSON.stringify({ query, variables }));
  return replay('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

function expectBounded(answer: Replayed, code = 'BAD_USER_INPUT') {
  expect(answer.status).toBe(400);
  expect((answer.body.errors ?? []).map((e) => e.extensions?.code)).toEqual([code]);
  expect(answer.bytes).toBeLessThan(MAX_RESPONSE_BYTES);
  expectLoopHeldBriefly(answer);
  expect(answer.health).toEqual(Array(15).fill(200));
}

describe('issue 12 row 1: a list of 100,000 codes', () => {
  const codes = Array.from({ length: 100_000 }, (_, i) => `Z${i}`);

  it.each(['countryCodes', 'networkCodes'])('%s: refused before the body is parsed', async (field) => {
    const answer = await post(`query($c: [String!]) { cities(filter: { ${field}: $c }) { totalCount } }`, { c: codes });
    expectBounded(answer, 'BAD_REQUEST');
    expect(answer.body.errors?.[0].message).toBe('A request body is limited to 20000 values (list items and fields)');
  });

  it('a list of 5,000 codes: refused by the list cap before graphql-js coerces it', async () => {
    const answer = await post(`query($c: [String!]) { cities(filter: { countryCodes: $c }) { totalCount } }`, {
      c: codes.slice(0, 5000),
    });
    expectBounded(answer);
    expect(answer.body.errors?.[0].message).toBe('$c is limited to 1000 values, got 5000');
  });

  it('a list at the cap, every code unknown, is checked in one pass and named briefly', async () => {
    const answer = await post(`query($c: [String!]) { cities(filter: { countryCodes: $c }) { totalCount } }`, {
      c: codes.slice(0, 1000),
    });
    expect(answer.status).toBe(200);
    expect(answer.bytes).toBeLessThan(MAX_RESPONSE_BYTES);
    expectLoopHeldBriefly(answer);
    expect(answer.body.errors?.[0].message).toMatch(/^Unknown country codes "Z0", .* and 990 more/);
  });
});

describe('issue 12 rows 2 and 3: a 900 KB code', () => {
  it('in 30 aliases of ranking: one short error', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `r${i}: ranking(indicator: $s) { totalCount }`).join('\n');
    const answer = await post(`query($s: String!) { ${aliases} }`, { s: HUGE_CODE });
    expectBounded(answer);
    const [error] = answer.body.errors ?? [];
    expect(error.message).toBe(`indicator is limited to 200 characters, got ${HUGE_CODE.length}`);
    // ranking is non-null: the first failure nulls the whole answer, so graphql-js keeps one error.
    expect(answer.body.errors).toHaveLength(1);
    expect(String(error.extensions?.value).length).toBeLessThanOrEqual(61);
  });

  it('in City.latest under cities(first: 100), also under 3 aliases: one short error, not one per city', async () => {
    const [{ count }]: { count: number }[] = await db.dataSource.query('SELECT count(*)::int AS count FROM city');
    const answer = await post(
      `query($s: String!) { cities(first: 100) { edges { node { slug
         a: latest(indicator: $s) { value } b: latest(indicator: $s) { value } c: latest(indicator: $s) { value } } } } }`,
      { s: HUGE_CODE },
    );
    expectBounded(answer);
    expect(answer.body.errors?.[0].extensions?.occurrences).toBe(3 * Math.min(count, 100));
  });

  it('an unknown code of plausible length under 30 aliases gets its suggestions once, in one error', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `r${i}: ranking(indicator: $s) { totalCount }`).join('\n');
    const answer = await post(`query($s: String!) { ${aliases} }`, { s: 'homicide-rat' });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors?.[0].extensions?.suggestions).toContain('homicide-rate');
    expectLoopHeldBriefly(answer);
  });
});

describe('issue 12 row 7: ids outside the int range', () => {
  it.each(['2147483648', '-1', '1e30', '99999999999999999999'])('%s in GraphQL id arguments', async (id) => {
    const answer = await post(
      `query($id: ID!) {
        city(id: $id) { slug }
        ranking(indicator: "homicide-rate", asOf: $id) { totalCount }
        compare(cityIds: [$id], indicatorCodes: ["homicide-rate"]) { series { city { slug } } }
        scorecard(cityId: $id) { city { slug } }
      }`,
      { id },
    );
    expect(answer.status).toBeLessThan(500);
    expect(new Set((answer.body.errors ?? []).map((e) => e.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(answer.bytes).toBeLessThan(MAX_RESPONSE_BYTES);
  });

  it.each(['cities', 'asOf', 'sources'])('/export/observations.csv?%s=2147483648 is HTTP 400', async (parameter) => {
    for (const id of ['2147483648', '-1', '1e30']) {
      const answer = await replay(`/export/observations.csv?${parameter}=${encodeURIComponent(id)}`);
      expect({ id, status: answer.status }).toEqual({ id, status: 400 });
      expect(answer.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(answer.body.errors?.[0].extensions?.argument).toBe(parameter);
    }
  });

  it('an over-long code in an export parameter is refused with a short answer', async () => {
    // Node refuses request lines over 16 KB itself (431); under that, the cap speaks.
    const answer = await replay(`/export/observations.csv?indicators=${HUGE_CODE.slice(0, 10_000)}`);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0].message).toBe('indicators is limited to 200 characters, got 10000');
    expect(answer.bytes).toBeLessThan(2_000);
  });
});
