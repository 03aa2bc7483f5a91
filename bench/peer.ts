import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { intOption, machine, openBenchDatabase } from './benchDatabase';
import { CpuMeter } from './cpu';
import { median, runLoad } from './load';
import { buildPeerScenarios, firstDifference, type PeerScenario } from './peerScenarios';
import { type PeerName, peerNodeBin, PEERS, startPeer } from './peerServer';
import type { MeasuredLoad } from './report';
import type { Operation } from './scenarios';
import { startServer } from './serverProcess';
import { SqlProfiler } from './sqlProfile';

/**
 * `--peer postgraphile`: the same questions asked of rightsgraph (response cache off) and of a
 * peer server on the same database, answers checked equal, then both measured in interleaved
 * rounds (the order rotating) at 8 and 32 connections.
 */

export const PEER_CONNECTIONS = [8, 32];

interface Side {
  url: string;
  meter: CpuMeter;
}

export interface PeerLine {
  scenario: string;
  connections: number;
  rightsgraph: Summary;
  peer: Summary;
  /** rightsgraph / peer: above 1 rightsgraph answers more requests a second. */
  rpsRatio: number;
  /** The same ratio in each round, of the two runs measured back to back. */
  roundRatios: number[];
  /** rightsgraph / peer CPU per request (Node + Postgres): below 1 rightsgraph spends less. */
  cpuRatio: number;
  floorMs: number;
  /** SQL statements rightsgraph runs per request. */
  statements: number;
}

interface Summary {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  serverCpuMs: number;
  postgresCpuMs: number;
  errors: number;
}

async function post(url: string, op: Operation): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(op),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: unknown; errors?: unknown };
  if (!response.ok || body.errors) throw new Error(`${url} failed (${response.status}): ${text.slice(0, 500)}`);
  return body.data;
}

/** Every variant asked of both servers; the first normalised difference fails the run. */
export async function checkAnswers(scenarios: PeerScenario[], rightsgraph: string, peer: string): Promise<void> {
  for (const scenario of scenarios) {
    for (const [k, variant] of scenario.variants.entries()) {
      const ours = scenario.normaliseRightsgraph(await post(rightsgraph, variant.rightsgraph));
      const theirs = scenario.normalisePeer(await post(peer, variant.peer));
      const difference = Array.isArray(ours) && ours.length === 0 ? '$: empty answer' : firstDifference(ours, theirs);
      if (difference) {
        throw new Error(
          `peer answers differ in ${scenario.name} variant ${k} ${JSON.stringify(variant.rightsgraph.variables)} ` +
            `(rightsgraph != peer): ${difference}`,
        );
      }
    }
  }
}

async function peerInputs(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const cities = await client.query<{ id: number }>('SELECT id FROM city ORDER BY id');
    const indicators = await client.query<{ id: number; code: string; direction: string }>(
      `SELECT id, code, direction FROM indicator WHERE code LIKE 'bench-%' ORDER BY code`,
    );
    const countries = await client.query<{ code: string }>('SELECT DISTINCT country_code AS code FROM city ORDER BY 1');
    const years = await client.query<{ first: number; last: number }>(
      'SELECT min(year) AS first, max(year) AS last FROM observation',
    );
    return {
      cityIds: cities.rows.map((r) => r.id),
      indicators: indicators.rows,
      countries: countries.rows.map((r) => r.code.trim()),
      firstYear: years.rows[0].first,
      lastYear: years.rows[0].last,
    };
  } finally {
    await client.end();
  }
}

async function measure(side: Side, ops: Operation[], connections: number, seconds: number): Promise<MeasuredLoad> {
  const before = await side.meter.sample();
  const result = await runLoad(side.url, ops, { connections, seconds });
  await side.meter.waitIdle();
  const spent = CpuMeter.delta(before, await side.meter.sample());
  const perRequest = (s: number) => (result.sent > 0 ? (1000 * s) / result.sent : NaN);
  return { ...result, serverCpuMs: perRequest(spent.server), postgresCpuMs: perRequest(spent.postgres) };
}

/**
 * rightsgraph / peer req/s of each round: the two runs of a round ran back to back, so their
 * ratio is paired and a machine that slows down for a round moves both. A run missing on either
 * side (fewer rounds) is left out.
 */
export function roundRatios(ours: { requestsPerSecond: number }[], theirs: { requestsPerSecond: number }[]): number[] {
  const rounds = Math.min(ours.length, theirs.length);
  return Array.from({ length: rounds }, (_, r) => ours[r].requestsPerSecond / theirs[r].requestsPerSecond);
}

