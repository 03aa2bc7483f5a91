import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildAppSchema, printAppSchema } from '../schema';

/**
 * `npm run schema:print` rewrites schema.graphql from the code; with `--check` it fails when
 * the committed file is stale, so every API change shows up in review as a schema diff.
 */
async function main(): Promise<void> {
  const file = path.resolve('schema.graphql');
  const text = printAppSchema(await buildAppSchema());
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      // A missing file is stale too.
    }
    if (committed !== text) {
      process.stderr.write('schema.graphql is stale: run `npm run schema:print` and commit the result\n');
      process.exit(1);
    }
    process.stdout.write('schema.graphql is up to date\n');
    return;
  }
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
