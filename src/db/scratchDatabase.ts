import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A Postgres server the test suite and the migration check can create databases in. */
export interface PostgresServer {
  /** URL of a database to run CREATE/DROP DATABASE from. */
  adminUrl: string;
  kind: 'TEST_DATABASE_URL' | 'local';
}

export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Whether a Postgres at `url` accepts a connection and answers `SELECT 1` within the timeout. */
export async function postgresAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * TEST_DATABASE_URL if set, else a Postgres on 127.0.0.1:5432 if one answers (the address can
 * be changed with TEST_LOCAL_POSTGRES_URL, e.g. to a closed port to try the fallback), else
 * null: the caller falls back to embedded PGlite.
 */
export async function findPostgresServer(env: NodeJS.ProcessEnv = process.env): Promise<PostgresServer | null> {
  if (env.TEST_DATABASE_URL) return { adminUrl: env.TEST_DATABASE_URL, kind: 'TEST_DATABASE_URL' };
  const probeUrl = env.TEST_LOCAL_POSTGRES_URL ?? LOCAL_POSTGRES_URL;
  if (await postgresAnswers(probeUrl)) return { adminUrl: probeUrl, kind: 'local' };
  return null;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

async function admin<T>(server: PostgresServer, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: server.adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a database (optionally a copy of `template`) and returns its URL. */
export async function createDatabase(server: PostgresServer, name: string, template?: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name) || (template && !/^[a-z0-9_]+$/.test(template))) {
    throw new Error(`invalid database name ${name}`);
  }
  await admin(server, (c) => c.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`));
  return withDatabase(server.adminUrl, name);
}

export async function dropDatabase(server: PostgresServer, name: string): Promise<void> {
  await admin(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
