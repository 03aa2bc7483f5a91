import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { buildGlobalFixture, type GlobalFixture } from './globalCities';
import { median } from './load';

/**
 * Issue 14's global import, measured as a curator runs it: a ~2,600-city file in ~130
 * countries (alpha-3 codes, same-name cities across countries, one name needing
 * --resolve largest; bench/globalCities.ts) imported by the real CLI with
 * `--create-cities --resolve largest` into a freshly migrated and seeded database. The CLI
 * runs in its own process, so its wall time includes loading the gazetteer and its peak RSS
 * is the import's alone.
 */
export interface GlobalImportResult {
  countries: number;
  cities: number;
  rows: number;
  createdCities: number;
  /** Medians over the runs. */
  wallMs: number;
  peakRssMb: number;
  runs: { wallMs: number; peakRssMb: number }[];
}

const ROOT = path.resolve(__dirname, '../..');
const DATABASE = 'rightsgraph_bench_global';
/** 130 countries x 20 cities, plus the cases issue 14 names: about 2,600 cities. */
export const GLOBAL_IMPORT_COUNTRIES = 130;

/** The fixture's metadata as the datapackage.json the CLI reads. */
function datapackage(fixture: GlobalFixture): unknown {
  const { source, indicators } = fixture.metadata;
  return {
    name: 'bench-global-import',
    title: source!.title,
    sources: [{ title: source!.title }],
    rightsgraph: {
      publisher: source!.publisher,
      citation: source!.citation,
      synthetic: true,
      indicators: indicators.map((i) => ({
        code: i.code,
        name: i.name,
        unit: i.unit,
        direction: i.direction,
        kind: i.kind,
        rights: i.rights,
      })),
    },
  };
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function recreateDatabase(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${DATABASE}"`);
  } finally {
    await client.end();
  }
}

/** Runs a compiled CLI in a child process; resolves with its wall time, peak RSS and output. */
function runCli(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  rssFile: string,
): Promise<{ wallMs: number; peakRssMb: number; code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['-r', path.join(__dirname, 'maxRss.js'), path.join(ROOT, 'dist/src/cli', script), ...args],
      { cwd: ROOT, env: { ...env, BENCH_MAX_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = performance.now() - started;
      const peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
      resolve({ wallMs, peakRssMb, code: code ?? -1, output });
    });
  });
}

export async function measureGlobalImport(options: {
  adminUrl: string;
  runs: number;
  log: (line: string) => void;
}): Promise<GlobalImportResult> {
  const fixture = buildGlobalFixture({ countries: GLOBAL_IMPORT_COUNTRIES });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'rg-global-import-'));
  try {
    const csv = path.join(scratch, 'global.csv');
    const pkg = path.join(scratch, 'datapackage.json');
    const report = path.join(scratch, 'report.json');
    const rssFile = path.join(scratch, 'maxrss');
    writeFileSync(csv, fixture.csv);
    writeFileSync(pkg, `${JSON.stringify(datapackage(fixture), null, 2)}\n`);
    const countries = new Set(fixture.cities.map((c) => c.alpha2)).size;
    options.log(
      `global import: ${fixture.cities.length} cities in ${countries} countries, ${fixture.rows.length} rows`,
    );

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl(options.adminUrl, DATABASE),
    };
    const runs: GlobalImportResult['runs'] = [];
    let createdCities = 0;
    for (let run = 0; run < options.runs; run += 1) {
      await recreateDatabase(options.adminUrl);
      // Migrations, reference data and the demo cities (the file names eleven of them).
      execFileSync(process.execPath, [path.join(ROOT, 'dist/src/cli/seed.js')], { cwd: ROOT, env, stdio: 'ignore' });
      const result = await runCli(
        'import.js',
        [csv, '--package', pkg, '--create-cities', '--resolve', 'largest', '--report', report],
        env,
        rssFile,
      );
      if (result.code !== 0) throw new Error(`the global import exited with ${result.code}:\n${result.output}`);
      createdCities = (JSON.parse(readFileSync(report, 'utf8')) as { createdCities: string[] }).createdCities.length;
      runs.push({ wallMs: Math.round(result.wallMs), peakRssMb: Math.round(result.peakRssMb) });
      options.log(
        `global import run ${run + 1}: ${(result.wallMs / 1000).toFixed(2)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB, ${createdCities} cities created`,
      );
    }
    return {
      countries,
      cities: fixture.cities.length,
      rows: fixture.rows.length,
      createdCities,
      wallMs: median(runs.map((r) => r.wallMs)),
      peakRssMb: median(runs.map((r) => r.peakRssMb)),
      runs,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    const client = new Client({ connectionString: options.adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`).finally(() => client.end());
  }
}

export function globalImportMarkdown(r: GlobalImportResult): string {
  return [
    '| global import (CLI, `--create-cities --resolve largest`, Postgres) | value |',
    '| --- | ---: |',
    `| file | ${r.cities.toLocaleString('en')} cities in ${r.countries} countries, ${r.rows.toLocaleString('en')} rows |`,
    `| cities created | ${r.createdCities.toLocaleString('en')} |`,
    `| wall time, process start to exit (median of ${r.runs.length}) | ${(r.wallMs / 1000).toFixed(2)} s |`,
    `| peak RSS of the import process (median of ${r.runs.length}) | ${r.peakRssMb} MB |`,
  ].join('\n');
}

/**
 * `npm run bench -- --global-import-only`: the measurement, written to
 * `<resultsDir>/global-import-<date>.json` (unless resultsDir is null); returns the table.
 */
export async function globalImportOnly(options: {
  adminUrl: string;
  runs: number;
  log: (line: string) => void;
  machine: (url: string) => Promise<Record<string, string | number>>;
  resultsDir: string | null;
}): Promise<string> {
  const globalImport = await measureGlobalImport(options);
  const date = new Date().toISOString();
  const result = {
    scale: 'global-import',
    date,
    machine: await options.machine(options.adminUrl),
    settings: { runs: options.runs, countries: GLOBAL_IMPORT_COUNTRIES },
    globalImport,
  };
  if (options.resultsDir) {
    mkdirSync(options.resultsDir, { recursive: true });
    const file = path.join(options.resultsDir, `global-import-${date.slice(0, 10)}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    options.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  return globalImportMarkdown(globalImport);
}
