import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { CACHE_HEADER } from '../../src/cache/responseCache';
import { freePort } from '../../src/cli/loadtestServer';
import { loadConfig } from '../../src/config';
import { createDataSource } from '../../src/db/dataSource';
import { openDatabase, type OpenDatabase } from '../../src/db/openDatabase';
import { pooledSettingsProblem } from '../../src/db/pooledSettings';
import { readDatapackage } from '../../src/modules/ingest/datapackage';
import type { ImportProblem } from '../../src/modules/ingest/importErrors';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { type AppServer, createServer } from '../../src/server';
import {
  endCursorIn,
  exportExamples,
  operationOf,
  READ_EXAMPLES,
  readmeCurlQuery,
  ROOT,
  takesVariable,
  workedExampleQuery,
} from '../helpers/docReads';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';
import { TEST_ENV } from '../helpers/testEnv';

/**
 * rightsgraph behind PgBouncer in transaction mode (issue 17, item 4): a pgbouncer of this
 * test's own (a temporary config and auth file, a free port, two server connections shared by
 * many clients, so any session state would leak between them) in front of the test's database.
 * The README's read suite (test/helpers/docReads.ts: every read example of README.md and docs/,
 * the paging examples' second pages, the curl example, the CSV exports of docs/export.md)
 * answers through it exactly as directly; the README's worked import, both files (COPY,
 * temporary tables, advisory locks), goes through it, its queries answer as directly and as the
 * README says, and it leaves no session state behind; the role carries the settings a pooler
 * cannot pass, and LISTEN works on DATABASE_LISTEN_URL.
 */
const EXAMPLE = path.join(ROOT, 'examples/ucr-homicides');

