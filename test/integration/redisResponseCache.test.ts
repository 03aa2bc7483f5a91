import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createClient } from 'redis';
import type { DataSource } from 'typeorm';
import { CACHE_HEADER } from '../../src/cache/responseCache';
import { freePort } from '../../src/cli/loadtestServer';
import { loadConfig } from '../../src/config';
import { createDataSource, sqlCounterOf } from '../../src/db/dataSource';
import { readDatapackage } from '../../src/modules/ingest/datapackage';
import type { ImportProblem } from '../../src/modules/ingest/importErrors';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { type AppServer, createServer } from '../../src/server';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';
import { TEST_ENV } from '../helpers/testEnv';

/**
 * The shared response cache (RESPONSE_CACHE=redis) against the real Redis on 6379, under a key
 * prefix of this test's own: two server instances, each with its own pool, share an answer; a
 * new release and a change without a release both miss and answer the new data; entries expire
 * and big answers are not stored; with Redis unreachable the answer is computed and a warning
 * logged. Expected answers are the README's worked import example, read off its text by hand:
 * Seattle's 2013 homicides are 81 (10th of 12) with the typo and 18 (2nd, tied) corrected.
 */
const REDIS_URL = 'redis://127.0.0.1:6379';
const EXAMPLE = path.resolve(__dirname, '../../examples/ucr-homicides');
const PREFIX = `rightsgraph:test:${process.pid}:${Date.now()}:`;
const RANKING = `{ ranking(indicator: "homicides", year: 2013, first: 12) { entries { rank value city { slug } } } }`;
const CITY = `{ city(slug: "pittsburgh-us") { name } }`;

const onPostgres = process.env[TEST_ENV.kind] !== 'embedded';
jest.setTimeout(60_000);

async function redisAnswers(): Promise<boolean> {
  const client = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.close();
    return true;
  } catch {
    return false;
  }
}

interface Instance {
  server: AppServer;
  dataSource: DataSource;
  url: string;
  logs: { level: number; msg: string }[];
}

async function startInstance(db: TestDatabase, env: NodeJS.ProcessEnv): Promise<Instance> {
  // An instance of its own: its own pool, LISTEN connection, Redis client and logger.
  const dataSource = createDataSource({ url: db.url, poolSize: 2 });
  await dataSource.initialize();
  const logs: Instance['logs'] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, RESPONSE_CACHE: 'redis', ...env });
  const server = await createServer(dataSource, config, [], pino({ level: 'info' }, sink));
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.httpServer.address() as { port: number };
  return { server, dataSource, url: `http://127.0.0.1:${port}/graphql`, logs };
}

async function ask(instance: Instance, query: string) {
  const statements = sqlCounterOf(instance.dataSource).start();
  const response = await fetch(instance.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  return { status: response.status, cache: response.headers.get(CACHE_HEADER), statements: statements(), body };
}

/** Asks until the instance has heard of the change (its answer no longer comes from the cache). */
async function askAfterChange(instance: Instance, query: string) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const answer = await ask(instance, query);
    if (answer.cache === 'MISS') return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the instance never missed after the change');
}

function seattle(answer: Awaited<ReturnType<typeof ask>>) {
  const ranking = answer.body.data?.ranking as { entries: { rank: number; value: number; city: { slug: string } }[] };
  return ranking.entries.find((entry) => entry.city.slug === 'seattle-us');
}

async function importExample(db: TestDatabase, file: string) {
  const problems: ImportProblem[] = [];
  const metadata = readDatapackage(JSON.parse(readFileSync(path.join(EXAMPLE, 'datapackage.json'), 'utf8')), problems);
  const report = await importObservations(db.dataSource, readFileSync(path.join(EXAMPLE, file)), { metadata });
  expect(report.ok).toBe(true);
  return report;
}

let available = false;
let redis: ReturnType<typeof createClient>;
let db: TestDatabase;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  available = onPostgres && (await redisAnswers());
  if (!available) {
    console.warn('redisResponseCache.test.ts skipped: needs Postgres and a Redis on 127.0.0.1:6379');
    return;
  }
  redis = createClient({ url: REDIS_URL });
  await redis.connect();
  db = await createTestDatabase();
  await importExample(db, 'homicides-with-typo.csv');
  a = await startInstance(db, { RESPONSE_CACHE_PREFIX: PREFIX });
  b = await startInstance(db, { RESPONSE_CACHE_PREFIX: PREFIX });
});

