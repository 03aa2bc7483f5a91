import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config';
import { openDatabase, type OpenDatabase } from '../../src/db/openDatabase';
import { createDataSource } from '../../src/db/dataSource';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { type AppServer, createServer } from '../../src/server';
import { findPostgresBinaries, startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/throwawayPostgres';

/**
 * The database goes away under a running server. The test starts a Postgres cluster of its own
 * (the shared test server must never be stopped), opens it the way `npm start` does (migrate,
 * seed), serves it over HTTP, and stops Postgres in the middle of a load of every kind of
 * request: anonymous and keyed GraphQL, an export, an import, /readyz. Each must then fail fast
 * with HTTP 503, SERVICE_UNAVAILABLE, Retry-After and the request id (issue 12, row 4), never a
 * 500 or a hang, while /healthz stays 200; the outage writes one log line going down and one
 * coming back; and once Postgres is back the same server answers again.
 */
const binaries = findPostgresBinaries();
if (binaries.kind === 'missing') {
  console.warn(`dbFaults.test.ts skipped: ${binaries.reason}`);
}
const maybe = binaries.kind === 'found' ? describe : describe.skip;

interface Outcome {
  probe: string;
  startedAt: number;
  ms: number;
  status: number;
  codes: unknown[];
  ok: boolean;
  retryAfter: string | null;
  /** Every error carries the request id of the x-request-id header. */
  requestIdMatches: boolean;
}

const QUERIES = [
  '{ cities(first: 25) { totalCount edges { node { slug country { code } latest(indicator: "homicide-rate") { value } } } } }',
  '{ city(slug: "pittsburgh-us") { name commitments { title instrument { code } } } }',
  '{ ranking(indicator: "homicide-rate") { totalCount entries { rank city { slug } } } }',
  '{ statistics(indicator: "homicide-rate", year: 2015, groupBy: COUNTRY) { count groups { key mean } } }',
];

/** One kind of request the load sends, keyed or not, GraphQL or an HTTP route. */
interface Probe {
  name: string;
  send(): Promise<Response>;
  /** Whether an answer from a working database is right (the body, already read). */
  fine(status: number, body: string): boolean;
}

let pg: ThrowawayPostgres | undefined;
let database: OpenDatabase | undefined;
let server: AppServer | undefined;
let origin = '';
const logLines: { level: number; msg: string }[] = [];
const keys = { editor: '', reader: '' };

jest.setTimeout(180_000);

maybe('the database going away and coming back', () => {
  beforeAll(async () => {
    if (binaries.kind !== 'found') return;
    pg = await startThrowawayPostgres(binaries.bin);
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: pg.url, SEED_ON_START: 'true' });
    database = await openDatabase(config);
    keys.editor = (await createApiKey(database.dataSource, { name: 'curator', role: Role.EDITOR })).key;
    keys.reader = (await createApiKey(database.dataSource, { name: 'dashboard', role: Role.READER })).key;
    // The server's JSON log lines, kept to count what an outage writes.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    server = await createServer(
      database.dataSource,
      loadConfig({ NODE_ENV: 'test', RATE_LIMIT_PER_MINUTE: '1000000' }),
      [],
      pino({ level: 'info' }, sink),
    );
    await new Promise<void>((resolve) => server!.httpServer.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    await database?.close().catch(() => undefined);
    await pg?.destroy();
  });

  const graphql = (query: string, key?: string) => () =>
    fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query }),
      // A request that takes this long is a hang, which is a failure of its own.
      signal: AbortSignal.timeout(20_000),
    });
  const noErrors = (status: number, body: string) =>
    status === 200 && (JSON.parse(body) as { errors?: unknown }).errors === undefined;
  const PROBES: Probe[] = [
    ...QUERIES.map((query, i) => ({ name: `anonymous GraphQL ${i}`, send: graphql(query), fine: noErrors })),
    { name: 'GraphQL with a reader key', send: graphql(QUERIES[1], keys.reader), fine: noErrors },
    { name: 'GraphQL with an editor key', send: graphql(QUERIES[2], keys.editor), fine: noErrors },
    {
      name: 'GET /export/observations.csv',
      send: () =>
        fetch(`${origin}/export/observations.csv?indicators=homicide-rate&cities=pittsburgh-us`, {
          signal: AbortSignal.timeout(20_000),
        }),
      fine: (status, body) => status === 200 && body.startsWith('city'),
    },
    {
      name: 'POST /imports (dry run)',
      send: () =>
        fetch(`${origin}/imports?dryRun=true&sourceTitle=Fault%20test&sourcePublisher=Test`, {
          method: 'POST',
          headers: { 'content-type': 'text/csv', authorization: `Bearer ${keys.editor}` },
          body: 'city,country,region,indicator,year,value\nBoston,US,MA,homicide-rate,2016,5.5\n',
          signal: AbortSignal.timeout(20_000),
        }),
      fine: (status, body) => status === 200 && (JSON.parse(body) as { ok?: unknown }).ok === true,
    },
    {
      name: 'GET /readyz',
      send: () => fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(20_000) }),
      fine: (status) => status === 200,
    },
  ];

  async function ask(probe: Probe): Promise<Outcome> {
    const startedAt = Date.now();
    let status = 0;
    try {
      const response = await probe.send();
      status = response.status;
      const text = await response.text();
      const ok = probe.fine(response.status, text);
      let codes: unknown[] = [];
      let requestIds: unknown[] = [];
      try {
        const errors = (JSON.parse(text) as { errors?: { extensions?: Record<string, unknown> }[] }).errors ?? [];
        codes = [...new Set(errors.map((e) => e.extensions?.code))];
        requestIds = [...new Set(errors.map((e) => e.extensions?.requestId))];
      } catch {
        // A CSV, not an error.
      }
      return {
        probe: probe.name,
        startedAt,
        ms: Date.now() - startedAt,
        status: response.status,
        ok,
        codes,
        retryAfter: response.headers.get('retry-after'),
        requestIdMatches:
          requestIds.length === 0 ||
          (requestIds.length === 1 && requestIds[0] === response.headers.get('x-request-id')),
      };
    } catch (error) {
      return {
        probe: probe.name,
        startedAt,
        ms: Date.now() - startedAt,
        // A status with a failed body: the answer began, then the connection was cut.
        status,
        codes: [String(error)],
        ok: false,
        retryAfter: null,
        requestIdMatches: false,
      };
    }
  }

  /** What an answer must be while the database is down: the same on every path. */
  const UNAVAILABLE = { status: 503, codes: ['SERVICE_UNAVAILABLE'], retryAfter: '5', requestIdMatches: true };
  const shape = (o: Outcome) => ({
    status: o.status,
    codes: o.codes,
    retryAfter: o.retryAfter,
    requestIdMatches: o.requestIdMatches,
  });

  /** `clients` loops sending every kind of request in turn until `until()` says stop. */
  async function load(clients: number, until: () => boolean): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        for (let i = client; !until(); i += 1) outcomes.push(await ask(PROBES[i % PROBES.length]));
      }),
    );
    return outcomes;
  }

  it('serves every kind of request while Postgres is up', async () => {
    for (const probe of PROBES) expect(await ask(probe)).toMatchObject({ probe: probe.name, ok: true });
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After on every path when Postgres stops mid-load, logs the outage once, and recovers', async () => {
    const linesBefore = logLines.length;
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
    // The server's own error lines, shown with a failure: what it met that it did not code.
    const serverErrors = () => logLines.filter((l) => l.level >= 50).map((l) => JSON.stringify(l).slice(0, 600));
    for (const outcome of outcomes) {
      // Each answer is a success (before the stop) or the database-unavailable answer: never a
      // 500, another code, a missing Retry-After or request id, or a hang. One exception: a CSV
      // export already streaming (200 sent) when Postgres stopped can only be cut off, which is
      // how a client learns the file is incomplete (a chunked body without its last chunk).
      const cutMidStream =
        outcome.probe.startsWith('GET /export') && outcome.startedAt < stoppedAt && outcome.status === 200;
      if (!outcome.ok && !cutMidStream) {
        expect({ probe: outcome.probe, ...shape(outcome) }).toEqual({
          probe: outcome.probe,
          ...UNAVAILABLE,
          ...(JSON.stringify(shape(outcome)) === JSON.stringify(UNAVAILABLE) ? {} : { serverErrors: serverErrors() }),
        });
      }
    }
    const after = outcomes.filter((o) => o.startedAt >= stoppedAt);
    // Every kind of request was sent, and refused, while Postgres was down.
    expect(new Set(after.map((o) => o.probe))).toEqual(new Set(PROBES.map((p) => p.name)));
    for (const outcome of after) {
      expect({ probe: outcome.probe, ...shape(outcome) }).toEqual({ probe: outcome.probe, ...UNAVAILABLE });
      // Fast: a refused connection is answered at once, not after the pool's 5 s connect
      // timeout (the margin is for a busy 2-core CI machine).
      expect(outcome.ms).toBeLessThan(4500);
    }
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);

    await pg!.start();
    // The pool drops its dead connections and opens new ones: no restart of the server.
    const deadline = Date.now() + 15_000;
    let recovered: Outcome | undefined;
    while (Date.now() < deadline) {
      recovered = await ask(PROBES[0]);
      if (recovered.ok) break;
      expect(shape(recovered)).toEqual(UNAVAILABLE);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recovered).toMatchObject({ status: 200, ok: true });
    // The probe that ends the outage runs once a second.
    for (let i = 0; i < 30 && !logLines.slice(linesBefore).some((l) => l.msg === 'database available again'); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const end = Date.now() + 1000;
    const again = await load(8, () => Date.now() > end);
    expect(again.length).toBeGreaterThan(0);
    expect(again.filter((o) => !o.ok)).toEqual([]);

    // Hundreds of refused requests, and two log lines: down, then up.
    expect(outcomes.length - before.length).toBeGreaterThan(20);
    const outage = logLines.slice(linesBefore).map((l) => ({ level: l.level, msg: l.msg }));
    expect(outage).toEqual([
      { level: 40, msg: 'database unavailable: answering SERVICE_UNAVAILABLE (503) until it is back' },
      { level: 30, msg: 'database available again' },
    ]);
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
