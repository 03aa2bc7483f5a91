import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** `npm run build` (nothing to do when dist/ is fresh): the tests below run the built server and CLIs. */
export function ensureBuilt(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

/** An environment for a child process: the test's own, without what would change its database. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['DATABASE_URL', 'EMBEDDED_DATA_DIR', 'PORT', 'NODE_ENV', 'LOG_LEVEL', 'SEED_ON_START']) {
    delete base[name];
  }
  return { ...base, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env };
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  graphql<T = Record<string, unknown>>(query: string): Promise<{ data?: T; errors?: { message: string }[] }>;
  /** SIGTERM, resolving with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to close anything. */
  kill(): Promise<void>;
}

export interface Exited {
  code: number | null;
  output: string;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * Starts `node dist/src/index.js` (what `npm start` runs after building) and resolves once it
 * logs the port it listens on, or with the exit code and output when it stops before that.
 */
export async function startServer(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<ServerProcess | Exited> {
  const child = spawn(process.execPath, ['dist/src/index.js'], { cwd: ROOT, env: childEnv(env) });
  let output = '';
  const port = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /"port":(\d+),[^\n]*GraphQL at/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(Number(ready[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
  if (port === null) return { code: child.exitCode, output };
  return {
    child,
    port,
    output: () => output,
    async graphql(query) {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as never;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited(child);
    },
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

export function isRunning(server: ServerProcess | Exited): server is ServerProcess {
  return 'port' in server;
}

/** Runs a shell command line from the repository root, as a reader of the README would. */
export function run(command: string, env: NodeJS.ProcessEnv): Promise<Exited> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd: ROOT, env: childEnv(env) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}
