import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { createDataSource } from './dataSource';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded';
import { seedDemoData } from './seedDemoData';

export interface OpenDatabase {
  dataSource: DataSource;
  embedded?: EmbeddedPostgres;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set, else embedded PGlite persisted under EMBEDDED_DATA_DIR. Applies
 * pending migrations, then seeds the demo data when asked and the database has none.
 */
export async function openDatabase(
  config: Config,
  log: (line: string) => void = () => undefined,
): Promise<OpenDatabase> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.databaseUrl;
  if (!url) {
    log(`starting embedded Postgres (PGlite) in ${config.embeddedDataDir}`);
    embedded = await startEmbeddedPostgres({ dataDir: config.embeddedDataDir });
    url = embedded.url;
  }
  // PGlite runs one session; a single connection keeps transactions from interleaving.
  const poolSize = embedded ? 1 : 10;
  try {
    // Migrations and the seed run without the API's statement timeout (an index on a large
    // table may take longer), on a connection of their own that closes before serving starts.
    const setup = createDataSource({ url, logSql: config.logSql, poolSize: 1 });
    await setup.initialize();
    try {
      const applied = await setup.runMigrations({ transaction: 'each' });
      if (applied.length > 0) log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
      if (config.seedOnStart) {
        const [{ count }] = await setup.query('SELECT count(*)::int AS count FROM release');
        if (count === 0) {
          const seeded = await seedDemoData(setup);
          log(`seeded the demo data as release ${seeded.releaseId}`);
        }
      }
    } finally {
      await setup.destroy();
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const dataSource = createDataSource({
    url,
    logSql: config.logSql,
    poolSize,
    statementTimeoutMs: config.statementTimeoutMs,
    // No API statement runs long enough for JIT compilation to pay off, and a cost estimate
    // past jit_above_cost once made the impact analysis spend 1.1 s of 1.6 s compiling its plan
    // (docs/performance.md).
    jit: false,
  });
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    embedded,
    async close() {
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
