import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDataSource } from '../db/dataSource';
import { loadConfig } from '../config';

/**
 * `check`: fail when the entities describe a schema the migrations do not create (the same
 * comparison as `typeorm migration:generate --check`, run in-process so it needs no ts-node).
 * `generate NAME`: write a migration with the difference, for review before committing.
 * Both run the migrations on the database first, so point them at a scratch database.
 */
async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const url = process.env.DATABASE_URL ?? loadConfig().databaseUrl;
  if (!url || (command !== 'check' && command !== 'generate') || (command === 'generate' && !name)) {
    process.stderr.write('usage: DATABASE_URL=... migrations check | generate NAME\n');
    process.exit(2);
  }
  const dataSource = createDataSource({ url });
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
    const className = `${name}${timestamp}`;
    const line = (q: { query: string; parameters?: unknown[] }) =>
      `    await queryRunner.query(${JSON.stringify(q.query)}${q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : ''});`;
    const file = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${sql.upQueries.map(line).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${[...sql.downQueries].reverse().map(line).join('\n')}
  }
}
`;
    const out = path.resolve('migrations', `${timestamp}-${name}.ts`);
    writeFileSync(out, file);
    process.stdout.write(`wrote ${out} (${sql.upQueries.length} statements); add it to migrations/index.ts\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