/** "0.88-1.31 (3/5 ahead)": the range of the per-round ratios and in how many rightsgraph answered more. */
export function describeRounds(ratios: number[]): string {
  if (ratios.length === 0) return '-';
  const ahead = ratios.filter((r) => r > 1).length;
  return `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)} (${ahead}/${ratios.length} ahead)`;
}

const summary = (runs: MeasuredLoad[]): Summary => ({
  requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  serverCpuMs: median(runs.map((r) => r.serverCpuMs)),
  postgresCpuMs: median(runs.map((r) => r.postgresCpuMs)),
  errors: runs.reduce((n, r) => n + r.errors, 0),
});

/** The markdown table; the JSON goes to `resultsDir` unless --no-write. Runs are 2 s unless --seconds. */
export async function peerBench(
  values: Record<string, unknown>,
  settings: { rounds: number; repeats: number },
  resultsDir: string,
  log: (line: string) => void,
): Promise<string> {
  const options = {
    values,
    ...settings,
    seconds: intOption(values, 'seconds', 2),
    warmup: intOption(values, 'warmup', 2),
    resultsDir: values['no-write'] ? null : resultsDir,
  };
  const name = options.values.peer as PeerName;
  if (!PEERS.includes(name)) throw new Error(`--peer must be one of ${PEERS.join(', ')}, got ${String(name)}`);
  const started = performance.now();
  const loadBefore = os.loadavg();
  const db = await openBenchDatabase(options.values, log);
  // --only ranking,compare: those scenarios alone, as in the main benchmark.
  const only = typeof options.values.only === 'string' ? options.values.only.split(',').map((s) => s.trim()) : null;
  const scenarios = buildPeerScenarios(await peerInputs(db.url)).filter((s) => !only || only.includes(s.name));

  const floors = new Map<string, { floorMs: number; statements: number }>();
  const profiler = await SqlProfiler.open(db.url);
  try {
    for (const s of scenarios) {
      const variants = s.variants.map((v) => v.rightsgraph);
      const { floorMs, statements } = await profiler.profile(
        { name: s.name, description: '', variants },
        options.repeats,
      );
      floors.set(s.name, { floorMs, statements });
    }
  } finally {
    await profiler.close();
  }

  // RANKING_CACHE_MB=0 in the bench's environment measures rightsgraph without its held rankings.
  const rankingCache = process.env.RANKING_CACHE_MB ? { RANKING_CACHE_MB: process.env.RANKING_CACHE_MB } : {};
  // The same Node on both sides, as the comparison asks: the peer's (>= 22).
  const bin = peerNodeBin(log);
  const ours = await startServer({
    databaseUrl: db.url,
    env: { RESPONSE_CACHE_MB: '0', ...rankingCache },
    node: path.join(bin, 'node'),
  });
  const theirs = await startPeer(name, db.url, log, bin).catch(async (error: unknown) => {
    await ours.stop();
    throw error;
  });
  const sides: Side[] = [];
  const runs = new Map<string, MeasuredLoad[]>();
  try {
    sides.push({ url: ours.url, meter: await CpuMeter.open(db.url, ours.pid, db.name) });
    sides.push({ url: theirs.url, meter: await CpuMeter.open(db.url, theirs.pid, db.name, theirs.applicationName) });
    log(`rightsgraph at ${ours.url}, ${name} at ${theirs.url}; checking answers`);
    await checkAnswers(scenarios, ours.url, theirs.url);
    log(`answers equal on ${scenarios.reduce((n, s) => n + s.variants.length, 0)} variants`);
    // Not measured: both servers run each scenario first, so the first round does not time V8
    // compiling a server's code for that shape (rightsgraph's first rounds were 0.5-0.8 of the
    // peer where the later ones were 0.9-1.2: it has more code to compile).
    log(`warming up: each scenario on each server for ${options.warmup} s, not measured`);
    for (const s of scenarios) {
      for (const k of [0, 1]) {
        const ops = s.variants.map((v) => (k === 0 ? v.rightsgraph : v.peer));
        await runLoad(sides[k].url, ops, { connections: PEER_CONNECTIONS[0], seconds: options.warmup });
      }
    }
    for (let round = 0; round < options.rounds; round += 1) {
      for (const s of scenarios) {
        for (const connections of PEER_CONNECTIONS) {
          // Who goes first alternates, so neither always runs on the cooler machine.
          const order = (round + PEER_CONNECTIONS.indexOf(connections)) % 2 === 0 ? [0, 1] : [1, 0];
          for (const k of order) {
            const ops = s.variants.map((v) => (k === 0 ? v.rightsgraph : v.peer));
            const key = `${s.name}/${connections}/${k}`;
            const result = await measure(sides[k], ops, connections, options.seconds);
            runs.set(key, [...(runs.get(key) ?? []), result]);
          }
          const [a, b] = [0, 1].map((k) => runs.get(`${s.name}/${connections}/${k}`)!.at(-1)!);
          log(
            `round ${round + 1} ${s.name} at ${connections}: rightsgraph ${a.requestsPerSecond.toFixed(0)} req/s, ` +
              `${name} ${b.requestsPerSecond.toFixed(0)} req/s`,
          );
        }
      }
    }
  } finally {
    for (const side of sides) await side.meter.close();
    await theirs.stop();
    await ours.stop();
  }

  const lines: PeerLine[] = scenarios.flatMap((s) =>
    PEER_CONNECTIONS.map((connections) => {
      const [ours, theirs] = [0, 1].map((k) => runs.get(`${s.name}/${connections}/${k}`) ?? []);
      const [rg, peer] = [summary(ours), summary(theirs)];
      const cpu = (x: Summary) => x.serverCpuMs + x.postgresCpuMs;
      return {
        scenario: s.name,
        connections,
        rightsgraph: rg,
        peer,
        rpsRatio: rg.requestsPerSecond / peer.requestsPerSecond,
        roundRatios: roundRatios(ours, theirs),
        cpuRatio: cpu(rg) / cpu(peer),
        floorMs: floors.get(s.name)?.floorMs ?? NaN,
        statements: floors.get(s.name)?.statements ?? NaN,
      };
    }),
  );
  const date = new Date().toISOString();
  const result = {
    peer: name,
    peerNode: theirs.node,
    /** Both servers run under this Node (the peer's); `machine.node` is the benchmark process's. */
    rightsgraphNode: theirs.node,
    scale: db.plan.scale.name,
    date,
    machine: await machine(db.url),
    settings: {
      rounds: options.rounds,
      seconds: options.seconds,
      warmupSeconds: options.warmup,
      connections: PEER_CONNECTIONS,
    },
    scenarios: scenarios.map((s) => ({ name: s.name, description: s.description, variants: s.variants })),
    lines,
    runs: Object.fromEntries(runs),
    loadAverage: { before: loadBefore, after: os.loadavg() },
    totalSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
  if (options.resultsDir) {
    mkdirSync(options.resultsDir, { recursive: true });
    const file = path.join(options.resultsDir, `peer-${name}-${result.scale}-${date.slice(0, 10)}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  log(`done in ${result.totalSeconds} s`);
  return peerMarkdown(name, result.scale, lines, result.loadAverage, theirs.node);
}

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

export function peerMarkdown(
  name: string,
  scale: string,
  lines: PeerLine[],
  load: { before: number[]; after: number[] },
  node: string,
): string {
  const rows = lines.map((l) => {
    const side = (s: Summary) =>
      `${f(s.requestsPerSecond, 0)} | ${f(s.p50)} / ${f(s.p99)} | ${f(s.serverCpuMs, 2)} + ${f(s.postgresCpuMs, 2)}`;
    return `| ${l.scenario} | ${l.connections} | ${side(l.rightsgraph)} | ${side(l.peer)} | ${f(l.rpsRatio, 2)} | ${describeRounds(l.roundRatios)} | ${f(l.cpuRatio, 2)} | ${f(l.floorMs, 2)} (${l.statements}) |`;
  });
  return [
    `## rightsgraph vs ${name} (${scale})`,
    '',
    `Medians over rounds; CPU per request is Node + Postgres backends, in ms. Ratios are rightsgraph / ${name}`,
    `(req/s above 1 and CPU below 1 favour rightsgraph); "per round": the range of the req/s ratio of the two runs of`,
    `each round, and in how many rounds rightsgraph answered more. Floor: rightsgraph's SQL alone, ms per request`,
    `(statements).`,
    `Both servers under Node ${node}. Load average ${load.before.map((x) => x.toFixed(2)).join(' ')} before, ${load.after.map((x) => x.toFixed(2)).join(' ')} after.`,
    '',
    `| scenario | conns | rightsgraph req/s | p50 / p99 ms | CPU ms | ${name} req/s | p50 / p99 ms | CPU ms | req/s ratio | per round | CPU ratio | floor ms |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
