import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Options, parseOptions, USAGE } from './loadtestOptions';
import { collectGarbage, GC_PROBE, levelGrowth, MAX_RSS_GROWTH, type MemorySample, rssOf } from './loadtestMemory';
import { run } from './loadtestRun';
import { exampleQueries, freePort, prepareDatabase, type Query, stopChild, waitUntilReady } from './loadtestServer';

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

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const signed = (ratio: number) => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)} %`;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

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
