import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDataSource } from '../db/dataSource';
import { startEmbeddedPostgres } from '../db/embedded';
import { createDatabase, dropDatabase, findPostgresServer, uniqueDatabaseName } from '../db/scratchDatabase';

/**
 * `check`: fail when the entities describe a schema the migrations do not create (the same
 * comparison as `typeorm migration:generate --check`, run in-process so it needs no ts-node).
 * `generate NAME`: write a migration with the difference, for review before committing.
 *
 * Both run on a scratch database of their own, found like the tests' (TEST_DATABASE_URL, else
 * 127.0.0.1:5432, else embedded PGlite), and drop it afterwards: they never touch real data.
 */
async function withScratchDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const server = await findPostgresServer();
  if (!server) {
    const embedded = await startEmbeddedPostgres();
    try {
      return await fn(embedded.url);
    } finally {
      await embedded.stop();
    }
  }
  const name = uniqueDatabaseName('rg_migrations');
  const url = await createDatabase(server, name);
  try {
    return await fn(url);
  } finally {
    await dropDatabase(server, name);
  }
}

function migrationSource(className: string, up: string[], down: string[]): string {
  return `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up.join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${down.join('\n')}
  }
}
`;
}

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  if (
    (command !== 'check' && command !== 'generate') ||
    (command === 'generate' && !/^[A-Z][A-Za-z0-9]*$/.test(name ?? ''))
  ) {
    process.stderr.write('usage: migrations check | migrations generate PascalCaseName\n');
    process.exit(2);
  }
  await withScratchDatabase(async (url) => {
    const dataSource = createDataSource({ url, poolSize: 1 });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      const sql = await dataSource.driver.createSchemaBuilder().log();
      if (command === 'check') {
        if (sql.upQueries.length > 0) {
          process.stderr.write('The entities differ from what the migrations create. Missing:\n');
          for (const q of sql.upQueries) process.stderr.write(`  ${q.query};\n`);
          process.exitCode = 1;
        } else {
          process.stdout.write('migrations match the entities\n');
        }
        return;
      }
      const timestamp = Date.now();
      const line = (q: { query: string; parameters?: unknown[] }) =>
        `    await queryRunner.query(${JSON.stringify(q.query)}${q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : ''});`;
      const out = path.resolve('migrations', `${timestamp}-${name}.ts`);
      writeFileSync(
        out,
        migrationSource(`${name}${timestamp}`, sql.upQueries.map(line), [...sql.downQueries].reverse().map(line)),
      );
      process.stdout.write(
        `wrote ${out} (${sql.upQueries.length} statements); review it and add it to migrations/index.ts\n`,
      );
    } finally {
      await dataSource.destroy();
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
