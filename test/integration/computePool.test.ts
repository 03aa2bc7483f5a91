import { CACHE_HEADER } from '../../src/cache/responseCache';
import { computePool } from '../../src/compute/computePool';
import { type FixtureSpec, loadFixture, type ObservationSpec } from '../fixtures/fixture';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * The compute pool over real HTTP (issue 16 item 5): a large bootstrap runs on a worker thread
 * while the server answers other queries, a client that goes away stops its task (the thread is
 * terminated), STATEMENT_TIMEOUT_MS bounds a task, and the response cache answers a repeated
 * analysis without computing it again.
 */

// 1,000 cities over 20 years, a third adopting in one of ten years: the bootstrap and the
// permutations below take seconds of CPU (their product with the cities is the budget's bound).
const CITIES = 1000;
const slug = (i: number) => `pool-${String(i).padStart(4, '0')}`;
const adoptionYear = (i: number) => (i % 3 === 0 ? 2005 + (i % 10) : null);

function spec(): FixtureSpec {
  const observations: ObservationSpec[] = [];
  for (let i = 0; i < CITIES; i++) {
    const g = adoptionYear(i);
    for (let year = 2000; year < 2020; year++) {
      // Any values do: the test is about where and when the work runs, not the numbers.
      const noise = ((i * 7919 + year * 104729) % 1000) / 100;
      observations.push({
        city: slug(i),
        indicator: 'score',
        year,
        value: noise + year - 2000 + (g && year >= g ? 2 : 0),
      });
    }
  }
  return {
    cities: Array.from({ length: CITIES }, (_, i) => ({ slug: slug(i), country: 'US' })),
    indicators: [{ code: 'score', unit: 'points' }],
    instruments: [{ code: 'CEDAW' }],
    commitments: Array.from({ length: CITIES }, (_, i) => i)
      .filter((i) => adoptionYear(i) !== null)
      .map((i) => ({ city: slug(i), instrument: 'CEDAW', adoptedOn: String(adoptionYear(i)) })),
    observations,
  };
}

const IMPACT = `query($bootstrap: Int!, $permutations: Int!, $seed: Int!) {
  commitmentImpact(instrument: "CEDAW", indicator: "score", window: 10, estimator: CALLAWAY_SANTANNA,
      bootstrap: $bootstrap, permutations: $permutations, seed: $seed) {
    overall { estimate standardError }
  }
}`;
const HEAVY = { bootstrap: 4000, permutations: 999 };
const CHEAP = `query($slug: String!) { city(slug: $slug) { name } }`;

type Body = {
  data?: { commitmentImpact?: { overall: { estimate: number; standardError: number | null } | null } };
  errors?: { extensions?: { code?: string } }[];
};

async function post(server: HttpTestServer, query: string, variables: Record<string, unknown>, signal?: AbortSignal) {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  return { cache: response.headers.get(CACHE_HEADER), body: (await response.json()) as Body };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let db: TestDatabase;
let server: HttpTestServer;
const pool = () => computePool(server.config.computeThreads);

beforeAll(async () => {
  db = await createTestDatabase({ seed: false });
  await loadFixture(db.dataSource, spec());
  // Statistics for the planner: without them the panel's per-city lookups scan every value.
  await db.dataSource.query('ANALYZE');
  // One thread, as on a two-core machine; the timeout well above the heavy task's seconds.
  server = await startHttpServer(db.dataSource, { env: { COMPUTE_THREADS: '1', STATEMENT_TIMEOUT_MS: '120000' } });
});
afterAll(async () => {
  await server?.close();
  await db?.close();
});

describe('the compute pool', () => {
  it('answers other queries while a large bootstrap runs on a worker thread', async () => {
    const started = pool().stats.started;
    let heavyDone = false;
    const heavy = post(server, IMPACT, { ...HEAVY, seed: 1 }).finally(() => {
      heavyDone = true;
    });
    await until(() => pool().stats.started > started, 'the heavy task to start');
    // Were the bootstrap on the event loop, none of these could be answered before it ended.
    const answered: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      const { body } = await post(server, CHEAP, { slug: slug(i) });
      expect(body.data).toEqual({ city: { name: slug(i) } });
      answered.push(!heavyDone);
    }
    expect(answered).toEqual(new Array(10).fill(true));
    const { body } = await heavy;
    expect(body.errors).toBeUndefined();
    expect(body.data?.commitmentImpact?.overall?.standardError).toBeGreaterThan(0);
  });

  it('stops the task when the client goes away: its thread is terminated, not left running', async () => {
    // A thread ready first, so the heavy task runs at once rather than waiting in the queue (from
    // where an abort would only remove it).
    await post(server, IMPACT, { bootstrap: 50, permutations: 50, seed: 8 });
    const before = { ...pool().stats };
    const client = new AbortController();
    const request = post(server, IMPACT, { ...HEAVY, seed: 2 }, client.signal);
    await until(() => pool().stats.started > before.started, 'the task to start');
    client.abort();
    await expect(request).rejects.toThrow();
    await until(() => pool().stats.cancelled > before.cancelled, 'the task to be cancelled', 5000);
    await until(() => pool().stats.threadsEnded > before.threadsEnded, 'the thread to end', 5000);
    expect(pool().stats.completed).toBe(before.completed);
    // A fresh thread takes the next task.
    const { body } = await post(server, IMPACT, { bootstrap: 50, permutations: 50, seed: 3 });
    expect(body.errors).toBeUndefined();
    expect(pool().stats.completed).toBe(before.completed + 1);
  });

  it('stops a task past STATEMENT_TIMEOUT_MS with TIMEOUT', async () => {
    // A second server on the same process shares the pool; its requests have a short bound.
    const hurried = await startHttpServer(db.dataSource, { env: { STATEMENT_TIMEOUT_MS: '200' } });
    try {
      const before = { ...pool().stats };
      const { body } = await post(hurried, IMPACT, { ...HEAVY, seed: 4 });
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['TIMEOUT']);
      expect(pool().stats.timedOut).toBe(before.timedOut + 1);
      expect(pool().stats.completed).toBe(before.completed);
    } finally {
      await hurried.close();
    }
    // Its stop let go of the pool; the first server still holds it.
    const { body } = await post(server, IMPACT, { bootstrap: 50, permutations: 50, seed: 5 });
    expect(body.errors).toBeUndefined();
  });

  it('answers a repeated analysis from the response cache without computing it again', async () => {
    const cached = await startHttpServer(db.dataSource, { env: { RESPONSE_CACHE_MB: '8' } });
    try {
      const variables = { bootstrap: 200, permutations: 200, seed: 6 };
      const first = await post(cached, IMPACT, variables);
      const started = pool().stats.started;
      const second = await post(cached, IMPACT, variables);
      expect([first.cache, second.cache]).toEqual(['MISS', 'HIT']);
      expect(second.body).toEqual(first.body);
      expect(pool().stats.started).toBe(started);
      // Another seed is another question.
      expect((await post(cached, IMPACT, { ...variables, seed: 7 })).cache).toBe('MISS');
      expect(pool().stats.started).toBe(started + 1);
    } finally {
      await cached.close();
    }
  });
});
