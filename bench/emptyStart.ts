import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from './load';
import { npmStart } from './startup';

/**
 * `npm start` on an empty data folder (embedded PGlite: create, migrate, seed, answer), in this
 * checkout and, for a before/after, in another one (e.g. a worktree of an older commit with its
 * own node_modules). Issue 14 asks that the world reference data and the gazetteer leave this
 * start within 10% of what it was, in time and in memory. Runs alternate between the
 * checkouts, so a machine that slows down part-way slows both alike.
 */
export interface EmptyStartResult {
  root: string;
  commit: string;
  /** To the first good GraphQL answer, through npm and the build check (warm: built before). */
  runs: { ms: number; cpuMs: number; peakRssMb: number }[];
  medianMs: number;
  /**
   * CPU (user + system) the server process spent to its first answer: on a shared machine, where
   * the wall time varies with what else runs, the steadier measure of the work a start does.
   */
  medianCpuMs: number;
  /** VmHWM of the server process (node dist/src/index.js) at its first answer. */
  medianPeakRssMb: number;
}

const ROOT = path.resolve(__dirname, '../..');

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * Peak RSS and CPU time so far of the server's node process in the process group npm start
 * leads, found by its command line.
 */
function serverStats(group: number): { peakRssMb: number; cpuMs: number } {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The process group is the 5th field of stat, the 3rd after the parenthesised command.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pgrp = Number(fields[2]);
      if (pgrp !== group) continue;
      // node itself, not the shell npm runs the start script in (whose command line names it too).
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!path.basename(argv[0]).startsWith('node') || !argv.includes('dist/src/index.js')) continue;
      const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      // utime and stime: fields 14 and 15 of stat, the 12th and 13th after the command.
      const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
      if (hwm) return { peakRssMb: Number(hwm[1]) / 1024, cpuMs };
    } catch {
      // The process ended while being read: not the server, which is up.
    }
  }
  throw new Error(`no server process in process group ${group}`);
}

export async function measureEmptyStart(options: {
  compareWith: string | null;
  runs: number;
  log: (line: string) => void;
}): Promise<EmptyStartResult[]> {
  const roots = [ROOT, ...(options.compareWith ? [path.resolve(options.compareWith)] : [])];
  // Built before, so no run pays for a compilation.
  for (const root of roots) execFileSync('node', ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
  const runs = roots.map(() => [] as EmptyStartResult['runs']);
  for (let i = 0; i < options.runs; i += 1) {
    for (const [k, root] of roots.entries()) {
      const scratch = mkdtempSync(path.join(os.tmpdir(), 'rg-empty-start-'));
      try {
        const start = await npmStart(root, path.join(scratch, 'data'), 300_000);
        const { peakRssMb, cpuMs } = serverStats(start.child.pid!);
        await start.stop();
        runs[k].push({ ms: Math.round(start.ms), cpuMs, peakRssMb: Math.round(peakRssMb) });
        options.log(
          `empty start ${root}: ${(start.ms / 1000).toFixed(2)} s, server CPU ${(cpuMs / 1000).toFixed(2)} s, peak RSS ${peakRssMb.toFixed(0)} MB`,
        );
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }
  }
  return roots.map((root, k) => ({
    root,
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(),
    runs: runs[k],
    medianMs: median(runs[k].map((r) => r.ms)),
    medianCpuMs: median(runs[k].map((r) => r.cpuMs)),
    medianPeakRssMb: median(runs[k].map((r) => r.peakRssMb)),
  }));
}

export function emptyStartMarkdown(results: EmptyStartResult[]): string {
  const [now, before] = results;
  const lines = [
    '| `npm start` on an empty data folder | commit | first answer (median) | server CPU (median) | server peak RSS (median) | runs (answer / CPU / RSS) |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...results.map(
      (r) =>
        `| ${r === now ? 'this checkout' : r.root} | ${r.commit} | ${(r.medianMs / 1000).toFixed(2)} s | ${(r.medianCpuMs / 1000).toFixed(2)} s | ${r.medianPeakRssMb} MB | ${r.runs
          .map((x) => `${(x.ms / 1000).toFixed(2)} s / ${(x.cpuMs / 1000).toFixed(2)} s / ${x.peakRssMb} MB`)
          .join(', ')} |`,
    ),
  ];
  if (before) {
    const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(1)}%`;
    lines.push(
      '',
      `Against ${before.commit}: first answer ${pct(now.medianMs, before.medianMs)}, server CPU ${pct(now.medianCpuMs, before.medianCpuMs)}, peak RSS ${pct(now.medianPeakRssMb, before.medianPeakRssMb)}.`,
    );
  }
  return lines.join('\n');
}
