import 'reflect-metadata';
import { createDataSource } from '../../src/db/dataSource';
import { createDatabase, findPostgresServer, uniqueDatabaseName } from '../../src/db/scratchDatabase';
import { seedDemoData } from '../../src/db/seedDemoData';
import { seedReferenceData } from '../../src/db/seedReferenceData';
import { startEmbeddedFactory } from './embeddedFactory';
import { TEST_ENV } from './testEnv';

/**
 * Decides once where the tests' databases live. On a Postgres server it builds two template
 * databases (migrated; migrated and seeded) that each test file copies with CREATE DATABASE
 * ... TEMPLATE, which takes milliseconds instead of re-running migrations per file. Without
 * one it starts the embedded factory, which does the same with PGlite snapshots.
 */
export default async function globalSetup(): Promise<void> {
  const server = await findPostgresServer();
  if (!server) {
    const factory = await startEmbeddedFactory();
    (globalThis as { rgEmbeddedFactory?: typeof factory }).rgEmbeddedFactory = factory;
    process.env[TEST_ENV.kind] = 'embedded';
    process.env[TEST_ENV.embeddedFactory] = factory.url;
    process.stderr.write('\n[tests] Postgres: none answered; using embedded PGlite (one instance per test file)\n');
    return;
  }
  process.env[TEST_ENV.kind] = server.kind;
  process.env[TEST_ENV.adminUrl] = server.adminUrl;
  process.stderr.write(`\n[tests] Postgres: ${server.kind} (${new URL(server.adminUrl).host})\n`);

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
      if (seed) {
        await seedDemoData(dataSource);
        await seedReferenceData(dataSource);
      }
    } finally {
      await dataSource.destroy();
    }
  }
  process.env[TEST_ENV.migratedTemplate] = migrated;
  process.env[TEST_ENV.seededTemplate] = seeded;
}
