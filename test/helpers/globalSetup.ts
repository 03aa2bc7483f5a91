import 'reflect-metadata';
import { createDataSource } from '../../src/db/dataSource';
import { createDatabase, findPostgresServer, uniqueDatabaseName } from '../../src/db/scratchDatabase';
import { seedDemoData } from '../../src/db/seedDemoData';
import { TEST_ENV } from './testEnv';

/**
 * Decides once where the tests' databases live and, on a Postgres server, builds two template
 * databases (migrated; migrated and seeded) that each test file copies with CREATE DATABASE
 * ... TEMPLATE, which takes milliseconds instead of re-running migrations per file.
 */
export default async function globalSetup(): Promise<void> {
  const server = await findPostgresServer();
  if (server.embedded) await server.embedded.stop();
  process.env[TEST_ENV.kind] = server.kind;
  process.stderr.write(
    `\n[tests] Postgres: ${server.kind === 'embedded' ? 'embedded PGlite (one per test file)' : server.kind}\n`,
  );
  if (server.kind === 'embedded') return;
  process.env[TEST_ENV.adminUrl] = server.adminUrl;

  const migrated = uniqueDatabaseName('rg_tpl_migrated');
  const seeded = uniqueDatabaseName('rg_tpl_seeded');
  for (const [name, seed] of [
    [migrated, false],
    [seeded, true],
  ] as const) {
    const url = await createDatabase(server, name);
    const dataSource = createDataSource({ url });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      if (seed) await seedDemoData(dataSource);
    } finally {
      await dataSource.destroy();
    }
  }
  process.env[TEST_ENV.migratedTemplate] = migrated;
  process.env[TEST_ENV.seededTemplate] = seeded;
}
