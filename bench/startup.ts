import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { median } from './load';

/** What a newcomer waits for (issue 11): the first answer, a restart, a CLI call. */
export interface StartupResult {
  /** `npm start` with nothing changed, on an embedded database made before, to the first answer. */
  warmStartMs: number;
  warmStartRuns: number[];
  /** `npm run keys -- list` and `npm run export` while the server runs (wall time). */
  cliMs: { keysList: number; export: number };
  /** `git clone`, `npm ci`, `npm start` to the first GraphQL answer, on an empty data folder; null when skipped. */
  freshClone: { totalMs: number; npmCiMs: number; startMs: number } | null;
}

const ROOT = path.resolve(__dirname, '../..');
const FIRST_QUESTION = JSON.stringify({ query: '{ city(slug: "pittsburgh-us") { name } }' });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function envFor(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDED_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  return env;
}

async function answered(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: FIRST_QUESTION,
    });
    return response.ok && !((await response.json()) as { errors?: unknown }).errors;
  } catch {
    return false;
  }
}

/** Whether any process of the group led by `pid` is still alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `npm start` in `cwd` and resolves with the time to the first good answer. */
export async function npmStart(
  cwd: string,
  dataDir: string,
  timeoutMs: number,
): Promise<{ ms: number; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const started = performance.now();
  // detached: its own process group, so stopping reaches node under npm.
  const child = spawn('npm', ['start'], { cwd, env: envFor(dataDir, port), stdio: 'pipe', detached: true });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-3000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // npm exits on SIGTERM at once, while node under it still drains and closes PGlite (holding
  // the data folder's lock): stopping waits until the whole process group is gone.
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = performance.now() + 30_000;
    while (groupAlive(child.pid!)) {
      if (performance.now() > deadline) process.kill(-child.pid!, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  while (!(await answered(port))) {
    if (child.exitCode !== null) throw new Error(`npm start in ${cwd} exited with ${child.exitCode}:\n${output}`);
    if (performance.now() - started > timeoutMs) {
      await stop();
      throw new Error(`npm start in ${cwd}: no answer after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { ms: performance.now() - started, child, stop };
}

function timed(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  execFileSync(command, args, { cwd, env, stdio: 'ignore' });
  return performance.now() - started;
}

/**
 * Measures start-up the way a user meets it, through npm and the build check. The fresh clone
 * clones this repository's committed HEAD (uncommitted changes are not in it) and installs from
 * the npm cache where it can.
 */
export async function measureStartup(
  options: { freshClone: boolean; runs?: number; log: (line: string) => void } = { freshClone: true, log: () => {} },
): Promise<StartupResult> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'rg-startup-'));
  try {
    const dataDir = path.join(scratch, 'data');
    options.log('startup: first npm start on an empty data folder (migrates and seeds)');
    const first = await npmStart(ROOT, dataDir, 300_000);
    await first.stop();

    const runs: number[] = [];
    for (let i = 0; i < (options.runs ?? 3); i += 1) {
      const warm = await npmStart(ROOT, dataDir, 120_000);
      runs.push(warm.ms);
      await warm.stop();
    }
    options.log(`startup: warm npm start to the first answer: ${runs.map((r) => r.toFixed(0)).join(', ')} ms`);

    // The worked example's situation: the server up, the CLIs working through it.
    const server = await npmStart(ROOT, dataDir, 120_000);
    let cliMs: StartupResult['cliMs'];
    try {
      const env = envFor(dataDir, 0);
      const thrice = (args: string[]) => median([0, 1, 2].map(() => timed('npm', args, ROOT, env)));
      cliMs = {
        keysList: thrice(['run', '-s', 'keys', '--', 'list']),
        export: thrice([
          'run',
          '-s',
          'export',
          '--',
          '--out',
          path.join(scratch, 'export'),
          '--indicators',
          'homicide-rate',
        ]),
      };
    } finally {
      await server.stop();
    }
    options.log(
      `startup: CLI with the server up: keys list ${cliMs.keysList.toFixed(0)} ms, export ${cliMs.export.toFixed(0)} ms`,
    );

    let freshClone: StartupResult['freshClone'] = null;
    if (options.freshClone) {
      const clone = path.join(scratch, 'clone');
      const started = performance.now();
      execFileSync('git', ['clone', '-q', '--local', ROOT, clone], { stdio: 'ignore' });
      // As a newcomer runs it: the benchmark's own NODE_ENV=production would make npm ci leave
      // out the devDependencies the build needs.
      const npmCiMs = timed('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], clone, envFor(clone, 0));
      const start = await npmStart(clone, path.join(clone, '.data/pglite'), 300_000);
      await start.stop();
      freshClone = { totalMs: performance.now() - started, npmCiMs, startMs: start.ms };
      options.log(
        `startup: fresh clone to the first answer ${(freshClone.totalMs / 1000).toFixed(1)} s (npm ci ${(npmCiMs / 1000).toFixed(1)} s, npm start ${(start.ms / 1000).toFixed(1)} s)`,
      );
    }
    return { warmStartMs: median(runs), warmStartRuns: runs, cliMs, freshClone };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
