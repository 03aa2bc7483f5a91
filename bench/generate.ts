import 'reflect-metadata';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/db/dataSource';
import type { ImportMetadata } from '../src/modules/ingest/datapackage';
import { importObservations } from '../src/modules/ingest/importObservations';
import {
  type DatasetPlan,
  expectedRows,
  GENERATOR_VERSION,
  planDataset,
  type ScaleName,
  SCALES,
  SEED,
} from './dataset';
import { batchCsv } from './observationsCsv';
import { insertReferenceData, SYNTHETIC_SOURCE } from './referenceData';
import { type LoadTally, sqlObservations } from './sqlObservations';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** What generating the database took; stored on the database so a reused one still reports it. */
export interface GenerationReport {
  generatorVersion: number;
  seed: number;
  scale: ScaleName;
  cities: number;
  countries: number;
  indicators: number;
  commitments: number;
  networkMembers: number;
  /** Data rows in the CSV files (values and missing values). */
  csvRows: number;
  missing: number;
  observations: number;
  /**
   * How the observations went in: through importObservations (absent in marks written before
   * xlarge existed), or for the xlarge scale set-based in SQL (sqlObservations.ts: the same model,
   * other draws); the import figures then describe that one statement. 'copy': an earlier xlarge
   * path, COPY of the generator's values, no longer used.
   */
  loadedBy?: 'import' | 'copy' | 'sql';
  imports: number;
  indicatorsPerImport: number;
  /** Wall time of the importObservations calls: parse, validate, COPY, merge, commit. */
  importSeconds: number;
  importRowsPerSecond: number;
  /** The slowest and fastest single import, rows per second. */
  importRowsPerSecondRange: [number, number];
  importPeakRssMb: number;
  referenceSeconds: number;
  vacuumSeconds: number;
  totalSeconds: number;
  generatedAt: string;
}

export interface BenchDatabase {
  name: string;
  url: string;
  reused: boolean;
  generation: GenerationReport;
  plan: DatasetPlan;
}

