import autocannon from 'autocannon';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { createDatabase, dropDatabase, findPostgresServer, uniqueDatabaseName } from '../db/scratchDatabase';
import { docExamples } from './docExamples';

/**
 * `npm run loadtest [-- --duration 30 --connections 50 --warmup 10 --max-requests 2000000]`
 *
 * Starts the built server (`node dist/src/index.js`) as a child on 127.0.0.1 with the demo data,
 * warms it up, then sends every query example of the README and docs/ (lists, nested fields, the
 * comparative queries) from `--connections` concurrent clients for `--duration` seconds with
 * autocannon. Reports p50/p95/p99, requests per second, errors and the server's RSS after the
 * warm-up and at the end, and every tenth of the run after a full GC. Exits 1 when any request
 * failed (connection error, timeout, non-2xx or a GraphQL error), or when the level under load
 * (RSS or V8 heap used, after a full GC) grew by more than 20 % from the first tenths of the run
 * to its last.
 *
 * The database: DATABASE_URL when set (it must hold the demo data), else a temporary database
 * on the Postgres the tests use (TEST_DATABASE_URL or 127.0.0.1:5432), seeded and dropped
 * afterwards, else embedded PGlite in a temporary folder. Only loopback is ever loaded: the
 * target is the child this command starts.
 */

interface Options {
  duration: number;
  connections: number;
  warmup: number;
  maxRequests: number;
  /** Every request's query text differs (a random comment): what grows memory per distinct text. */
  soak: boolean;
}

const LIMITS = {
  duration: [1, 600],
  connections: [1, 1000],
  warmup: [0, 120],
  maxRequests: [1, 10_000_000],
} as const;
const MAX_RSS_GROWTH = 0.2;

const USAGE = `usage: npm run loadtest -- [--duration SECONDS] [--connections N] [--warmup SECONDS] [--max-requests N]
  --duration      seconds of measured load (default 30, ${LIMITS.duration.join('-')})
  --connections   concurrent clients (default 50, ${LIMITS.connections.join('-')})
  --warmup        seconds of unmeasured load first (default 10, ${LIMITS.warmup.join('-')})
  --max-requests  stop the measured run after this many responses (default 2000000)
  --soak          every request's query text differs (a random comment), so every cache keyed
                  by the text sees new keys; defaults become --duration 300 --warmup 30
CI short forms: npm run loadtest -- --duration 5 --connections 10 --warmup 3
                npm run loadtest -- --soak --duration 20 --warmup 20`;

