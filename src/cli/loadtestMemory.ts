import { type ChildProcess, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** The most the level under load (RSS or V8 heap used, after a full GC) may grow over a run. */
export const MAX_RSS_GROWTH = 0.2;

/**
 * Loaded into the server with `node --expose-gc -r`: on the message "gc" from this command, a
 * full garbage collection, then the memory figures. RSS follows the collector's sawtooth (on
 * the README mix it swings by half between collections), so a sample taken at a random moment
 * says little; after a full collection it says what the server keeps. The IPC channel is
 * unref'd so it never keeps the server alive.
 */
export const GC_PROBE = `process.on('message', (m) => {
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
export function collectGarbage(child: ChildProcess): Promise<MemorySample> {
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
export function rssOf(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(status, 'utf8'));
    if (match) return Number(match[1]) * 1024;
  }
  const ps = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  return Number(ps.stdout.trim()) * 1024;
}

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