export function databaseName(scale: ScaleName): string {
  return `rightsgraph_bench_${scale}`;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const MARK = 'rightsgraphBench';

async function readMark(adminUrl: string, name: string): Promise<GenerationReport | null> {
  const rows = await admin(adminUrl, (c) =>
    c.query<{ comment: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    ),
  );
  if (rows.rows.length === 0 || !rows.rows[0].comment) return null;
  try {
    const parsed = JSON.parse(rows.rows[0].comment) as Record<string, GenerationReport>;
    return parsed[MARK] ?? null;
  } catch {
    return null;
  }
}

async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const { rows } = await admin(adminUrl, (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
  return rows.length > 0;
}

/**
 * The benchmark database of a scale: reused when a previous run finished generating it with
 * the same generator version (the mark is written last, so an interrupted run is redone), else
 * dropped and generated. Only databases named rightsgraph_bench_* are ever dropped.
 *
 * `database` names another database (--database): reused when it carries the mark of this
 * generator version and scale (a copy made with `createdb -T` gets the mark by hand, see
 * docs/performance.md), generated when it does not exist, never dropped.
 */
export async function ensureBenchDatabase(
  scaleName: ScaleName,
  options: {
    adminUrl: string;
    regenerate: boolean;
    indicatorsPerImport: number;
    log: (line: string) => void;
    database?: string;
  },
): Promise<BenchDatabase> {
  const scale = SCALES[scaleName];
  const plan = planDataset(scale);
  const name = options.database ?? databaseName(scaleName);
  const url = withDatabase(options.adminUrl, name);
  const mark = options.regenerate ? null : await readMark(options.adminUrl, name);
  if (mark && mark.generatorVersion === GENERATOR_VERSION && mark.seed === SEED && mark.scale === scaleName) {
    options.log(`reusing ${name} (generated ${mark.generatedAt}; --regenerate to rebuild)`);
    return { name, url, reused: true, generation: mark, plan };
  }
  if (options.database !== undefined) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--database must be a plain lower-case name, got ${name}`);
    if (await databaseExists(options.adminUrl, name)) {
      throw new Error(
        `${name} exists but is not a ${scaleName} benchmark database of generator version ${GENERATOR_VERSION}: --database never drops a database; drop it or name another`,
      );
    }
    await admin(options.adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  } else {
    if (!/^rightsgraph_bench_[a-z]+$/.test(name)) throw new Error(`refusing to recreate ${name}`);
    await admin(options.adminUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.query(`CREATE DATABASE "${name}"`);
    });
  }
  const generation = await generate(url, plan, options);
  const comment = JSON.stringify({ [MARK]: generation }).replace(/'/g, "''");
  await admin(options.adminUrl, (c) => c.query(`COMMENT ON DATABASE "${name}" IS '${comment}'`));
  return { name, url, reused: false, generation, plan };
}

async function generate(
  url: string,
  plan: DatasetPlan,
  options: { indicatorsPerImport: number; log: (line: string) => void },
): Promise<GenerationReport> {
  const started = performance.now();
  const dataSource = createDataSource({ url });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const referenceStarted = performance.now();
    await dataSource.transaction((m) => insertReferenceData(m, plan));
    const referenceSeconds = (performance.now() - referenceStarted) / 1000;
    options.log(
      `reference data: ${plan.countries.length} countries, ${plan.cities.length} cities, ${plan.indicators.length} indicators, ${plan.commitments.length} commitments (${referenceSeconds.toFixed(1)} s)`,
    );

    // xlarge through the import would take well over half an hour (sqlObservations.ts).
    const loadedBy = plan.scale.name === 'xlarge' ? 'sql' : 'import';
    const imports =
      loadedBy === 'sql' ? await sqlObservations(url, plan, options.log) : await importAll(dataSource, plan, options);

    const vacuumStarted = performance.now();
    // A freshly loaded table has no statistics and no visibility map: the planner would guess
    // and index-only scans would visit the heap. Autovacuum gets there eventually; a benchmark
    // should not depend on when.
    await dataSource.query('VACUUM (ANALYZE)');
    const vacuumSeconds = (performance.now() - vacuumStarted) / 1000;
    const [{ observations }] = await dataSource.query('SELECT count(*)::int AS observations FROM observation');
    return {
      generatorVersion: GENERATOR_VERSION,
      seed: SEED,
      scale: plan.scale.name,
      cities: plan.cities.length,
      countries: plan.countries.length,
      indicators: plan.indicators.length,
      commitments: plan.commitments.length,
      networkMembers: plan.networks.reduce((n, net) => n + net.members.length, 0),
      csvRows: imports.records,
      missing: imports.missing,
      observations,
      loadedBy,
      ...importFigures(imports, options.indicatorsPerImport),
      referenceSeconds: round(referenceSeconds, 2),
      vacuumSeconds: round(vacuumSeconds, 2),
      totalSeconds: round((performance.now() - started) / 1000, 1),
      generatedAt: new Date().toISOString(),
    };
  } finally {
    await dataSource.destroy();
  }
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

/**
 * The observations go through the product's import path (read, check and COPY into staging
 * in one pass, then the database checks, the merge and the release), a few indicators per
 * import, as a curator would load them: each import is one release, of a file on disk. The import keeps no rows
 * in memory (about 40 MB of heap whatever the file's size), so the batch size is not a memory
 * matter; --indicators-per-import changes it.
 */
async function importAll(
  dataSource: DataSource,
  plan: DatasetPlan,
  options: {
    indicatorsPerImport: number;
    log: (line: string) => void;
    /** Stop after this many imports (all by default). */
    imports?: number;
    /** Log each import's progress messages with the seconds since it began: where the time goes. */
    phases?: boolean;
  },
): Promise<LoadTally> {
  const metadata: ImportMetadata = {
    source: SYNTHETIC_SOURCE,
    indicators: [],
    disaggregations: [],
  };
  const total = expectedRows(plan.scale);
  let records = 0;
  let missing = 0;
  let seconds = 0;
  let count = 0;
  let slowest = Infinity;
  let fastest = 0;
  let peakRss = 0;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'rg-bench-import-'));
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  try {
    for (let first = 0; first < plan.indicators.length; first += options.indicatorsPerImport) {
      if (count === (options.imports ?? Infinity)) break;
      const batch = plan.indicators.slice(first, first + options.indicatorsPerImport);
      // Written to a file first, as a curator's file is on disk before the import: the timed
      // import reads it as the CLI does, and does not pay for the generator.
      const file = path.join(scratch, `import-${count + 1}.csv`);
      await pipeline(Readable.from(batchCsv(plan, batch)), createWriteStream(file));
      const csv = createReadStream(file);
      const began = performance.now();
      const onProgress = options.phases
        ? (message: string) => options.log(`  ${((performance.now() - began) / 1000).toFixed(2)} s: ${message}`)
        : undefined;
      const report = await importObservations(dataSource, csv, {
        metadata,
        description: `Synthetic benchmark data: ${batch[0].code} to ${batch[batch.length - 1].code}`,
        onProgress,
      });
      const took = (performance.now() - began) / 1000;
      if (!report.ok || report.releaseId === null) {
        const detail = report.problems
          .slice(0, 5)
          .map((p) => JSON.stringify(p))
          .join('\n');
        throw new Error(`synthetic import failed: ${report.message}\n${detail}`);
      }
      rmSync(file, { force: true });
      records += report.records;
      missing += report.missing;
      seconds += took;
      count += 1;
      slowest = Math.min(slowest, report.records / took);
      fastest = Math.max(fastest, report.records / took);
      options.log(
        `import ${count}: ${report.message} in ${took.toFixed(1)} s (${Math.round(report.records / took).toLocaleString('en')} rows/s); ${records.toLocaleString('en')} of ${total.toLocaleString('en')} rows`,
      );
    }
  } finally {
    clearInterval(sampler);
    rmSync(scratch, { recursive: true, force: true });
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return { records, missing, seconds, count, slowest, fastest, peakRss };
}

type ImportFigures = Pick<
  GenerationReport,
  | 'imports'
  | 'indicatorsPerImport'
  | 'importSeconds'
  | 'importRowsPerSecond'
  | 'importRowsPerSecondRange'
  | 'importPeakRssMb'
>;

/** The import's figures as a generation and `--import-only` both report them. */
function importFigures(imports: LoadTally, indicatorsPerImport: number): ImportFigures {
  return {
    imports: imports.count,
    indicatorsPerImport,
    importSeconds: round(imports.seconds, 2),
    importRowsPerSecond: Math.round(imports.records / imports.seconds),
    importRowsPerSecondRange: [Math.round(imports.slowest), Math.round(imports.fastest)],
    importPeakRssMb: Math.round(imports.peakRss / 2 ** 20),
  };
}

/** What `--import-only` measured. */
export interface ImportMeasurement extends ImportFigures {
  scale: ScaleName;
  database: string;
  csvRows: number;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  measuredAt: string;
}

/**
 * The import alone, measured as the generation measures it (the same imports of the same CSV into
 * a database that grows by one release each), on a scratch database of its own: created,
 * migrated, given the reference data, imported into, then dropped. The benchmark's own
 * databases are left alone, so the import can be measured again without --regenerate.
 */
export async function measureImport(options: {
  adminUrl: string;
  scale: ScaleName;
  database: string;
  indicatorsPerImport: number;
  imports?: number;
  phases?: boolean;
  log: (line: string) => void;
}): Promise<ImportMeasurement> {
  const { database } = options;
  if (!/^[a-z][a-z0-9_]*$/.test(database) || database === databaseName(options.scale))
    throw new Error(`refusing to use ${database} as the scratch database of the import`);
  const plan = planDataset(SCALES[options.scale]);
  await admin(options.adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${database}"`);
  });
  const dataSource = createDataSource({ url: withDatabase(options.adminUrl, database) });
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.transaction((m) => insertReferenceData(m, plan));
    const loadAverageBefore = os.loadavg();
    const imports = await importAll(dataSource, plan, options);
    return {
      scale: options.scale,
      database,
      csvRows: imports.records,
      ...importFigures(imports, options.indicatorsPerImport),
      loadAverageBefore: loadAverageBefore.map((l) => round(l, 2)),
      loadAverageAfter: os.loadavg().map((l) => round(l, 2)),
      measuredAt: new Date().toISOString(),
    };
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin(options.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
  }
}
