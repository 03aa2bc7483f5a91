import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { StartupError } from '../startupError';
import { createDataSource } from './dataSource';
import { type DataDirLock, type DataDirOwner, lockDataDir, readOwner } from './dataDirLock';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded';
import { pooledSettingsProblem } from './pooledSettings';
import { postgresAnswers } from './scratchDatabase';
import { seedDemoData } from './seedDemoData';
import { seedReferenceData } from './seedReferenceData';

export interface OpenDatabase {
  dataSource: DataSource;
  /** The embedded Postgres this process runs (not set when it reached another process's). */
  embedded?: EmbeddedPostgres;
  /** Where the data lives, for the log: "DATABASE_URL", "embedded PGlite", ... */
  description: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * "server" must own the embedded database and refuses to start beside another owner. Any
   * other role (the CLIs: "import", "keys", ...) works through the owner's socket when one
   * runs, so `npm run import` works while `npm start` serves.
   */
  role?: string;
  /** false: leave pending migrations alone (`npm run migrate` applies or reverts them itself). */
  migrate?: boolean;
  /** Where a misconfiguration the server can live with is reported; defaults to `log`. */
  warn?: (line: string) => void;
}

const describeOwner = (owner: DataDirOwner | null) =>
  owner
    ? `${owner.role === 'server' ? 'a rightsgraph server' : `npm run ${owner.role}`} (pid ${owner.pid})`
    : 'another process';

/** The socket of the process that holds the lock on `dataDir`, once it answers. */
async function ownerUrl(dataDir: string, waitMs: number): Promise<string> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const owner = readOwner(dataDir);
    if (owner?.url && (await postgresAnswers(owner.url, 3000))) return owner.url;
    if (Date.now() >= deadline) {
      throw new StartupError(
        `the embedded database in ${dataDir} is locked by ${describeOwner(owner)}, but its socket ` +
          `${owner?.url ? `(${owner.url}) does not answer` : 'is not published'}; nothing was changed. ` +
          'Wait for it to finish or stop it, then try again.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Fails fast, in one line, when DATABASE_URL cannot be reached (before anything migrates). */
async function checkDatabaseUrl(url: string): Promise<void> {
  let host = 'DATABASE_URL';
  try {
    host = new URL(url).host || host;
  } catch {
    throw new StartupError('DATABASE_URL is not a valid URL (expected postgres://user@host:port/database)');
  }
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new StartupError(`cannot reach the database at DATABASE_URL (${host}): ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * DATABASE_URL when set, else embedded PGlite persisted under EMBEDDED_DATA_DIR. Applies
 * pending migrations, then seeds the demo data when asked and the database has none.
 *
 * Embedded, one process owns the data folder (src/db/dataDirLock.ts) and serves its PGlite on
 * a loopback socket recorded beside the folder; a CLI started while a server runs connects
 * there instead of opening the files a second time, which damaged the catalog before.
 */
export async function openDatabase(
  config: Config,
  log: (line: string) => void = () => undefined,
  options: OpenOptions = {},
): Promise<OpenDatabase> {
  const role = options.role ?? 'server';
  let embedded: EmbeddedPostgres | undefined;
  let lock: DataDirLock | null = null;
  let url = config.databaseUrl;
  let description = 'DATABASE_URL';
  let owner = true;
  if (url) {
    await checkDatabaseUrl(url);
  } else {
    const dataDir = config.embeddedDataDir;
    lock = await lockDataDir(dataDir, role);
    if (lock) {
      log(`starting embedded Postgres (PGlite) in ${dataDir}`);
      try {
        embedded = await startEmbeddedPostgres({ dataDir });
      } catch (error) {
        await lock.release();
        throw error;
      }
      url = embedded.url;
      lock.publish({ role, url });
      description = 'embedded PGlite';
    } else if (role === 'server') {
      throw new StartupError(
        `the embedded database in ${dataDir} is in use by ${describeOwner(readOwner(dataDir))}; ` +
          'stop it first, or set EMBEDDED_DATA_DIR to another folder',
      );
    } else {
      url = await ownerUrl(dataDir, config.embeddedOwnerWaitMs);
      owner = false;
      const holder = readOwner(dataDir);
      description = `embedded PGlite of ${describeOwner(holder)}`;
      log(`the embedded database is open in ${describeOwner(holder)}; working through its socket`);
    }
  }
  const release = async () => {
    await embedded?.stop();
    await lock?.release();
  };
  // PGlite runs one session; a single connection keeps this process's statements in order.
  const poolSize = config.databaseUrl ? 10 : 1;
  try {
    // Migrations and the seed run without the API's statement timeout (an index on a large
    // table may take longer), on a connection of their own that closes before serving starts.
    // Behind a pooler, on the direct URL when there is one, where the role's timeout can be
    // lifted for the session.
    const direct = config.databasePooled && config.databaseListenUrl !== config.databaseUrl;
    const setup = createDataSource({
      url: direct ? (config.databaseListenUrl as string) : url,
      logSql: config.logSql,
      poolSize: 1,
      ...(direct ? { settings: { statement_timeout: '0' } } : {}),
    });
    await setup.initialize();
    try {
      const applied = options.migrate === false ? [] : await setup.runMigrations({ transaction: 'each' });
      if (applied.length > 0) log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
      // The owner of an embedded database seeded it when it opened it.
      if (config.seedOnStart && owner) {
        const [{ count }] = await setup.query('SELECT count(*)::int AS count FROM release');
        if (count === 0) {
          const seeded = await seedDemoData(setup);
          log(`seeded the demo data as release ${seeded.releaseId}`);
        }
      }
      // After the demo, so that the demo's ids are those of a database without reference data;
      // the facts end up the same in either order (src/db/mergeRatificationFacts.ts).
      if (owner && options.migrate !== false && (await seedReferenceData(setup))) {
        log('loaded the reference data: every ISO 3166-1 country, the UN treaty status of 2022');
      }
    } finally {
      await setup.destroy();
    }
  } catch (error) {
    await release();
    throw error;
  }
  const dataSource = createDataSource({
    url,
    logSql: config.logSql,
    poolSize,
    // Behind a pooler both come from the role instead (src/db/pooledSettings.ts).
    ...(config.databasePooled
      ? {}
      : {
          // A server's own connections (PGlite's one session is left as it was).
          namedStatements: !!config.databaseUrl,
          statementTimeoutMs: config.statementTimeoutMs,
          // No API statement runs long enough for JIT compilation to pay off, and a cost estimate
          // past jit_above_cost once made the impact analysis spend 1.1 s of 1.6 s compiling its
          // plan (docs/performance.md).
          jit: false,
        }),
  });
  try {
    await dataSource.initialize();
    if (config.databasePooled) {
      const problem = await pooledSettingsProblem(dataSource, config);
      if (problem) (options.warn ?? log)(problem);
    }
  } catch (error) {
    await release();
    throw error;
  }
  return {
    dataSource,
    embedded,
    description,
    async close() {
      await dataSource.destroy();
      await release();
    },
  };
}