afterAll(async () => {
  if (!available) return;
  for (const instance of [a, b]) {
    await instance?.server.stop();
    await instance?.dataSource.destroy();
  }
  for await (const keys of redis.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 1000 })) {
    if (keys.length > 0) await redis.del(keys);
  }
  await redis.close();
  await db?.close();
});

const maybe = (name: string, fn: () => Promise<void>) => it(name, async () => (available ? fn() : undefined));

describe('RESPONSE_CACHE=redis', () => {
  maybe('shares an answer between two instances: the second answers it without a statement', async () => {
    const first = await ask(a, RANKING);
    expect(first).toMatchObject({ status: 200, cache: 'MISS' });
    expect(seattle(first)).toMatchObject({ rank: 10, value: 81 });
    expect(first.statements).toBeGreaterThan(0);

    const second = await ask(b, RANKING);
    expect(second).toMatchObject({ status: 200, cache: 'HIT', statements: 0 });
    expect(second.body).toEqual(first.body);
  });

  maybe('keys answers by the newest release, bounded by the TTL', async () => {
    const [{ id }] = await db.dataSource.query('SELECT max(id)::int AS id FROM release');
    const keys = await redis.keys(`${PREFIX}r*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.startsWith(`${PREFIX}r${id}:`)).toBe(true);
      const ttl = await redis.pTTL(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300_000);
    }
  });

  maybe('a new release misses on every instance and answers from it, never the old answer', async () => {
    const report = await importExample(db, 'homicides.csv');
    expect(report).toMatchObject({ changed: 1 });
    // Both instances hear the notification within milliseconds; each then replaces the token.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fromB = await askAfterChange(b, RANKING);
    expect(seattle(fromB)).toMatchObject({ rank: 2, value: 18 });
    const fromA = await ask(a, RANKING);
    expect(fromA.cache).toBe('HIT');
    expect(seattle(fromA)).toMatchObject({ rank: 2, value: 18 });
    const keys = await redis.keys(`${PREFIX}r${report.releaseId}:*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  maybe('a change without a release (psql renaming a city) misses too', async () => {
    expect((await ask(a, CITY)).body).toEqual({ data: { city: { name: 'Pittsburgh' } } });
    expect((await ask(b, CITY)).cache).toBe('HIT');
    await db.dataSource.query(`UPDATE city SET name = 'Pittsburgh (renamed)' WHERE slug = 'pittsburgh-us'`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const renamed = await askAfterChange(b, CITY);
    expect(renamed.body).toEqual({ data: { city: { name: 'Pittsburgh (renamed)' } } });
    await db.dataSource.query(`UPDATE city SET name = 'Pittsburgh' WHERE slug = 'pittsburgh-us'`);
  });

  maybe('does not store an answer over RESPONSE_CACHE_ENTRY_KB', async () => {
    // The ranking's answer is about 600 bytes of JSON; the city's 40.
    const small = await startInstance(db, {
      RESPONSE_CACHE_PREFIX: `${PREFIX}small:`,
      RESPONSE_CACHE_ENTRY_KB: '1',
    });
    try {
      const big = `{ cities(first: 25) { edges { node { slug name region country { name } } } } }`;
      expect(Buffer.byteLength(JSON.stringify((await ask(small, big)).body))).toBeGreaterThan(1024);
      expect((await ask(small, big)).cache).toBe('MISS');
      expect((await ask(small, CITY)).cache).toBe('MISS');
      expect((await ask(small, CITY)).cache).toBe('HIT');
    } finally {
      await small.server.stop();
      await small.dataSource.destroy();
    }
  });

  maybe('with Redis unreachable, computes the answer and logs a warning', async () => {
    const port = await freePort();
    const down = await startInstance(db, { REDIS_URL: `redis://127.0.0.1:${port}`, RESPONSE_CACHE_PREFIX: PREFIX });
    try {
      for (let i = 0; i < 3; i += 1) {
        const answer = await ask(down, RANKING);
        expect(answer).toMatchObject({ status: 200, cache: 'BYPASS' });
        expect(seattle(answer)).toMatchObject({ rank: 2, value: 18 });
      }
      const warnings = down.logs.filter((line) => line.level === 40 && /response cache: redis/.test(line.msg));
      expect(warnings).toHaveLength(1);
    } finally {
      await down.server.stop();
      await down.dataSource.destroy();
      // node-redis sleeps between reconnection attempts on a timer it cannot cancel (at most the
      // 2 s of connectRedis's backoff), which would keep Jest from exiting after this file.
      await new Promise((resolve) => setTimeout(resolve, 2100));
    }
  });
});