export function parseOptions(argv: string[]): Options {
  const soak = argv.includes('--soak');
  const options: Options = {
    duration: soak ? 300 : 30,
    connections: 50,
    warmup: soak ? 30 : 10,
    maxRequests: 2_000_000,
    soak,
  };
  argv = argv.filter((a) => a !== '--soak');
  const names: Record<string, Exclude<keyof Options, 'soak'>> = {
    '--duration': 'duration',
    '--connections': 'connections',
    '--warmup': 'warmup',
    '--max-requests': 'maxRequests',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split('=', 2);
    const key = names[flag] as Exclude<keyof Options, 'soak'> | undefined;
    if (!key) throw new Error(`unknown argument ${argv[i]}`);
    const raw = inline ?? argv[(i += 1)];
    const value = Number(raw);
    const [min, max] = LIMITS[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${flag} must be an integer between ${min} and ${max}, got "${raw}"`);
    }
    options[key] = value;
  }
  return options;
}

interface Query {
  name: string;
  body: string;
}

/**
 * The documentation's ```graphql examples that read (mutations need a key; the worked import's
 * step needs its data first and is not among them, see docExamples).
 */
function exampleQueries(root: string): Query[] {
  const queries: Query[] = [];
  for (const { query: block } of docExamples(root)) {
    const operation = parse(block).definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    if (operation?.operation !== 'query') continue;
    queries.push({
      name: operation.name?.value ?? `query${queries.length + 1}`,
      body: JSON.stringify({ query: block }),
    });
  }
  return queries;
}

interface Database {
  description: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

async function prepareDatabase(): Promise<Database> {
  if (process.env.DATABASE_URL) {
    const host = new URL(process.env.DATABASE_URL).host;
    return { description: `DATABASE_URL (${host})`, env: {}, cleanup: async () => undefined };
  }
  const server = await findPostgresServer();
  if (server) {
    const name = uniqueDatabaseName('rg_loadtest');
    const url = await createDatabase(server, name);
    return {
      description: `temporary database ${name} on ${new URL(server.adminUrl).host}, demo data`,
      env: { DATABASE_URL: url, SEED_ON_START: 'true' },
      cleanup: () => dropDatabase(server, name),
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'rg-loadtest-'));
  return {
    description: 'embedded PGlite in a temporary folder, demo data (one connection: expect modest numbers)',
    env: { DATABASE_URL: '', EMBEDDED_DATA_DIR: dir },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Loaded into the server with `node --expose-gc -r`: on the message "gc" from this command, a
 * full garbage collection, then the memory figures. RSS follows the collector's sawtooth (on
 * the README mix it swings by half between collections), so a sample taken at a random moment
 * says little; after a full collection it says what the server keeps. The IPC channel is
 * unref'd so it never keeps the server alive.
 */
const GC_PROBE = `process.on('message', (m) => {
  if (m !== 'gc') return;
  global.gc();
  global.gc();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  process.send({ rss, heapUsed, heapTotal, external });
});
process.channel && process.channel.unref();
`;

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

let probing: Promise<unknown> = Promise.resolve();

/** One probe at a time: the answers carry no id, so two in flight could swap. */
function collectGarbage(child: ChildProcess): Promise<MemorySample> {
  const next = probing.then(() => probe(child));
  probing = next.catch(() => undefined);
  return next;
}

function probe(child: ChildProcess): Promise<MemorySample> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not answer the GC probe')), 30_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as MemorySample);
    });
    child.send('gc');
  });
}

/** Resident set size of a process in bytes (Linux /proc, else ps). */
function rssOf(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(status, 'utf8'));
    if (match) return Number(match[1]) * 1024;
  }
  const ps = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  return Number(ps.stdout.trim()) * 1024;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const signed = (ratio: number) => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)} %`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * How much the memory a server keeps grew over the run. A sample after a full GC still swings
 * with what the allocator happens to hand back to the system: with the load stopped, the same
 * server measured 148 -> 179 MB on one run and 202 -> 159 MB on another while the V8 heap
 * stayed at 47 MB. So like is compared with like: the median of the samples taken under load in
 * the first three tenths of the run against the median of those in the last three. A leak
 * climbs through the run; the allocator's noise does not. With fewer than six samples (a run
 * too short to take them), the samples with the load stopped are compared.
 */
export function levelGrowth(
  trace: MemorySample[],
  warm: MemorySample,
  end: MemorySample,
): { rss: number; heapUsed: number; basis: string } {
  const ratio = (before: number, after: number) => (before > 0 ? (after - before) / before : 0);
  if (trace.length < 6) {
    return {
      rss: ratio(warm.rss, end.rss),
      heapUsed: ratio(warm.heapUsed, end.heapUsed),
      basis: 'after warm-up against the end, the load stopped',
    };
  }
  const first = trace.slice(0, 3);
  const last = trace.slice(-3);
  const level = (samples: MemorySample[], key: 'rss' | 'heapUsed') => median(samples.map((s) => s[key]));
  return {
    rss: ratio(level(first, 'rss'), level(last, 'rss')),
    heapUsed: ratio(level(first, 'heapUsed'), level(last, 'heapUsed')),
    basis: 'median of the first three tenths of the run under load against the last three',
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RunResult {
  result: autocannon.Result;
  latencies: Float64Array;
  graphqlErrors: Map<string, number>;
  firstError: string | null;
}

function withBody(next: () => string) {
  return (request: autocannon.Request): autocannon.Request => ({ ...request, body: next() });
}

/** The same request with a query text no request sent before: a random comment in front. */
function varied(body: string): () => string {
  const request = JSON.parse(body) as { query: string };
  return () => JSON.stringify({ ...request, query: `# ${Math.random().toString(36).slice(2)}\n${request.query}` });
}

