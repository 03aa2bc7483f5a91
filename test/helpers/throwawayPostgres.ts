import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A Postgres cluster of a test's own: `initdb` into a temporary folder (or, for a streaming
 * standby, a base backup of another such cluster), its own port on 127.0.0.1, its unix socket in
 * that folder, trust authentication. A test can stop it (as an operator or a crash would) and
 * start it again on the same port and data, which the shared test server must never go through.
 * `destroy()` stops it and deletes the folder; a process exit hook does the same if the test run
 * dies first. Every pg_ctl, initdb and pg_basebackup runs as a child process with a time limit,
 * never blocking the test's event loop.
 */
export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dir: string;
  running(): boolean;
  /** Starts the cluster (again) and waits until it accepts connections. */
  start(): Promise<void>;
  /** pg_ctl stop: `fast` ends sessions cleanly, `immediate` is a crash (recovery on restart). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the cluster if it runs and deletes its folder. Safe to call twice. */
  destroy(): Promise<void>;
}

export type PostgresBinaries = { kind: 'found'; bin: string } | { kind: 'missing'; reason: string };

const REQUIRED = ['initdb', 'pg_ctl', 'postgres'];

/**
 * The directory holding initdb, pg_ctl and postgres: $PG_BIN, else the newest
 * /usr/lib/postgresql/<version>/bin (Debian, Ubuntu), else /usr/local/pgsql/bin, else the
 * directory of an `initdb` on the PATH. Running as root also needs a `postgres` OS user,
 * since initdb and postgres refuse to run as root.
 */
export function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env): PostgresBinaries {
  const candidates: string[] = [];
  if (env.PG_BIN) candidates.push(env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  candidates.push('/usr/local/pgsql/bin');
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout?.trim();
  if (onPath) candidates.push(path.dirname(onPath));
  const bin = candidates.find((dir) => REQUIRED.every((name) => existsSync(path.join(dir, name))));
  if (!bin) {
    return {
      kind: 'missing',
      reason: `no Postgres server binaries (${REQUIRED.join(', ')}); set PG_BIN to their folder`,
    };
  }
  if (process.getuid?.() === 0) {
    if (osUser('postgres') === null) {
      return { kind: 'missing', reason: 'running as root and there is no `postgres` OS user to run initdb as' };
    }
    if (spawnSync('runuser', ['--version'], { stdio: 'ignore' }).status !== 0) {
      return { kind: 'missing', reason: 'running as root and `runuser` is not available to run initdb as postgres' };
    }
  }
  return { kind: 'found', bin };
}

function osUser(name: string): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** A command as the user that may run Postgres: `postgres` when we are root, else ourselves. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const [file, argv] = asPostgresUser(command, args);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A cluster in a temporary folder of its own, made by `create` (initdb, or a base backup), on a
 * free port; the handle, its exit hook and its failure report are the same for both kinds.
 */
async function startCluster(
  bin: string,
  prefix: string,
  create: (
    data: string,
    tool: (name: string) => string,
  ) => Promise<{ what: string; code: number | null; output: string }>,
): Promise<ThrowawayPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const user = process.getuid?.() === 0 ? osUser('postgres') : null;
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'postgres.log');
  const tool = (name: string) => path.join(bin, name);
  let port = 0;
  let isRunning = false;
  let destroyed = false;

  // If the test process dies without afterAll, do not leave a postmaster and its files behind.
  const onExit = () => {
    if (destroyed) return;
    const [file, argv] = asPostgresUser(tool('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    if (isRunning) spawnSync(file, argv, { stdio: 'ignore', timeout: 10_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const fail = async (what: string, output: string): Promise<never> => {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    await handle.destroy();
    throw new Error(`${what} failed:\n${output}\n${tail}`);
  };

  const handle: ThrowawayPostgres = {
    get url() {
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    },
    get port() {
      return port;
    },
    dir,
    running: () => isRunning,
    async start() {
      const started = await run(
        tool('pg_ctl'),
        [
          '-D',
          data,
          '-l',
          log,
          '-w',
          '-t',
          '60',
          '-o',
          `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
          'start',
        ],
        90_000,
      );
      if (started.code !== 0) await fail('pg_ctl start', started.output);
      isRunning = true;
    },
    async stop(mode = 'fast') {
      if (!isRunning) return;
      const stopped = await run(tool('pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'], 90_000);
      if (stopped.code !== 0) throw new Error(`pg_ctl stop failed:\n${stopped.output}`);
      isRunning = false;
    },
    async destroy() {
      if (destroyed) return;
      try {
        await handle.stop('immediate');
      } finally {
        destroyed = true;
        process.removeListener('exit', onExit);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };

  const created = await create(data, tool);
  if (created.code !== 0) await fail(created.what, created.output);
  port = await freePort();
  await handle.start();
  return handle;
}

export async function startThrowawayPostgres(bin: string): Promise<ThrowawayPostgres> {
  return startCluster(bin, 'rg-throwaway-pg-', async (data, tool) => ({
    what: 'initdb',
    ...(await run(
      tool('initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      120_000,
    )),
  }));
}

/**
 * A streaming standby of `primary` on a port of its own: `pg_basebackup -R` (standby.signal and
 * primary_conninfo), WAL streamed during the backup. initdb's trust rules already let
 * 127.0.0.1 replicate, and Postgres 10+ defaults to `wal_level=replica` with WAL senders, so the
 * primary needs no setting. `stop()` and `start()` run pg_ctl without blocking the event loop, so
 * a server in the test's process keeps serving while its standby goes away.
 */
export async function startStreamingStandby(bin: string, primary: ThrowawayPostgres): Promise<ThrowawayPostgres> {
  return startCluster(bin, 'rg-standby-pg-', async (data, tool) => ({
    what: 'pg_basebackup',
    ...(await run(
      tool('pg_basebackup'),
      [
        ...['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data],
        ...['-R', '-X', 'stream', '--no-sync'],
      ],
      120_000,
    )),
  }));
}
