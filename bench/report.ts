import { type AnalysesResult, analysesMarkdown } from './analyses';
import type { StartupResult } from './startup';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { GenerationReport } from './generate';
import type { LoadResult } from './load';
import type { Target } from './scenarios';
import type { StatementTiming } from './sqlProfile';

/** A load run with the CPU the server process and its Postgres backends spent per request. */
export interface MeasuredLoad extends LoadResult {
  serverCpuMs: number;
  postgresCpuMs: number;
}

export interface ScenarioResult {
  name: string;
  description: string;
  variants: number;
  /** Medians over rounds, one connection (latency). */
  p50: number;
  p95: number;
  requestsPerSecondSerial: number;
  /** Median over rounds at `loadConnections` connections (throughput). */
  requestsPerSecond: number;
  p50UnderLoad: number;
  loadConnections: number;
  /** Medians over rounds of the throughput runs: CPU per request of the server (Node) and of Postgres. */
  serverCpuMs: number;
  postgresCpuMs: number;
  statements: number;
  floorMs: number;
  inProcessMs: number;
  /** p50 / floorMs. */
  ratioToFloor: number;
  responseBytes: number;
  target?: Target;
  met?: boolean;
  statementTimings: StatementTiming[];
  rounds: { latency: MeasuredLoad; load: MeasuredLoad }[];
}

export interface MixResult {
  connections: number;
  weights: Record<string, number>;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  errors: number;
  serverCpuMs: number;
  postgresCpuMs: number;
  target: Target;
  met: boolean;
  rounds: MeasuredLoad[];
  /** The same mix on a server with the response cache on (production's default); `met` judges this. */
  cached: {
    requestsPerSecond: number;
    p50: number;
    p95: number;
    errors: number;
    serverCpuMs: number;
    postgresCpuMs: number;
    rounds: MeasuredLoad[];
  } | null;
  /** `query { __typename }` at the same concurrency: the HTTP + Apollo ceiling with no data work. */
  ping: { requestsPerSecond: number; p50: number; serverCpuMs: number } | null;
}

export interface BenchResult {
  scale: string;
  date: string;
  machine: Record<string, string | number>;
  settings: Record<string, string | number | boolean>;
  dataset: GenerationReport & { reused: boolean; database: string };
  scenarios: ScenarioResult[];
  mix: MixResult;
  import: { rowsPerSecond: number; target: Target; met: boolean; measuredAt: string };
  rss: { idleMb: number; peakMb: number; targetMb: number; met: boolean };
  loadAverage: { before: number[]; after: number[] };
  /** Start-up as a newcomer meets it (issue 11); measured at small unless skipped. */
  startup?: StartupResult | null;
  /** Issue 16's analyses on the worker threads, and the mix while they run (full mix runs only). */
  analyses?: AnalysesResult | null;
  totalSeconds: number;
}

const seconds = (v: number) => `${(v / 1000).toFixed(1)} s`;

