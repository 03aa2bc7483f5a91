import 'reflect-metadata';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { INSTRUMENTS } from '../seeds/instruments';
import { RIGHTS } from '../seeds/rights';
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
  SOURCE_TITLE,
} from './dataset';
import { batchCsv } from './observationsCsv';

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

/**
 * The benchmark database of a scale: reused when a previous run finished generating it with
 * the same generator version (the mark is written last, so an interrupted run is redone), else
 * dropped and generated. Only databases named rightsgraph_bench_* are ever dropped.
 */
export async function ensureBenchDatabase(
  scaleName: ScaleName,
  options: { adminUrl: string; regenerate: boolean; indicatorsPerImport: number; log: (line: string) => void },
): Promise<BenchDatabase> {
  const scale = SCALES[scaleName];
  const plan = planDataset(scale);
  const name = databaseName(scaleName);
  const url = withDatabase(options.adminUrl, name);
  const mark = options.regenerate ? null : await readMark(options.adminUrl, name);
  if (mark && mark.generatorVersion === GENERATOR_VERSION && mark.seed === SEED && mark.scale === scaleName) {
    options.log(`reusing ${name} (generated ${mark.generatedAt}; --regenerate to rebuild)`);
    return { name, url, reused: true, generation: mark, plan };
  }
  if (!/^rightsgraph_bench_[a-z]+$/.test(name)) throw new Error(`refusing to recreate ${name}`);
  await admin(options.adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
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

    const imports = await importAll(dataSource, plan, options);

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
      imports: imports.count,
      indicatorsPerImport: options.indicatorsPerImport,
      importSeconds: round(imports.seconds, 2),
      importRowsPerSecond: Math.round(imports.records / imports.seconds),
      importRowsPerSecondRange: [Math.round(imports.slowest), Math.round(imports.fastest)],
      importPeakRssMb: Math.round(imports.peakRss / 2 ** 20),
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
 * import, as a curator would load them: each import is one release. The import keeps no rows
 * in memory (about 40 MB of heap whatever the file's size), so the batch size is not a memory
 * matter; --indicators-per-import changes it.
 */
async function importAll(
  dataSource: DataSource,
  plan: DatasetPlan,
  options: { indicatorsPerImport: number; log: (line: string) => void },
) {
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
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  try {
    for (let first = 0; first < plan.indicators.length; first += options.indicatorsPerImport) {
      const batch = plan.indicators.slice(first, first + options.indicatorsPerImport);
      const csv = Readable.from(batchCsv(plan, batch));
      const began = performance.now();
      const report = await importObservations(dataSource, csv, {
        metadata,
        description: `Synthetic benchmark data: ${batch[0].code} to ${batch[batch.length - 1].code}`,
      });
      const took = (performance.now() - began) / 1000;
      if (!report.ok || report.releaseId === null) {
        const detail = report.problems
          .slice(0, 5)
          .map((p) => JSON.stringify(p))
          .join('\n');
        throw new Error(`synthetic import failed: ${report.message}\n${detail}`);
      }
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
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return { records, missing, seconds, count, slowest, fastest, peakRss };
}

export const SYNTHETIC_SOURCE: NonNullable<ImportMetadata['source']> = {
  title: SOURCE_TITLE,
  publisher: 'rightsgraph benchmark generator',
  url: null,
  license: 'CC0-1.0',
  citation: `Synthetic data generated by rightsgraph's benchmark (generator v${GENERATOR_VERSION}, seed ${SEED}). Not real measurements: for performance testing only.`,
  synthetic: true,
};

/** Countries, cities, rights, instruments, ratifications, indicators, commitments, networks: set-based inserts. */
async function insertReferenceData(m: EntityManager, plan: DatasetPlan): Promise<void> {
  const s = SYNTHETIC_SOURCE;
  const [{ id: sourceId }] = await m.query(
    `INSERT INTO source (publisher, title, url, license, citation, synthetic) VALUES ($1, $2, $3, $4, $5, true) RETURNING id`,
    [s.publisher, s.title, s.url, s.license, s.citation],
  );
  await m.query(
    `INSERT INTO country (code, alpha3, name) SELECT * FROM unnest($1::char(2)[], $2::char(3)[], $3::varchar[])`,
    [plan.countries.map((c) => c.code), plan.countries.map((c) => c.alpha3), plan.countries.map((c) => c.name)],
  );
  await m.query(
    `INSERT INTO city (slug, name, ascii_name, country_code, region, latitude, longitude)
     SELECT slug, name, name, country_code, region, latitude, longitude
     FROM unnest($1::varchar[], $2::varchar[], $3::char(2)[], $4::varchar[], $5::float8[], $6::float8[])
          WITH ORDINALITY AS t(slug, name, country_code, region, latitude, longitude, ord)
     ORDER BY ord`,
    [
      plan.cities.map((c) => c.slug),
      plan.cities.map((c) => c.name),
      plan.cities.map((c) => c.countryCode),
      plan.cities.map((c) => c.region),
      plan.cities.map((c) => c.latitude),
      plan.cities.map((c) => c.longitude),
    ],
  );
  await m.query(
    `INSERT INTO "right" (code, name, description) SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::text[])`,
    [RIGHTS.map((r) => r.code), RIGHTS.map((r) => r.name), RIGHTS.map((r) => r.description)],
  );
  await m.query(
    `INSERT INTO instrument (code, name, kind, year_adopted) SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::smallint[])`,
    [
      INSTRUMENTS.map((i) => i.code),
      INSTRUMENTS.map((i) => i.name),
      INSTRUMENTS.map((i) => i.kind),
      INSTRUMENTS.map((i) => i.yearAdopted),
    ],
  );
  const instrumentRights = INSTRUMENTS.flatMap((i) => i.rights.map((r) => [i.code, r]));
  await m.query(
    `INSERT INTO instrument_right (instrument_id, right_id)
     SELECT i.id, r.id FROM unnest($1::varchar[], $2::varchar[]) AS t(instrument, "right")
     JOIN instrument i ON i.code = t.instrument JOIN "right" r ON r.code = t."right"`,
    [instrumentRights.map((p) => p[0]), instrumentRights.map((p) => p[1])],
  );
  // National status of each treaty, deterministic by position: most ratified, some only signed.
  const ratifications = plan.countries.flatMap((c, k) =>
    plan.treaties.map((t, j) => ({
      country: c.code,
      treaty: t,
      status: (k + j) % 7 === 0 ? 'SIGNED' : 'RATIFIED',
      year: 1980 + ((k * 7 + j * 3) % 35),
    })),
  );
  await m.query(
    `INSERT INTO ratification (country_code, instrument_id, status, year, signed_year, source_id)
     SELECT t.country, i.id, t.status, CASE WHEN t.status = 'RATIFIED' THEN t.year END,
            CASE WHEN t.status = 'SIGNED' THEN t.year END, $5
     FROM unnest($1::char(2)[], $2::varchar[], $3::varchar[], $4::smallint[]) AS t(country, treaty, status, year)
     JOIN instrument i ON i.code = t.treaty`,
    [
      ratifications.map((r) => r.country),
      ratifications.map((r) => r.treaty),
      ratifications.map((r) => r.status),
      ratifications.map((r) => r.year),
      sourceId,
    ],
  );
  await m.query(
    `INSERT INTO indicator (code, name, unit, direction, kind, description, methodology)
     SELECT code, name, unit, direction, kind, 'Synthetic benchmark indicator: not a real measurement', NULL
     FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[]) WITH ORDINALITY
          AS t(code, name, unit, direction, kind, ord)
     ORDER BY ord`,
    [
      plan.indicators.map((i) => i.code),
      plan.indicators.map((i) => i.name),
      plan.indicators.map((i) => i.unit),
      plan.indicators.map((i) => i.direction),
      plan.indicators.map((i) => i.kind),
    ],
  );
  await m.query(
    `INSERT INTO indicator_right (indicator_id, right_id)
     SELECT i.id, r.id FROM unnest($1::varchar[], $2::varchar[]) AS t(indicator, "right")
     JOIN indicator i ON i.code = t.indicator JOIN "right" r ON r.code = t."right"`,
    [plan.indicators.map((i) => i.code), plan.indicators.map((i) => i.rightCode)],
  );
  const slugOf = (cityIndex: number) => plan.cities[cityIndex].slug;
  const commitmentIds: { id: number }[] = await m.query(
    `INSERT INTO commitment (city_id, instrument_id, kind, title, adopted_on, adopted_precision, status, adopting_body, source_id)
     SELECT c.id, i.id, t.kind, t.title, t.adopted_on, t.precision, t.status, 'City Council', $8
     FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::date[], $6::varchar[], $7::varchar[])
          WITH ORDINALITY AS t(slug, instrument, kind, title, adopted_on, precision, status, ord)
     JOIN city c ON c.slug = t.slug JOIN instrument i ON i.code = t.instrument
     ORDER BY t.ord
     RETURNING id`,
    [
      plan.commitments.map((x) => slugOf(x.cityIndex)),
      plan.commitments.map((x) => x.instrumentCode),
      plan.commitments.map((x) => x.kind),
      plan.commitments.map((x) => x.title),
      plan.commitments.map((x) => x.adoptedOn),
      plan.commitments.map((x) => x.adoptedPrecision),
      plan.commitments.map((x) => x.status),
      sourceId,
    ],
  );
  const commitmentRights = plan.commitments.flatMap((x, k) =>
    x.rightCodes.map((r) => [commitmentIds[k].id, r] as const),
  );
  await m.query(
    `INSERT INTO commitment_right (commitment_id, right_id)
     SELECT t.commitment_id, r.id FROM unnest($1::int[], $2::varchar[]) AS t(commitment_id, "right") JOIN "right" r ON r.code = t."right"`,
    [commitmentRights.map((p) => p[0]), commitmentRights.map((p) => p[1])],
  );
  await m.query(
    `INSERT INTO network (code, name, description, founded_year, source_id)
     SELECT code, name, 'Synthetic benchmark network', founded_year, $4
     FROM unnest($1::varchar[], $2::varchar[], $3::smallint[]) AS t(code, name, founded_year)`,
    [
      plan.networks.map((n) => n.code),
      plan.networks.map((n) => n.name),
      plan.networks.map((n) => n.foundedYear),
      sourceId,
    ],
  );
  const members = plan.networks.flatMap((n) =>
    n.members.map((x) => ({ network: n.code, slug: slugOf(x.cityIndex), joined: x.joinedYear })),
  );
  await m.query(
    `INSERT INTO network_membership (network_id, city_id, joined_year)
     SELECT n.id, c.id, t.joined FROM unnest($1::varchar[], $2::varchar[], $3::smallint[]) AS t(network, slug, joined)
     JOIN network n ON n.code = t.network JOIN city c ON c.slug = t.slug`,
    [members.map((x) => x.network), members.map((x) => x.slug), members.map((x) => x.joined)],
  );
}
