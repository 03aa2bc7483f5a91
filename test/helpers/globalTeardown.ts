import { dropDatabase, type PostgresServer } from '../../src/db/scratchDatabase';
import { TEST_ENV } from './testEnv';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { rgEmbeddedFactory?: { stop(): Promise<void> } }).rgEmbeddedFactory?.stop();
  const adminUrl = process.env[TEST_ENV.adminUrl];
  if (!adminUrl) return;
  const server: PostgresServer = { adminUrl, kind: 'local' };
  for (const name of [process.env[TEST_ENV.migratedTemplate], process.env[TEST_ENV.seededTemplate]]) {
    if (name) await dropDatabase(server, name);
  }
}
