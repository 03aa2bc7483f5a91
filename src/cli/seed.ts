import 'reflect-metadata';
import { loadConfig } from '../config';
import { createDataSource } from '../db/dataSource';
import { seedDemoData } from '../db/seedDemoData';

/** `npm run seed`: applies pending migrations to DATABASE_URL, then loads the demo data of seeds/ if missing. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    process.stderr.write('DATABASE_URL is not set. (npm start migrates and seeds the embedded database by itself.)\n');
    process.exit(2);
  }
  const dataSource = createDataSource({ url: config.databaseUrl });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    process.stdout.write(
      applied.length ? `applied ${applied.map((m) => m.name).join(', ')}\n` : 'database is up to date\n',
    );
    const { releaseId, created } = await seedDemoData(dataSource);
    process.stdout.write(
      created
        ? `seeded the demo data (release ${releaseId})\n`
        : `demo data already present (release ${releaseId}); nothing changed\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
