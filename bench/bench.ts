import './productionMode';
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CpuMeter } from './cpu';
import { checkOperations, median, runLoad } from './load';
import {
  type BenchResult,
  latestResult,
  markdown,
  type MeasuredLoad,
  type MixResult,
  type ScenarioResult,
  scalingMarkdown,
  startupMarkdown,
} from './report';
import { buildScenarios, MIX_WEIGHTS, mixOperations, type Operation, type Scenario } from './scenarios';
import { type ServerProcess, startServer } from './serverProcess';
import { measureStartup } from './startup';
import { globalImportOnly } from './globalImport';
import { emptyStartMarkdown, measureEmptyStart } from './emptyStart';
import { SqlProfiler } from './sqlProfile';
import { DEFAULT_ADMIN_URL, measureImport } from './generate';
import { USAGE } from './usage';
import { peerBench } from './peer';
import { benchSettings, cityIds, intOption, machine, openBenchDatabase } from './benchDatabase';
import { type AnalysesResult, measureAnalyses } from './analyses';

export const RESULTS_DIR = path.resolve(__dirname, '../../bench/results');

/** The cheapest GraphQL request: parsing, validation, the HTTP stack, no resolver, no SQL. */
const PING: Operation = { query: 'query Ping { __typename }', variables: {} };

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const started = performance.now();
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: 'small' },
      database: { type: 'string' },
      regenerate: { type: 'boolean' },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'mix-connections': { type: 'string' },
      'mix-seconds': { type: 'string' },
      repeats: { type: 'string' },
      'max-requests': { type: 'string' },
      'indicators-per-import': { type: 'string' },
      only: { type: 'string' },
      explain: { type: 'string' },
      variant: { type: 'string' },
      'no-write': { type: 'boolean' },
      startup: { type: 'boolean' },
      'no-startup': { type: 'boolean' },
      'startup-only': { type: 'boolean' },
      'no-fresh-clone': { type: 'boolean' },
      'global-import-only': { type: 'boolean' },
      'import-only': { type: 'boolean' },
      'import-database': { type: 'string' },
      imports: { type: 'string' },
      phases: { type: 'boolean' },
      'global-import-runs': { type: 'string' },
      'empty-start-only': { type: 'boolean' },
      'compare-with': { type: 'string' },
      peer: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const settings = benchSettings(values);
  const loadBefore = os.loadavg();
  if (values['global-import-only']) {
    const adminUrl = process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL;
    const runs = intOption(values, 'global-import-runs', 3);
    const output = await globalImportOnly({
      adminUrl,
      runs,
      log,
      machine,
      resultsDir: values['no-write'] ? null : RESULTS_DIR,
    });
    process.stdout.write(`${output}\n`);
    return;
  }
  if (values['import-only']) {
    const scale = values.scale === 'large' ? 'large' : 'small';
    const result = await measureImport({
      adminUrl: process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL,
      scale,
      database: values['import-database'] ?? `rightsgraph_import_${scale}`,
      indicatorsPerImport: intOption(values, 'indicators-per-import', 5),
      imports: values.imports === undefined ? undefined : intOption(values, 'imports', 10),
      phases: Boolean(values.phases),
      log,
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  if (values['empty-start-only']) {
    const runs = intOption(values, 'rounds', 3);
    const results = await measureEmptyStart({ compareWith: values['compare-with'] ?? null, runs, log });
    process.stdout.write(`${emptyStartMarkdown(results)}\n`);
    return;
  }
  if (values.peer) return void process.stdout.write(`${await peerBench(values, settings, RESULTS_DIR, log)}\n`);
  // First, while the machine is quiet: what a newcomer waits for.
  const measureIt =
    values['startup-only'] || values.startup || (values.scale === 'small' && !values['no-startup'] && !values.explain);
  const startup = measureIt ? await measureStartup({ freshClone: !values['no-fresh-clone'], log }) : null;
  if (values['startup-only']) {
    process.stdout.write(`${startupMarkdown(startup!)}\n`);
    return;
  }
  const db = await openBenchDatabase(values, log);
  const all = buildScenarios({ plan: db.plan, cityIdBySlug: await cityIds(db.url) });
  if (values.explain) {
    const scenario = all.find((s) => s.name === values.explain);
    if (!scenario) throw new Error(`no scenario ${values.explain}; there are ${all.map((s) => s.name).join(', ')}`);
    const profiler = await SqlProfiler.open(db.url);
    try {
      const variant = scenario.variants[Number(values.variant ?? 0)];
      process.stdout.write(`variables: ${JSON.stringify(variant.variables)}\n\n`);
      for (const { sql, plan } of await profiler.explain(variant)) process.stdout.write(`${sql}\n\n${plan}\n\n`);
    } finally {
      await profiler.close();
    }
    return;
  }
  const only = values.only?.split(',').map((s) => s.trim());
  const scenarios = only ? all.filter((s) => only.includes(s.name)) : all;

  log(`profiling SQL in-process (statements, pg floor) for ${scenarios.length} scenarios`);
  const profiler = await SqlProfiler.open(db.url);
  const profiles = new Map<string, Awaited<ReturnType<SqlProfiler['profile']>>>();
  try {
    for (const scenario of scenarios) {
      profiles.set(scenario.name, await profiler.profile(scenario, settings.repeats));
      const p = profiles.get(scenario.name)!;
      const slowest = [...p.statementTimings].sort((a, b) => b.medianMs - a.medianMs)[0];
      log(
        `  ${scenario.name}: ${p.statements} statements, floor ${p.floorMs} ms, in-process ${p.inProcessMs} ms; slowest statement ${slowest?.medianMs} ms: ${slowest?.sql.slice(0, 100)}`,
      );
    }
  } finally {
    await profiler.close();
  }

  // The scenarios measure the data work, so this server runs without the response cache; the
  // mix runs on it too, then again on a server with production's default cache (below).
  const server = await startServer({ databaseUrl: db.url, env: { RESPONSE_CACHE_MB: '0' } });
  const cpu = await CpuMeter.open(db.url, server.pid, db.name);
  /** A load run with the CPU the server and its Postgres backends spent on it, per request. */
  // Each run starts on an idle server and is charged for the requests it left in flight: their
  // CPU is counted until they finish, and so are they.
  const measuredOn =
    (target: ServerProcess, meter: CpuMeter) =>
    async (ops: Operation[], options: { connections: number; seconds: number }): Promise<MeasuredLoad> => {
      const before = await meter.sample();
      const result = await runLoad(target.url, ops, { ...options, maxRequests: settings.maxRequests });
      await meter.waitIdle();
      const spent = CpuMeter.delta(before, await meter.sample());
      const perRequest = (seconds: number) => (result.sent > 0 ? (1000 * seconds) / result.sent : NaN);
      return { ...result, serverCpuMs: perRequest(spent.server), postgresCpuMs: perRequest(spent.postgres) };
    };
  const measured = measuredOn(server, cpu);
  const idleMb = server.rssMb();
  log(`server pid ${server.pid} at ${server.url}, RSS ${idleMb.toFixed(0)} MB`);
  const rounds = new Map<string, { latency: MeasuredLoad; load: MeasuredLoad }[]>();
  const sizes = new Map<string, number>();
  const mixRounds: MeasuredLoad[] = [];
  const cachedMixRounds: MeasuredLoad[] = [];
  const pingRounds: MeasuredLoad[] = [];
  let analyses: AnalysesResult | null = null;
  let peakMb = idleMb;
  const sampler = setInterval(() => {
    peakMb = Math.max(peakMb, server.rssMb());
  }, 250);
  try {
    for (const scenario of scenarios)
      sizes.set(scenario.name, median(await checkOperations(server.url, scenario.variants)));
    // Rounds go through all scenarios in turn, so a burst of noise from other work on the
    // machine hits one round of several scenarios rather than every round of one.
    for (let round = 1; round <= settings.rounds; round += 1) {
      for (const scenario of scenarios) {
        const latency = await measured(scenario.variants, { connections: 1, seconds: settings.seconds });
        const load = await measured(scenario.variants, {
          connections: settings.connections,
          seconds: settings.seconds,
        });
        rounds.set(scenario.name, [...(rounds.get(scenario.name) ?? []), { latency, load }]);
        log(
          `round ${round} ${scenario.name}: p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms; ${load.requestsPerSecond.toFixed(0)} req/s at ${settings.connections}; CPU/req ${load.serverCpuMs.toFixed(1)} ms node + ${load.postgresCpuMs.toFixed(1)} ms pg`,
        );
      }
    }
    if (scenarios.length === all.length) {
      const operations = mixOperations(all);
      for (let round = 1; round <= settings.rounds; round += 1) {
        const result = await measured(operations, {
          connections: settings.mixConnections,
          seconds: settings.mixSeconds,
        });
        mixRounds.push(result);
        log(
          `round ${round} mix: ${result.requestsPerSecond.toFixed(0)} req/s at ${settings.mixConnections}, p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, errors ${result.errors}; CPU/req ${result.serverCpuMs.toFixed(1)} ms node + ${result.postgresCpuMs.toFixed(1)} ms pg`,
        );
      }
      // What the HTTP and GraphQL layers cost with no data: the ceiling of any request, and
      // of a response served from a cache.
      for (let round = 1; round <= settings.rounds; round += 1) {
        const result = await measured([PING], { connections: settings.mixConnections, seconds: 1 });
        pingRounds.push(result);
        log(
          `round ${round} ping: ${result.requestsPerSecond.toFixed(0)} req/s at ${settings.mixConnections}, p50 ${result.p50.toFixed(1)} ms; CPU/req ${result.serverCpuMs.toFixed(2)} ms node`,
        );
      }
      // Issue 16's analyses on the worker threads, and the mix again while they run.
      const mix = { mix: operations, connections: settings.mixConnections, seconds: settings.mixSeconds };
      analyses = await measureAnalyses(server.url, { plan: db.plan, runs: settings.rounds, ...mix }, log);
    }
  } finally {
    clearInterval(sampler);
    peakMb = Math.max(peakMb, server.peakRssMb());
    await cpu.close();
    await server.stop();
  }

  // The mix again as production serves it by default: repeated anonymous questions are
  // answered from the response cache (src/cache/) until the data changes.
  if (scenarios.length === all.length) {
    const cachedServer = await startServer({ databaseUrl: db.url });
    const cachedCpu = await CpuMeter.open(db.url, cachedServer.pid, db.name);
    try {
      const measuredCached = measuredOn(cachedServer, cachedCpu);
      for (let round = 1; round <= settings.rounds; round += 1) {
        const result = await measuredCached(mixOperations(all), {
          connections: settings.mixConnections,
          seconds: settings.mixSeconds,
        });
        cachedMixRounds.push(result);
        log(
          `round ${round} mix with the response cache: ${result.requestsPerSecond.toFixed(0)} req/s at ${settings.mixConnections}, p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, errors ${result.errors}`,
        );
      }
    } finally {
      peakMb = Math.max(peakMb, cachedServer.peakRssMb());
      await cachedCpu.close();
      await cachedServer.stop();
    }
  }

  const scenarioResults: ScenarioResult[] = scenarios.map((scenario: Scenario) => {
    const r = rounds.get(scenario.name) ?? [];
    const p = profiles.get(scenario.name)!;
    const p50 = median(r.map((x) => x.latency.p50));
    const met = scenario.target ? p50 <= scenario.target.value : undefined;
    return {
      name: scenario.name,
      description: scenario.description,
      variants: scenario.variants.length,
      p50,
      p95: median(r.map((x) => x.latency.p95)),
      requestsPerSecondSerial: median(r.map((x) => x.latency.requestsPerSecond)),
      requestsPerSecond: median(r.map((x) => x.load.requestsPerSecond)),
      p50UnderLoad: median(r.map((x) => x.load.p50)),
      loadConnections: settings.connections,
      serverCpuMs: median(r.map((x) => x.load.serverCpuMs)),
      postgresCpuMs: median(r.map((x) => x.load.postgresCpuMs)),
      statements: p.statements,
      floorMs: p.floorMs,
      inProcessMs: p.inProcessMs,
      ratioToFloor: p50 / p.floorMs,
      responseBytes: sizes.get(scenario.name) ?? 0,
      target: scenario.target,
      met,
      statementTimings: p.statementTimings,
      rounds: r,
    };
  });
  const mixRps = median(mixRounds.map((x) => x.requestsPerSecond));
  const mix: MixResult = {
    connections: settings.mixConnections,
    weights: MIX_WEIGHTS,
    requestsPerSecond: mixRps,
    p50: median(mixRounds.map((x) => x.p50)),
    p95: median(mixRounds.map((x) => x.p95)),
    errors: mixRounds.reduce((n, x) => n + x.errors, 0),
    serverCpuMs: median(mixRounds.map((x) => x.serverCpuMs)),
    postgresCpuMs: median(mixRounds.map((x) => x.postgresCpuMs)),
    target: { metric: 'rps', value: 500 },
    // Judged as production runs by default, with the response cache.
    met: cachedMixRounds.length > 0 && median(cachedMixRounds.map((x) => x.requestsPerSecond)) >= 500,
    rounds: mixRounds,
    cached:
      cachedMixRounds.length === 0
        ? null
        : {
            requestsPerSecond: median(cachedMixRounds.map((x) => x.requestsPerSecond)),
            p50: median(cachedMixRounds.map((x) => x.p50)),
            p95: median(cachedMixRounds.map((x) => x.p95)),
            errors: cachedMixRounds.reduce((n, x) => n + x.errors, 0),
            serverCpuMs: median(cachedMixRounds.map((x) => x.serverCpuMs)),
            postgresCpuMs: median(cachedMixRounds.map((x) => x.postgresCpuMs)),
            rounds: cachedMixRounds,
          },
    ping:
      pingRounds.length === 0
        ? null
        : {
            requestsPerSecond: median(pingRounds.map((x) => x.requestsPerSecond)),
            p50: median(pingRounds.map((x) => x.p50)),
            serverCpuMs: median(pingRounds.map((x) => x.serverCpuMs)),
          },
  };
  const gen = db.generation;
  const date = new Date().toISOString();
  const result: BenchResult = {
    scale: db.plan.scale.name,
    date,
    machine: await machine(db.url),
    settings: { ...settings, scenarios: scenarios.map((s) => s.name).join(',') },
    dataset: { ...gen, reused: db.reused, database: db.name },
    scenarios: scenarioResults,
    mix,
    import: {
      rowsPerSecond: gen.importRowsPerSecond,
      target: { metric: 'rps', value: 100_000 },
      met: gen.importRowsPerSecond >= 100_000,
      measuredAt: gen.generatedAt,
    },
    rss: { idleMb, peakMb, targetMb: 512, met: peakMb <= 512 },
    startup,
    analyses,
    loadAverage: { before: loadBefore, after: os.loadavg() },
    totalSeconds: Math.round((performance.now() - started) / 100) / 10,
  };

  const output = [markdown(result), ...(startup ? [startupMarkdown(startup)] : [])];
  if (!values['no-write']) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${result.scale}-${date.slice(0, 10)}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  const other =
    result.scale === 'xlarge' ? null : latestResult(RESULTS_DIR, result.scale === 'small' ? 'large' : 'small');
  if (other && scenarios.length === all.length) {
    output.push(result.scale === 'small' ? scalingMarkdown(result, other) : scalingMarkdown(other, result));
  }
  process.stdout.write(`${output.join('\n\n')}\n`);
  log(`done in ${result.totalSeconds} s`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
