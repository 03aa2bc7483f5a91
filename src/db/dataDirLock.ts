import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** What the owner of an embedded data folder tells the other processes that want it. */
export interface DataDirOwner {
  pid: number;
  /** What the owner is: "server", "import", ... (for the messages of those that must wait). */
  role: string;
  /** postgres:// URL of the owner's PGlite socket; null while it is still starting. */
  url: string | null;
  startedAt: string;
}

export interface DataDirLock {
  /** Records how to reach the owner, for processes that cannot take the lock. */
  publish(owner: Omit<DataDirOwner, 'pid' | 'startedAt'>): void;
  release(): Promise<void>;
}

/**
 * PGlite has no lock of its own: two processes that open one data folder both write its files
 * and damage the catalog (issue 11). The lock is a listening Unix socket, which the kernel
 * takes away with its process however it dies, so a `kill -9` leaves no lock to clean up.
 *
 * On Linux the socket lives in the abstract namespace, named after the folder's real path:
 * binding it is atomic and nothing is left on disk. Elsewhere it is a socket file beside the
 * folder; a file nobody listens on any more is stale and is taken over (two processes taking
 * over the same stale file at the same instant could both succeed; the abstract namespace
 * has no such window).
 */
export function lockAddress(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  const real = realpathSync(dataDir);
  if (platform === 'linux') {
    return `\0rightsgraph-pglite-${createHash('sha256').update(real).digest('hex').slice(0, 40)}`;
  }
  return `${real}.lock.sock`;
}

/** The file beside the data folder that names its owner. */
export function ownerFile(dataDir: string): string {
  return `${path.resolve(dataDir)}.owner.json`;
}

function listen(address: string): Promise<net.Server | 'busy'> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve('busy') : reject(error),
    );
    server.listen(address, () => resolve(server));
  });
}

function answers(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Takes the lock on `dataDir` (creating the folder), or returns null when a live process holds
 * it. `abstract: false` forces the socket-file variant (used on platforms without the abstract
 * namespace, and by its test on Linux).
 */
export async function lockDataDir(
  dataDir: string,
  role: string,
  options: { abstract?: boolean } = {},
): Promise<DataDirLock | null> {
  mkdirSync(dataDir, { recursive: true });
  const address = lockAddress(dataDir, options.abstract === false ? 'darwin' : process.platform);
  let server = await listen(address);
  if (server === 'busy' && !address.startsWith('\0') && !(await answers(address))) {
    rmSync(address, { force: true });
    server = await listen(address);
  }
  if (server === 'busy') return null;
  const held = server;
  held.unref();
  const file = ownerFile(dataDir);
  const startedAt = new Date().toISOString();
  const write = (owner: DataDirOwner) => {
    // Write then rename, so a reader never sees half a file.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(owner)}\n`);
    renameSync(temporary, file);
  };
  write({ pid: process.pid, role, url: null, startedAt });
  return {
    publish: (owner) => write({ ...owner, pid: process.pid, startedAt }),
    async release() {
      try {
        const current = readOwner(dataDir);
        if (current?.pid === process.pid) rmSync(file, { force: true });
      } finally {
        await new Promise<void>((resolve) => held.close(() => resolve()));
      }
    },
  };
}

/** The owner recorded beside `dataDir`, if any (it may be stale: check that it answers). */
export function readOwner(dataDir: string): DataDirOwner | null {
  try {
    return JSON.parse(readFileSync(ownerFile(dataDir), 'utf8')) as DataDirOwner;
  } catch {
    return null;
  }
}
