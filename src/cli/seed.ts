import 'reflect-metadata';
import { loadConfig } from '../config';
import { openDatabase } from '../db/openDatabase';
import { seedDemoData } from '../db/seedDemoData';
import { seedReferenceData } from '../db/seedReferenceData';
import { runCli } from './runCli';

/**
 * `npm run seed`: applies pending migrations, then loads the reference data (every country, UN treaty
 * status) and the demo data of seeds/ where missing, into
 * DATABASE_URL or the embedded database (through the running server, if any).
 */
async function main(): Promise<number> {
  const config = { ...loadConfig(), seedOnStart: false };
  const database = await openDatabase(config, (line) => process.stderr.write(`${line}\n`), { role: 'seed' });
  try {
    const { releaseId, created } = await seedDemoData(database.dataSource);
    // Forced: the start-up check only looks whether anything is loaded, so a package update
    // that adds a country is applied here.
    await seedReferenceData(database.dataSource, { force: true });
    process.stdout.write(
      created
        ? `seeded the demo data (release ${releaseId})\n`
        : `demo data already present (release ${releaseId}); nothing changed\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

runCli('seed', main);
