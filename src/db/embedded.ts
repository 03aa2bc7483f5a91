import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL that `pg` (and so TypeORM) can connect to. */
  url: string;
  /** A snapshot of the whole database, from which `startEmbeddedPostgres({ from })` starts a copy. */
  dump(): Promise<Blob>;
  stop(): Promise<void>;
}

/**
 * Postgres compiled to WebAssembly, reachable over a loopback socket so that the same `pg`
 * driver serves embedded and server mode. PGlite is a single session: the socket server queues
 * statements from all connections, so callers should use a pool of one connection (see
 * `createDataSource({ poolSize: 1 })`) to keep transactions from interleaving.
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
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 8 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    dump: () => db.dumpDataDir('none'),
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
