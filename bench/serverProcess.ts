import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../src/nodeSupport';

/**
 * Settings the benchmark server runs with besides production's defaults: the load comes from
 * one address standing in for many clients, so the per-client rate limit is lifted.
 */
export const BENCH_SERVER_ENV: NodeJS.ProcessEnv = {
  RATE_LIMIT_PER_MINUTE: '1000000',
};

export interface ServerProcess {
  pid: number;
  url: string;
  /** Resident set size now, in MB (VmRSS). */
  rssMb(): number;
  /** The kernel's high-water mark of the resident set since start, in MB (VmHWM). */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the child has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/**
 * The real server (dist/src/index.js) in a child process, as production runs it: its own
 * process, so its memory can be read from /proc and the load generator's work is not counted
 * in it. Listens on a free loopback port.
 */
export async function startServer(options: {
  databaseUrl: string;
  env?: NodeJS.ProcessEnv;
  /** The node binary to run it with; the benchmark's own by default. */
  node?: string;
}): Promise<ServerProcess> {
  const entry = path.resolve(__dirname, '../src/index.js');
  const child: ChildProcess = spawn(options.node ?? process.execPath, [...SERVER_NODE_FLAGS, entry], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: options.databaseUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      SEED_ON_START: 'false',
      ...BENCH_SERVER_ENV,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s:\n${stdout}\n${stderr}`)), 120_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /GraphQL at http:\/\/localhost:(\d+)\/graphql/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        // Keep draining the log so the server never blocks on a full pipe.
        child.stdout?.resume();
        resolve(`http://127.0.0.1:${match[1]}/graphql`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${stdout}\n${stderr}`));
    });
  });
  const pid = child.pid as number;
  return {
    pid,
    url,
    rssMb: () => statusField(pid, 'VmRSS'),
    peakRssMb: () => statusField(pid, 'VmHWM'),
    stop: () => stopChild(child),
  };
}
