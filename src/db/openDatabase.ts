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
  const dataSource = createDataSource({ url, logSql: config.logSql, poolSize: embedded ? 1 : 10 });
  try {
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    if (config.seedOnStart) {
      const [{ count }] = await dataSource.query('SELECT count(*)::int AS count FROM release');
      if (count === 0) {
        const seeded = await seedDemoData(dataSource);
        log(`seeded the demo data as release ${seeded.releaseId}`);
      }
    }
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
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