/** One autocannon run cycling through the queries on every connection. */
function run(url: string, queries: Query[], connections: number, seconds: number, maxRequests: number, soak = false) {
  const graphqlErrors = new Map<string, number>();
  let firstError: string | null = null;
  const latencies = new Float64Array(maxRequests);
  let count = 0;
  return new Promise<RunResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        timeout: 30,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: queries.map((q) => ({
          method: 'POST' as const,
          body: q.body,
          ...(soak ? { setupRequest: withBody(varied(q.body)) } : {}),
          onResponse: (status: number, body: string) => {
            // A GraphQL error comes with HTTP 200; only the body tells.
            if (status === 200 && !body.includes('"errors"')) return;
            graphqlErrors.set(q.name, (graphqlErrors.get(q.name) ?? 0) + 1);
            firstError ??= `${q.name}: HTTP ${status} ${body.slice(0, 500)}`;
          },
        })),
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) reject(error);
        else resolve({ result, latencies: latencies.slice(0, count).sort(), graphqlErrors, firstError });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (count < maxRequests) latencies[count] = responseTime;
      count += 1;
      if (count === maxRequests) instance.stop();
    });
  });
}

async function waitUntilReady(origin: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${origin}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the server was not ready after 180 s:\n${log()}`);
}

async function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const root = path.resolve(__dirname, '../../..');
  const entry = path.join(root, 'dist/src/index.js');
  if (!existsSync(entry)) {
    process.stderr.write(`${entry} is missing: run \`npm run loadtest\`, which builds first\n`);
    return 2;
  }
  const queries = exampleQueries(root);
  if (queries.length === 0) {
    process.stderr.write('no query examples found in README.md or docs/\n');
    return 2;
  }

  const probeDir = mkdtempSync(path.join(tmpdir(), 'rg-loadtest-probe-'));
  const probe = path.join(probeDir, 'gcProbe.js');
  writeFileSync(probe, GC_PROBE);
  const database = await prepareDatabase();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, ['--expose-gc', '-r', probe, entry], {
    cwd: root,
    env: {
      ...process.env,
      ...database.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      // The load comes from one address: the per-client limit would refuse most of it.
      RATE_LIMIT_PER_MINUTE: '1000000',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  process.stdout.write(`database: ${database.description}\n`);
  // The whole run is bounded: setup, warm-up, load and shutdown.
  const budgetMs = (options.warmup + options.duration) * 1000 + 300_000;
  const watchdog = setTimeout(() => {
    process.stderr.write(`load test exceeded its ${budgetMs / 1000} s budget; stopping\n`);
    child.kill('SIGKILL');
    void database.cleanup().finally(() => process.exit(1));
  }, budgetMs);
  const interrupted = () => {
    child.kill('SIGKILL');
    void database.cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);

  let exitCode = 1;
  try {
    exitCode = await measure(options, queries, origin, child, () => output);
  } finally {
    clearTimeout(watchdog);
    process.removeListener('SIGINT', interrupted);
    const code = await stopChild(child);
    if (code !== 0) {
      process.stderr.write(`FAIL: the server exited with ${code} on SIGTERM:\n${output.slice(-4000)}\n`);
      exitCode = 1;
    }
    await database.cleanup();
    rmSync(probeDir, { recursive: true, force: true });
  }
  return exitCode;
}

async function measure(
  options: Options,
  queries: Query[],
  origin: string,
  child: ChildProcess,
  output: () => string,
): Promise<number> {
  process.stdout.write(`starting the server on ${origin}\n`);
  await waitUntilReady(origin, child, output);
  for (const q of queries) {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: q.body,
    });
    const text = await response.text();
    if (!response.ok || text.includes('"errors"')) {
      process.stderr.write(
        `${q.name} fails before any load (the queries need the demo data: \`npm run seed\` for DATABASE_URL): HTTP ${response.status} ${text.slice(0, 1000)}\n`,
      );
      return 1;
    }
  }
  process.stdout.write(
    `${queries.length} example queries: ${queries.map((q) => q.name).join(', ')}\n` +
      `warm-up: ${options.warmup} s at ${options.connections} connections${options.soak ? ', soak: every query text differs' : ''}\n`,
  );
  const url = `${origin}/graphql`;
  if (options.warmup > 0) {
    await run(url, queries, options.connections, options.warmup, options.maxRequests, options.soak);
  }
  const warm = await collectGarbage(child);
  process.stdout.write(`load: ${options.duration} s at ${options.connections} connections\n`);
  let rssPeak = warm.rss;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(child.pid!))), 250);
  // The level after a full GC, every tenth of the run: a leak climbs, the allocator's noise does not.
  const trace: MemorySample[] = [];
  const tracer = setInterval(
    () =>
      void collectGarbage(child).then(
        (sample) => trace.push(sample),
        () => undefined,
      ),
    (options.duration * 1000) / 10,
  );
  const measured = await run(url, queries, options.connections, options.duration, options.maxRequests, options.soak);
  clearInterval(sampler);
  clearInterval(tracer);
  const end = await collectGarbage(child);
  const [rssWarm, rssEnd] = [warm.rss, end.rss];

  const { result, latencies } = measured;
  const graphqlErrors = [...measured.graphqlErrors.values()].reduce((a, b) => a + b, 0);
  const transportErrors = result.errors + result.timeouts;
  const errors = graphqlErrors + transportErrors;
  const growth = levelGrowth(trace, warm, end);
  const responses = latencies.length;
  const lines = [
    '',
    `requests:  ${responses} in ${result.duration.toFixed(1)} s = ${(responses / result.duration).toFixed(1)}/s`,
    `latency:   p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${percentile(latencies, 100).toFixed(1)} ms`,
    `errors:    ${errors} (non-2xx or GraphQL errors ${graphqlErrors}, connection errors ${result.errors}, timeouts ${result.timeouts})`,
    `RSS:       ${mb(rssWarm)} after warm-up, ${mb(rssEnd)} at the end, each after a full GC with the load stopped; ` +
      `heap used ${mb(warm.heapUsed)} -> ${mb(end.heapUsed)}; peak under load ${mb(rssPeak)}`,
    `under load: RSS after a full GC, each tenth of the run: ${trace.map((t) => (t.rss / 1024 / 1024).toFixed(0)).join(', ')} MB; ` +
      `V8 heap committed ${mb(warm.heapTotal)} -> ${mb(end.heapTotal)}, external ${mb(warm.external)} -> ${mb(end.external)}`,
    `growth:    ${signed(growth.rss)} RSS, ${signed(growth.heapUsed)} heap used (${growth.basis})`,
  ];
  if (measured.graphqlErrors.size > 0) {
    lines.push(`failing:   ${[...measured.graphqlErrors].map(([name, n]) => `${name} ${n}`).join(', ')}`);
    lines.push(`first:     ${measured.firstError}`);
  }
  const failures = [
    ...(errors > 0 ? [`${errors} failed requests`] : []),
    ...(growth.rss > MAX_RSS_GROWTH ? [`RSS grew ${signed(growth.rss)} (limit ${MAX_RSS_GROWTH * 100} %)`] : []),
    ...(growth.heapUsed > MAX_RSS_GROWTH
      ? [`heap used grew ${signed(growth.heapUsed)} (limit ${MAX_RSS_GROWTH * 100} %)`]
      : []),
    ...(responses === 0 ? ['no responses'] : []),
  ];
  lines.push(failures.length === 0 ? 'PASS' : `FAIL: ${failures.join('; ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return failures.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`load test failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
      process.exit(1);
    },
  );
}
