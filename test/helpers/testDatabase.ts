import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/dataSource';
import { createDatabase, dropDatabase, uniqueDatabaseName, type PostgresServer } from '../../src/db/scratchDatabase';
import { requestEmbeddedDatabase } from './embeddedFactory';
import { TEST_ENV } from './testEnv';

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  /** Closes the connection and drops the database (or stops the embedded Postgres). */
  close(): Promise<void>;
}

/**
 * A database of the test file's own: a copy of the migrated (and, by default, seeded) template
 * on a Postgres server, or a fresh in-process PGlite in embedded mode.
 */
export async function createTestDatabase(options: { seed?: boolean; migrate?: boolean } = {}): Promise<TestDatabase> {
  const seed = options.seed ?? true;
  const migrate = options.migrate ?? true;
  const kind = process.env[TEST_ENV.kind];
  if (kind === 'embedded') {
    const factoryUrl = process.env[TEST_ENV.embeddedFactory] as string;
    const embedded = await requestEmbeddedDatabase(factoryUrl, !migrate ? 'empty' : seed ? 'seeded' : 'migrated');
    const dataSource = createDataSource({ url: embedded.url, poolSize: 1 });
    await dataSource.initialize();
    return {
      url: embedded.url,
      dataSource,
      async close() {
        await dataSource.destroy();
        await embedded.stop();
      },
    };
  }
  const adminUrl = process.env[TEST_ENV.adminUrl];
  if (!adminUrl) throw new Error('test globalSetup did not run');
  const server: PostgresServer = { adminUrl, kind: 'local' };
  const template = !migrate ? undefined : process.env[seed ? TEST_ENV.seededTemplate : TEST_ENV.migratedTemplate];
  const name = uniqueDatabaseName('rg_test');
  const url = await createDatabase(server, name, template);
  const dataSource = createDataSource({ url });
  await dataSource.initialize();
  return {
    url,
    dataSource,
    async close() {
      await dataSource.destroy();
      await dropDatabase(server, name);
    },
  };
}
