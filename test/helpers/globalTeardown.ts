import { dropDatabase } from '../../src/db/scratchDatabase';
import { TEST_ENV } from './testEnv';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env[TEST_ENV.adminUrl];
  if (!adminUrl) return;
  const server = { adminUrl, kind: 'local' as const };
  for (const name of [process.env[TEST_ENV.migratedTemplate], process.env[TEST_ENV.seededTemplate]]) {
    if (name) await dropDatabase(server, name);
  }
}
