import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config';
import { openDatabase, type OpenDatabase } from '../../src/db/openDatabase';
import { createDataSource } from '../../src/db/dataSource';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { findPostgresBinaries, startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/throwawayPostgres';

/**
 * The database goes away under a running server. The test starts a Postgres cluster of its own
 * (the shared test server must never be stopped), opens it the way `npm start` does (migrate,
 * seed), serves it over HTTP, and stops Postgres in the middle of a load. Requests must then
 * fail fast with SERVICE_UNAVAILABLE, never an INTERNAL_SERVER_ERROR, a 5xx or a hang; /readyz
 * says 503 while /healthz stays 200; and once Postgres is back the same server answers again.
 */
const binaries = findPostgresBinaries();
if (binaries.kind === 'missing') {
  console.warn(`dbFaults.test.ts skipped: ${binaries.reason}`);
}
const maybe = binaries.kind === 'found' ? describe : describe.skip;

interface Outcome {
  startedAt: number;
  ms: number;
  status: number;
  codes: unknown[];
  ok: boolean;
}

const QUERIES = [
  '{ cities(first: 25) { totalCount edges { node { slug country { code } latest(indicator: "homicide-rate") { value } } } } }',
  '{ city(slug: "pittsburgh-us") { name commitments { title instrument { code } } } }',
  '{ ranking(indicator: "homicide-rate") { totalCount entries { rank city { slug } } } }',
  '{ statistics(indicator: "homicide-rate", year: 2015, groupBy: COUNTRY) { count groups { key mean } } }',
];

let pg: ThrowawayPostgres | undefined;
let database: OpenDatabase | undefined;
let http: HttpTestServer | undefined;

jest.setTimeout(180_000);

maybe('the database going away and coming back', () => {
  beforeAll(async () => {
    if (binaries.kind !== 'found') return;
    pg = await startThrowawayPostgres(binaries.bin);
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: pg.url, SEED_ON_START: 'true' });
    database = await openDatabase(config);
    http = await startHttpServer(database.dataSource, { env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
  });

  afterAll(async () => {
    await http?.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
    await pg?.destroy();
  });

  async function ask(query: string): Promise<Outcome> {
    const startedAt = Date.now();
    try {
      const response = await fetch(http!.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
        // A request that takes this long is a hang, which is a failure of its own.
        signal: AbortSignal.timeout(20_000),
      });
      const body = (await response.json()) as { errors?: { extensions?: { code?: unknown } }[] };
      const codes = (body.errors ?? []).map((e) => e.extensions?.code);
      return { startedAt, ms: Date.now() - startedAt, status: response.status, codes, ok: codes.length === 0 };
    } catch (error) {
      return { startedAt, ms: Date.now() - startedAt, status: 0, codes: [String(error)], ok: false };
    }
  }

  async function status(path: string): Promise<number> {
    return (await fetch(`${http!.origin}${path}`, { signal: AbortSignal.timeout(10_000) })).status;
  }

  /** `clients` loops sending the queries in turn until `until()` says stop. */
  async function load(clients: number, until: () => boolean): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        for (let i = client; !until(); i += 1) outcomes.push(await ask(QUERIES[i % QUERIES.length]));
      }),
    );
    return outcomes;
  }

  it('serves normally while Postgres is up', async () => {
    for (const query of QUERIES) expect(await ask(query)).toMatchObject({ status: 200, ok: true });
    expect(await status('/readyz')).toBe(200);
    expect(await status('/healthz')).toBe(200);
  });

  it('fails fast with SERVICE_UNAVAILABLE when Postgres stops mid-load, and recovers when it is back', async () => {
    let phase: 'up' | 'stopping' | 'down' = 'up';
    let stoppedAt = 0;
    const running = load(8, () => phase === 'down' && Date.now() - stoppedAt > 3000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    phase = 'stopping';
    const stopAsked = Date.now();
    await pg!.stop('fast');
    stoppedAt = Date.now();
    phase = 'down';
    const outcomes = await running;

    const before = outcomes.filter((o) => o.startedAt < stopAsked && o.ok);
    expect(before.length).toBeGreaterThan(0);
    const after = outcomes.filter((o) => o.startedAt >= stoppedAt);
    expect(after.length).toBeGreaterThan(0);
    for (const outcome of outcomes) {
      // Each answer is either a success (before the stop) or the database-unavailable code.
      expect({ status: outcome.status, codes: outcome.ok ? [] : [...new Set(outcome.codes)] }).toEqual(
        outcome.ok ? { status: 200, codes: [] } : { status: outcome.status, codes: ['SERVICE_UNAVAILABLE'] },
      );
      expect(outcome.status).toBeGreaterThan(0);
      expect(outcome.status).toBeLessThan(500);
    }
    for (const outcome of after) {
      expect(outcome.ok).toBe(false);
      // Fast: a refused connection is answered at once, not after the pool's 5 s connect
      // timeout (the margin is for a busy 2-core CI machine).
      expect(outcome.ms).toBeLessThan(4500);
    }

    expect(await status('/healthz')).toBe(200);
    const readyStarted = Date.now();
    expect(await status('/readyz')).toBe(503);
    expect(Date.now() - readyStarted).toBeLessThan(4500);

    await pg!.start();
    // The pool drops its dead connections and opens new ones: no restart of the server.
    const deadline = Date.now() + 15_000;
    let recovered: Outcome | undefined;
    while (Date.now() < deadline) {
      recovered = await ask(QUERIES[0]);
      if (recovered.ok) break;
      expect(recovered.codes).toEqual(['SERVICE_UNAVAILABLE']);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recovered).toMatchObject({ status: 200, ok: true });
    const end = Date.now() + 1000;
    const again = await load(8, () => Date.now() > end);
    expect(again.length).toBeGreaterThan(0);
    expect(again.filter((o) => !o.ok)).toEqual([]);
    expect(await status('/readyz')).toBe(200);
  });

  it('leaves no partial release when Postgres dies in the middle of an import', async () => {
    if (!pg!.running()) await pg!.start();
    const dataSource: DataSource = database!.dataSource;
    const snapshot = async () =>
      (
        await dataSource.query(
          `SELECT (SELECT count(*)::int FROM observation) AS observations, (SELECT count(*)::int FROM release) AS releases,
                  (SELECT count(*)::int FROM source) AS sources, (SELECT count(*)::int FROM city) AS cities,
                  (SELECT md5(string_agg(row_to_json(o)::text, '|' ORDER BY o.id)) FROM observation o) AS checksum`,
        )
      )[0];
    const before = await snapshot();

    const lines = ['city,country,region,indicator,year,value,sex'];
    for (let i = 0; i < 150_000; i += 1) {
      lines.push(`Boston,US,MA,homicide-rate,${1900 + (i % 200)},${i}.5,g${Math.floor(i / 200)}`);
    }
    // The import's own connection, as `npm run import` has: no statement timeout.
    const importer = createDataSource({ url: pg!.url, poolSize: 2 });
    await importer.initialize();
    const watcher = new Client({ connectionString: pg!.url });
    await watcher.connect();
    // A crash, not a polite stop: WAL recovery on restart must not bring back half an import.
    const crashDuringCopy = async (): Promise<boolean> => {
      for (let attempt = 0; attempt < 2000; attempt += 1) {
        const { rows } = await watcher.query(
          `SELECT 1 FROM pg_stat_activity WHERE query LIKE 'COPY import_staging%' AND state = 'active'`,
        );
        if (rows.length > 0) {
          await watcher.end().catch(() => undefined);
          await pg!.stop('immediate');
          return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await watcher.end();
      return false;
    };
    watcher.on('error', () => undefined);
    const started = Date.now();
    const [outcome, crashed] = await Promise.allSettled([
      importObservations(importer, lines.join('\n'), {
        metadata: {
          source: { title: 'Crash', publisher: 'Test', url: null, license: null, citation: 'Test.', synthetic: true },
          indicators: [],
          disaggregations: ['sex'],
        },
      }),
      crashDuringCopy(),
    ]);
    await importer.destroy().catch(() => undefined);
    expect(crashed).toEqual({ status: 'fulfilled', value: true });
    expect(outcome.status).toBe('rejected');
    expect(Date.now() - started).toBeLessThan(60_000);

    await pg!.start();
    const deadline = Date.now() + 15_000;
    let after: unknown;
    while (Date.now() < deadline) {
      try {
        after = await snapshot();
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    expect(after).toEqual(before);
  });
});
