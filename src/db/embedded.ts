import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL that `pg` (and so TypeORM) can connect to. */
  url: string;
  /** Connections open on the socket now, this process's own and those of other processes. */
  connectionCount(): number;
  /** Called whenever a connection opens (the response cache counts it as a possible writer). */
  onConnection(listener: () => void): void;
  /** A snapshot of the whole database, from which `startEmbeddedPostgres({ from })` starts a copy. */
  dump(): Promise<Blob>;
  stop(): Promise<void>;
}

/**
 * Postgres compiled to WebAssembly, reachable over a loopback socket so that the same `pg`
 * driver serves embedded and server mode, and so that the CLIs can work on the database of a
 * running server through it (see openDatabase). PGlite is a single session; the socket server
 * queues statements from all connections and, while one connection is inside a transaction,
 * runs only that connection's statements, so transactions of different connections do not
 * interleave. A process should still use a pool of one connection
 * (`createDataSource({ poolSize: 1 })`): its own statements would only queue behind each other.
 *
 * `dataDir` persists the database between restarts; without it the database lives in memory.
 * `from` starts from a snapshot taken with `dump()` (how the tests copy a migrated template).
 */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number; from?: Blob } = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.from,
    extensions: { unaccent, pg_trgm },
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 16 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    connectionCount: () => server.getStats().activeConnections,
    onConnection: (listener) => server.addEventListener('connection', listener),
    dump: () => db.dumpDataDir('none'),
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
