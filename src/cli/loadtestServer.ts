import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { createDatabase, dropDatabase, findPostgresServer, uniqueDatabaseName } from '../db/scratchDatabase';
import { docExamples } from './docExamples';

/** The server `npm run loadtest` starts and loads (see loadtest.ts): its queries, database and port. */
export interface Query {
  name: string;
  body: string;
}

/**
 * The documentation's ```graphql examples that read (mutations need a key; the worked import's
 * step needs its data first and is not among them, see docExamples).
 */
export function exampleQueries(root: string): Query[] {
  const queries: Query[] = [];
  for (const { query: block } of docExamples(root)) {
    const operation = parse(block).definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    if (operation?.operation !== 'query') continue;
    queries.push({
      name: operation.name?.value ?? `query${queries.length + 1}`,
      body: JSON.stringify({ query: block }),
    });
  }
  return queries;
}

interface Database {
  description: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

export async function prepareDatabase(): Promise<Database> {
  if (process.env.DATABASE_URL) {
    const host = new URL(process.env.DATABASE_URL).host;
    return { description: `DATABASE_URL (${host})`, env: {}, cleanup: async () => undefined };
  }
  const server = await findPostgresServer();
  if (server) {
    const name = uniqueDatabaseName('rg_loadtest');
    const url = await createDatabase(server, name);
    return {
      description: `temporary database ${name} on ${new URL(server.adminUrl).host}, demo data`,
      env: { DATABASE_URL: url, SEED_ON_START: 'true' },
      cleanup: () => dropDatabase(server, name),
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'rg-loadtest-'));
  return {
    description: 'embedded PGlite in a temporary folder, demo data (one connection: expect modest numbers)',
    env: { DATABASE_URL: '', EMBEDDED_DATA_DIR: dir },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntilReady(origin: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${origin}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the server was not ready after 180 s:\n${log()}`);
}

export async function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
