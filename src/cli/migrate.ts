import 'reflect-metadata';
import { loadConfig } from '../config';
import { createDataSource } from '../db/dataSource';

/** `npm run migrate [-- --revert]`: applies pending migrations to DATABASE_URL, or reverts the last one. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    process.stderr.write('DATABASE_URL is not set. (npm start migrates the embedded database by itself.)\n');
    process.exit(2);
  }
  const dataSource = createDataSource({ url: config.databaseUrl });
  await dataSource.initialize();
  try {
    if (process.argv.includes('--revert')) {
      await dataSource.undoLastMigration({ transaction: 'each' });
      process.stdout.write('reverted the last migration\n');
      return;
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    process.stdout.write(
      applied.length ? `applied ${applied.map((m) => m.name).join(', ')}\n` : 'database is up to date\n',
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