function pgbouncerBinary(): string | null {
  for (const candidate of ['pgbouncer', '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']) {
    if (spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return null;
}

const binary = pgbouncerBinary();
const onPostgres = process.env[TEST_ENV.kind] !== 'embedded';
if (!binary && process.env.CI) throw new Error('pgbouncer.test.ts: pgbouncer is not installed (.ci/run installs it)');
if (!binary) console.warn('pgbouncer.test.ts skipped: no pgbouncer binary (apt-get install pgbouncer)');
const maybe = binary && onPostgres ? describe : describe.skip;

// Bounded for CI: 30 s for each hook and test (at most 7 s measured), 3 minutes at worst.
jest.setTimeout(30_000);

interface Bouncer {
  url: string;
  /** Runs a command of the admin console (`RECONNECT`, `SHOW POOLS`). */
  admin(command: string): Promise<void>;
  log: () => string;
  stop(): Promise<void>;
}

/** Starts pgbouncer in front of `databaseUrl`'s database; resolves once it answers (at most 10 s). */
async function startPgbouncer(databaseUrl: string): Promise<Bouncer> {
  const target = new URL(databaseUrl);
  const user = decodeURIComponent(target.username || 'postgres');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-pgbouncer-'));
  const port = await freePort();
  const password = target.password ? ` password=${decodeURIComponent(target.password)}` : '';
  writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `rg = host=${target.hostname} port=${target.port || 5432} dbname=${target.pathname.slice(1)} user=${user}${password}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 2',
      'max_client_conn = 100',
      `admin_users = ${user}`,
      // No ignore_startup_parameters: the server must need none.
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'userlist.txt'), `"${user}" ""\n`);
  // pgbouncer refuses to run as root; -u drops to a user that must read these files.
  chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  const child: ChildProcess = spawn(binary as string, [...(root ? ['-u', 'nobody'] : []), 'pgbouncer.ini'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/rg`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      const admin = async (command: string) => {
        const console = new Client({ connectionString: url.replace(/\/rg$/, '/pgbouncer') });
        await console.connect();
        try {
          await console.query(command);
        } finally {
          await console.end();
        }
      };
      return { url, admin, log: () => log, stop };
    } catch (error) {
      await client.end().catch(() => undefined);
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`pgbouncer did not start: ${(error as Error).message}\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function post(origin: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, cache: response.headers.get(CACHE_HEADER), body: await response.json() };
}

/** A GET's answer; an error's requestId (one per request, by design) is left out of the body. */
async function get(origin: string, pathAndQuery: string) {
  const response = await fetch(`${origin}${pathAndQuery}`, { signal: AbortSignal.timeout(30_000) });
  const body = (await response.text()).replace(/"requestId":"[0-9a-f-]{36}"/g, '"requestId":"<id>"');
  return { status: response.status, type: response.headers.get('content-type'), body };
}

interface Read {
  title: string;
  query: string;
  variables?: Record<string, unknown>;
}

/**
 * The README's read suite as readme.test.ts runs it: every read example of README.md and docs/
 * (the mutations run elsewhere, with a key and in order), and the README's curl example; the
 * second pages of the paging examples and the worked import example follow below.
 */
const READS: Read[] = [
  ...READ_EXAMPLES.map(({ file, query }) => ({ title: `${file} ${operationOf(query).name?.value ?? ''}`, query })),
  { title: 'README.md curl', query: readmeCurlQuery() },
];

maybe('behind PgBouncer in transaction mode', () => {
  let db: TestDatabase;
  let bouncer: Bouncer;
  let direct: HttpTestServer;
  let pooled: { database: OpenDatabase; server: AppServer; origin: string; warnings: string[] };

  beforeAll(async () => {
    db = await createTestDatabase();
    bouncer = await startPgbouncer(db.url);
  });

  afterAll(async () => {
    await pooled?.server.stop();
    await pooled?.database.close();
    await direct?.close();
    await bouncer?.stop();
    await db?.close();
  });

  it('refuses a pool that sends startup settings, which is why DATABASE_POOLED sends none', async () => {
    const refused = createDataSource({ url: bouncer.url, poolSize: 1, statementTimeoutMs: 10_000, jit: false });
    await expect(refused.initialize()).rejects.toThrow(/unsupported startup parameter/);
    if (refused.isInitialized) await refused.destroy();
  });

  it('names the role settings a pooled server lacks; once set, sessions through the pooler have them', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: bouncer.url, DATABASE_POOLED: 'true' });
    const problem = await pooledSettingsProblem(db.dataSource, config);
    expect(problem).toMatch(/statement_timeout = 0 ms and jit = on/);
    const statements = problem?.match(/ALTER ROLE [^;]+;/g) ?? [];
    expect(statements).toHaveLength(2);
    for (const statement of statements) await db.dataSource.query(statement);
    // A role's settings apply to new sessions: the pooler's open server connections keep the
    // old ones until it reconnects them (docs/scaling.md says so).
    await bouncer.admin('RECONNECT rg');
    const client = new Client({ connectionString: bouncer.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT current_setting('statement_timeout') AS timeout, current_setting('jit') AS jit`,
      );
      expect(rows).toEqual([{ timeout: '10s', jit: 'off' }]);
    } finally {
      await client.end();
    }
  });

  it("answers the README's read suite exactly as a direct connection does, all at once", async () => {
    const warnings: string[] = [];
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: bouncer.url,
      DATABASE_POOLED: 'true',
      DATABASE_LISTEN_URL: db.url,
      RESPONSE_CACHE_MB: '8',
    });
    const database = await openDatabase(config, () => undefined, { warn: (line) => warnings.push(line) });
    const server = await createServer(database.dataSource, config);
    await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.httpServer.address() as { port: number };
    pooled = { database, server, origin: `http://127.0.0.1:${port}`, warnings };
    direct = await startHttpServer(db.dataSource);
    expect(warnings).toEqual([]);

    expect(READ_EXAMPLES.filter((e) => e.file === 'README.md').length).toBeGreaterThanOrEqual(5);
    const reads = [...READS];
    const expected = [];
    for (const read of READS) expected.push(await post(direct.origin, read.query));
    // A paging example's second page, from the cursor its first page ends with (as readme.test.ts does).
    for (const [i, read] of READS.entries()) {
      if (!takesVariable(read.query, 'after')) continue;
      const after = endCursorIn(expected[i].body.data);
      expect([read.title, typeof after]).toEqual([read.title, 'string']);
      reads.push({ ...read, title: `${read.title} (second page)`, variables: { after } });
      expected.push(await post(direct.origin, read.query, { after }));
    }
    expect(reads.length).toBeGreaterThan(READS.length);
    // All at once: more clients than the pooler's two server connections.
    const through = await Promise.all(reads.map((read) => post(pooled.origin, read.query, read.variables)));
    for (const [i, answer] of through.entries()) {
      expect([reads[i].title, expected[i].body.errors]).toEqual([reads[i].title, undefined]);
      expect({ read: reads[i].title, status: answer.status, body: answer.body }).toEqual({
        read: reads[i].title,
        status: expected[i].status,
        body: expected[i].body,
      });
    }

    // The CSV exports the documentation shows, errors included: the same bytes through the pooler.
    const exports = exportExamples();
    expect(exports.length).toBeGreaterThanOrEqual(4);
    const exported = [];
    for (const url of exports) exported.push(await get(direct.origin, url));
    const exportedThrough = await Promise.all(exports.map((url) => get(pooled.origin, url)));
    for (const [i, answer] of exportedThrough.entries()) {
      expect({ url: exports[i], ...answer }).toEqual({ url: exports[i], ...exported[i] });
    }
  });

  it("runs the README's worked import through the pooler (COPY, temporary tables, advisory locks) and answers it as directly", async () => {
    const city = '{ city(slug: "seattle-us") { name } }';
    await post(pooled.origin, city);
    expect((await post(pooled.origin, city)).cache).toBe('HIT');
    // The server hears another process's commit on DATABASE_LISTEN_URL a moment after it: until
    // then it answers from what it holds (its cached answers, the newest release it knows). Once
    // the cached city answer is gone it has heard, and so has everything else it holds; a MISS
    // stores the answer again for the next import. Five seconds without it is a failure.
    const heard = async () => {
      const deadline = Date.now() + 5_000;
      while ((await post(pooled.origin, city)).cache !== 'MISS') {
        if (Date.now() > deadline) throw new Error('the pooled server never heard the import commit');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    const problems: ImportProblem[] = [];
    const metadata = readDatapackage(
      JSON.parse(readFileSync(path.join(EXAMPLE, 'datapackage.json'), 'utf8')),
      problems,
    );
    const report = await importObservations(
      pooled.database.dataSource,
      readFileSync(path.join(EXAMPLE, 'homicides-with-typo.csv')),
      { metadata },
    );
    expect(report).toMatchObject({ ok: true, added: 72, changed: 0, createdIndicators: ['homicides'] });
    await heard();

    // The README's worked example: with the typo, Seattle is 10th of 12 with 81.
    const ranking =
      '{ ranking(indicator: "homicides", year: 2013, first: 12) { entries { rank value city { slug } } } }';
    const [viaPooler, viaDirect] = [await post(pooled.origin, ranking), await post(direct.origin, ranking)];
    expect(viaPooler.body).toEqual(viaDirect.body);
    const seattle = viaPooler.body.data.ranking.entries.find(
      (e: { city: { slug: string } }) => e.city.slug === 'seattle-us',
    );
    expect(seattle).toMatchObject({ rank: 10, value: 81 });

    // Step 3, the corrected file: one value changes.
    const corrected = await importObservations(
      pooled.database.dataSource,
      readFileSync(path.join(EXAMPLE, 'homicides.csv')),
      { metadata },
    );
    expect(corrected).toMatchObject({ ok: true, added: 0, changed: 1, unchanged: 71 });
    await heard();
    // Step 4, the README's query, and the same "as of" the typo's release as the README tells
    // (`asOf`, and `first: 12`). Expected by hand from the 2013 counts (workedExample.test.ts):
    // Salt Lake City 7, then Honolulu and the corrected Seattle tied at 18.
    const worked = workedExampleQuery();
    const asOf = worked.replace('first: 3)', `first: 12, asOf: "${report.releaseId}")`);
    expect(asOf).not.toBe(worked);
    const [now, then] = [await post(pooled.origin, worked), await post(pooled.origin, asOf)];
    expect(now.body).toEqual((await post(direct.origin, worked)).body);
    expect(then.body).toEqual((await post(direct.origin, asOf)).body);
    type Entry = { rank: number; value: number; city: { slug: string } };
    expect(now.body.data.ranking.entries.map((e: Entry) => [e.rank, e.value, e.city.slug])).toEqual([
      [1, 7, 'salt-lake-city-us'],
      [2, 18, 'honolulu-us'],
      [2, 18, 'seattle-us'],
    ]);
    expect(then.body.data.ranking.entries.find((e: Entry) => e.city.slug === 'seattle-us')).toMatchObject({
      rank: 10,
      value: 81,
    });

    // Nothing of the imports stays on the server connections the pooler hands to others. pg_locks
    // shows the whole cluster: only this test's database counts, not other tests' imports.
    const [state] = await pooled.database.dataSource.query(
      `SELECT (SELECT count(*)::int FROM pg_class WHERE relpersistence = 't') AS "tempTables",
              (SELECT count(*)::int FROM pg_locks
                WHERE locktype = 'advisory'
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS "advisoryLocks"`,
    );
    expect(state).toEqual({ tempTables: 0, advisoryLocks: 0 });
  });
});