export function startupMarkdown(s: StartupResult): string {
  const lines = [
    '| start-up (embedded, through npm) | wall time | target |',
    '| --- | ---: | --- |',
    `| \`npm start\`, nothing changed, to the first answer (median of ${s.warmStartRuns.length}) | ${seconds(s.warmStartMs)} | <= 3 s |`,
    `| \`npm run keys -- list\` with the server up | ${seconds(s.cliMs.keysList)} | <= 3 s |`,
    `| \`npm run export\` (one indicator) with the server up | ${seconds(s.cliMs.export)} | <= 3 s |`,
  ];
  if (s.freshClone) {
    lines.push(
      `| fresh clone: \`npm ci && npm start\` to the first answer | ${seconds(s.freshClone.totalMs)} (npm ci ${seconds(s.freshClone.npmCiMs)}, npm start ${seconds(s.freshClone.startMs)}) | <= 60 s idle |`,
    );
  }
  return lines.join('\n');
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const int = (v: number) => Math.round(v).toLocaleString('en');
const cpu = (node: number, pg: number) => `${node.toFixed(1)} + ${pg.toFixed(1)}`;
const mark = (met: boolean | undefined) => (met === undefined ? '' : met ? 'yes' : '**no**');

function targetText(target: Target | undefined): string {
  if (!target) return '-';
  return target.metric === 'p50' ? `p50 <= ${target.value} ms` : `>= ${target.value} req/s`;
}

export function markdown(result: BenchResult): string {
  const d = result.dataset;
  const lines: string[] = [];
  lines.push(
    `### ${result.scale}: ${int(d.cities)} cities, ${int(d.indicators)} indicators, ${int(d.observations)} observations (${result.date})`,
  );
  lines.push('');
  lines.push(
    `| scenario | p50 ms | p95 ms | req/s (1 conn) | req/s (${result.scenarios[0]?.loadConnections ?? '-'} conn) | CPU ms/req node + pg | SQL stmts/req | pg floor ms | p50 / floor | target | met |`,
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const s of result.scenarios) {
    lines.push(
      `| ${s.name} | ${ms(s.p50)} | ${ms(s.p95)} | ${int(s.requestsPerSecondSerial)} | ${int(s.requestsPerSecond)} | ${cpu(s.serverCpuMs, s.postgresCpuMs)} | ${s.statements} | ${ms(s.floorMs)} | ${s.ratioToFloor.toFixed(1)}x | ${targetText(s.target)} | ${mark(s.met)} |`,
    );
  }
  const m = result.mix;
  const mixRan = m.rounds.length > 0;
  if (mixRan) {
    lines.push(
      `| dashboard mix, no response cache | ${ms(m.p50)} | ${ms(m.p95)} | - | ${int(m.requestsPerSecond)} (${m.connections} conn) | ${cpu(m.serverCpuMs, m.postgresCpuMs)} | - | - | - | - | |`,
    );
    if (m.cached) {
      lines.push(
        `| dashboard mix, response cache (default) | ${ms(m.cached.p50)} | ${ms(m.cached.p95)} | - | ${int(m.cached.requestsPerSecond)} (${m.connections} conn) | ${cpu(m.cached.serverCpuMs, m.cached.postgresCpuMs)} | - | - | - | ${targetText(m.target)} | ${mark(m.met)} |`,
      );
    }
  }
  lines.push('');
  lines.push(
    d.loadedBy === 'sql'
      ? `- Load: generated set-based in SQL (docs/scaling.md), ${int(d.observations)} observations; no import figure at this scale`
      : d.loadedBy === 'copy'
        ? `- Load: ${int(result.import.rowsPerSecond)} rows/s with COPY straight into observation, not through the import (${int(d.csvRows)} CSV rows in ${d.imports} batches of ${d.indicatorsPerImport} indicators, ${d.importSeconds} s); no import figure at this scale`
        : `- Import: ${int(result.import.rowsPerSecond)} rows/s through importObservations (${int(d.csvRows)} CSV rows in ${d.imports} imports of ${d.indicatorsPerImport} indicators, ${d.importSeconds} s, generator peak RSS ${int(d.importPeakRssMb)} MB; measured ${result.import.measuredAt}${d.reused ? ', when the database was generated' : ''}); target >= ${int(result.import.target.value)}: ${mark(result.import.met)}`,
  );
  lines.push(
    `- Server RSS: peak ${int(result.rss.peakMb)} MB (VmHWM over the whole run), ${int(result.rss.idleMb)} MB after start; target <= ${result.rss.targetMb} MB: ${mark(result.rss.met)}`,
  );
  const cores = Number(result.machine.cpus);
  if (mixRan) {
    lines.push(
      `- CPU-bound ceiling of the mix on this machine: ${cores} cores x 1000 / ${(m.serverCpuMs + m.postgresCpuMs).toFixed(1)} ms of CPU per request = ${int((cores * 1000) / (m.serverCpuMs + m.postgresCpuMs))} req/s (if nothing else ran)`,
    );
    if (m.ping) {
      lines.push(
        `- HTTP + GraphQL ceiling (\`{ __typename }\`, no resolver, no SQL) at ${m.connections} connections: ${int(m.ping.requestsPerSecond)} req/s, p50 ${ms(m.ping.p50)} ms, ${m.ping.serverCpuMs.toFixed(2)} ms of server CPU per request`,
      );
    }
    lines.push(
      `- The scenarios and the first mix row run on a server with RESPONSE_CACHE_MB=0 (the data work of every request); the second mix row on a server with the default response cache, where repeated anonymous questions are answered from memory until the data changes (each scenario rotates ${result.scenarios[0]?.variants ?? '-'} variants).`,
    );
    lines.push(
      `- Mix weights per round: ${Object.entries(m.weights)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; errors: ${m.errors}`,
    );
  }
  lines.push(
    `- Machine: ${result.machine.cpus} x ${result.machine.cpuModel}, ${result.machine.memoryGb} GB, Node ${result.machine.node}, ${result.machine.postgres}; load average ${result.loadAverage.before.map((v) => v.toFixed(2)).join(' ')} before, ${result.loadAverage.after.map((v) => v.toFixed(2)).join(' ')} after`,
  );
  lines.push(
    `- p50/p95: medians over ${result.settings.rounds} rounds of ${result.settings.seconds} s at 1 connection; req/s and CPU per request at ${result.settings.connections} connections likewise (CPU: /proc of the server process and of its Postgres backends); the floor: the request's captured SQL replayed with pg on one connection (median of up to ${result.settings.repeats}).`,
  );
  if (result.analyses) lines.push('', analysesMarkdown(result.analyses, mixRan ? m.p50 : null));
  return lines.join('\n');
}

export function latestResult(dir: string, scale: string): BenchResult | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(`${scale}-`) && f.endsWith('.json'))
    .sort();
  if (files.length === 0) return null;
  return JSON.parse(readFileSync(path.join(dir, files[files.length - 1]), 'utf8')) as BenchResult;
}

/** p50 at both scales: how latency grows with 10 times the cities and observations. */
export function scalingMarkdown(small: BenchResult, large: BenchResult): string {
  const lines = [
    `### Scaling: ${int(small.dataset.cities)} -> ${int(large.dataset.cities)} cities, ${int(small.dataset.observations)} -> ${int(large.dataset.observations)} observations`,
    '',
    '| scenario | small p50 ms | large p50 ms | large / small | small floor ms | large floor ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of small.scenarios) {
    const l = large.scenarios.find((x) => x.name === s.name);
    if (!l) continue;
    lines.push(
      `| ${s.name} | ${ms(s.p50)} | ${ms(l.p50)} | ${(l.p50 / s.p50).toFixed(1)}x | ${ms(s.floorMs)} | ${ms(l.floorMs)} |`,
    );
  }
  lines.push(
    `| dashboard mix, no cache (req/s) | ${int(small.mix.requestsPerSecond)} | ${int(large.mix.requestsPerSecond)} | ${(large.mix.requestsPerSecond / small.mix.requestsPerSecond).toFixed(2)}x | | |`,
  );
  if (small.mix.cached && large.mix.cached) {
    lines.push(
      `| dashboard mix, cache (req/s) | ${int(small.mix.cached.requestsPerSecond)} | ${int(large.mix.cached.requestsPerSecond)} | ${(large.mix.cached.requestsPerSecond / small.mix.cached.requestsPerSecond).toFixed(2)}x | | |`,
    );
  }
  return lines.join('\n');
}
