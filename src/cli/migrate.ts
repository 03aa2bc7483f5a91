import 'reflect-metadata';
import { loadConfig } from '../config';
import { openDatabase } from '../db/openDatabase';
import { runCli } from './runCli';

/**
 * `npm run migrate [-- --revert]`: applies pending migrations to DATABASE_URL, or to the embedded
 * database (through the running server, if any), or reverts the last one.
 */
async function main(): Promise<number> {
  const config = { ...loadConfig(), seedOnStart: false };
  const database = await openDatabase(config, (line) => process.stderr.write(`${line}\n`), {
    role: 'migrate',
    migrate: false,
  });
  try {
    const { dataSource } = database;
    if (process.argv.includes('--revert')) {
      await dataSource.undoLastMigration({ transaction: 'each' });
      process.stdout.write(`reverted the last migration (${database.description})\n`);
      return 0;
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    process.stdout.write(
      applied.length ? `applied ${applied.map((m) => m.name).join(', ')}\n` : 'database is up to date\n',
    );
    return 0;
  } finally {
    await database.close();
  }
}

runCli('migrate', main);
