import os from 'node:os';
import { Client } from 'pg';
import { createDataSource } from '../src/db/dataSource';
import { isScaleName, SCALES } from './dataset';
import { type BenchDatabase, DEFAULT_ADMIN_URL, ensureBenchDatabase } from './generate';

/** The benchmark's database and the facts about the machine a result records. */

export function intOption(values: Record<string, unknown>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${String(raw)}`);
  return n;
}

/** The load runs' settings from the command line, with their defaults (bench/usage.ts). */
export function benchSettings(values: Record<string, unknown>) {
  return {
    rounds: intOption(values, 'rounds', 3),
    seconds: intOption(values, 'seconds', values.scale === 'small' || values.scale === undefined ? 1 : 2),
    connections: intOption(values, 'connections', 8),
    mixConnections: intOption(values, 'mix-connections', 32),
    mixSeconds: intOption(values, 'mix-seconds', 3),
    repeats: intOption(values, 'repeats', 5),
    maxRequests: intOption(values, 'max-requests', 50_000),
  };
}

export async function cityIds(url: string): Promise<Map<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ slug: string; id: number }>('SELECT slug, id FROM city');
    return new Map(rows.map((r) => [r.slug, r.id]));
  } finally {
    await client.end();
  }
}

/** A reused database gets the migrations added since it was generated (e.g. new indexes), then fresh statistics. */
export async function migrate(url: string): Promise<string[]> {
  const dataSource = createDataSource({ url });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) await dataSource.query('ANALYZE');
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

export async function machine(url: string): Promise<Record<string, string | number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const setting = async (name: string) =>
      (await client.query<{ setting: string }>(`SELECT current_setting($1) AS setting`, [name])).rows[0].setting;
    const version = (await client.query<{ v: string }>(`SELECT version() AS v`)).rows[0].v;
    return {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      os: `${os.type()} ${os.release()}`,
      postgres: version.split(' on ')[0],
      sharedBuffers: await setting('shared_buffers'),
      workMem: await setting('work_mem'),
      jit: await setting('jit'),
    };
  } finally {
    await client.end();
  }
}

export async function openBenchDatabase(
  values: Record<string, unknown>,
  log: (line: string) => void,
): Promise<BenchDatabase> {
  const scale = values.scale ?? 'small';
  if (!isScaleName(scale)) {
    throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}, got ${String(scale)}`);
  }
  const db = await ensureBenchDatabase(scale, {
    adminUrl: process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL,
    regenerate: Boolean(values.regenerate),
    indicatorsPerImport: intOption(values, 'indicators-per-import', 5),
    log,
    ...(typeof values.database === 'string' ? { database: values.database } : {}),
  });
  const applied = await migrate(db.url);
  if (applied.length > 0) log(`applied migrations to ${db.name}: ${applied.join(', ')}`);
  return db;
}
