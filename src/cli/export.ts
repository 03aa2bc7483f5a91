import 'reflect-metadata';
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { GraphQLError } from 'graphql';
import { loadConfig } from '../config';
import { runCli } from './runCli';
import { createContext } from '../context';
import { openDatabase } from '../db/openDatabase';
import { buildDatapackage } from '../modules/export/exportDatapackage';
import { parseExportParameters } from '../modules/export/exportParameters';
import { observationCsv } from '../modules/export/observationCsv';
import { resolveExport } from '../modules/export/resolveExport';

const USAGE = `usage: npm run export -- --out DIR [options]

  --out DIR               directory to write observations.csv and datapackage.json into
  --indicators CODES      comma-separated indicator codes, e.g. homicide-rate,population
  --cities REFS           comma-separated city slugs or ids, e.g. pittsburgh-us
  --countries CODES       comma-separated ISO alpha-2 codes, e.g. US,AT
  --year-from N           first year
  --year-to N             last year
  --statuses LIST         e.g. MEASURED,ESTIMATED
  --sources IDS           comma-separated source ids (one source keeps its provenance on re-import)
  --as-of N               release id: the data as it stood then (default: the newest release)
  --layout long|wide      long: one row per observation, re-importable (default); wide: one column per year
  --provenance            add source and release columns to the long layout (the import does not read them)

Reads DATABASE_URL, or the embedded database (EMBEDDED_DATA_DIR) when it is not set, through
the running server's socket when one serves it. Exit code 0: written, 1: failed, 2: bad usage or
parameters.`;

/** "--year-from: " for the parameter an error names, so the message points at the flag to fix. */
function flagOf(argument: unknown): string {
  if (typeof argument !== 'string') return '';
  return `--${argument.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}: `;
}

/** Progress lines at most this often, so a large export shows it is moving without flooding stderr. */
const PROGRESS_EVERY = 100_000;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        out: { type: 'string' },
        indicators: { type: 'string' },
        cities: { type: 'string' },
        countries: { type: 'string' },
        'year-from': { type: 'string' },
        'year-to': { type: 'string' },
        statuses: { type: 'string' },
        sources: { type: 'string' },
        'as-of': { type: 'string' },
        layout: { type: 'string' },
        provenance: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help || !values.out) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  let parameters;
  try {
    parameters = parseExportParameters(
      Object.fromEntries(
        Object.entries({
          indicators: values.indicators,
          cities: values.cities,
          countries: values.countries,
          yearFrom: values['year-from'],
          yearTo: values['year-to'],
          statuses: values.statuses,
          sources: values.sources,
          asOf: values['as-of'],
          layout: values.layout,
          provenance: values.provenance ? 'true' : undefined,
        }).filter(([, v]) => v !== undefined),
      ),
    );
  } catch (error) {
    process.stderr.write(`${flagOf((error as GraphQLError).extensions?.argument)}${(error as Error).message}\n`);
    return 2;
  }

  const out = path.resolve(values.out);
  const config = loadConfig();
  const database = await openDatabase(config, (line) => process.stderr.write(`${line}\n`), {
    role: 'export',
  });
  try {
    const context = createContext(database.dataSource, config);
    let selection;
    try {
      selection = await resolveExport(context, parameters);
    } catch (error) {
      if (error instanceof GraphQLError) {
        process.stderr.write(`${flagOf(error.extensions.argument)}${error.message}\n`);
        return 2;
      }
      throw error;
    }
    const total = selection.summary.rows;
    process.stderr.write(
      `exporting ${total.toLocaleString('en')} observations${selection.release ? ` as of release ${selection.release.id}` : ''}\n`,
    );
    mkdirSync(out, { recursive: true });
    const csvFile = path.join(out, 'observations.csv');
    // Written under another name and renamed when complete: a failed export never leaves a
    // truncated observations.csv that looks whole.
    const partial = `${csvFile}.partial`;
    let reported = 0;
    try {
      await pipeline(
        Readable.from(
          observationCsv(database.dataSource, selection, {
            onProgress: (rows) => {
              if (rows - reported < PROGRESS_EVERY) return;
              reported = rows;
              process.stderr.write(
                `wrote ${rows.toLocaleString('en')} of ${total.toLocaleString('en')} observations\n`,
              );
            },
          }),
        ),
        createWriteStream(partial),
      );
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    renameSync(partial, csvFile);
    const datapackage = await buildDatapackage(context, selection, 'observations.csv');
    writeFileSync(path.join(out, 'datapackage.json'), `${JSON.stringify(datapackage, null, 2)}\n`);
    process.stdout.write(
      `wrote ${total.toLocaleString('en')} observations to ${csvFile} and ${path.join(out, 'datapackage.json')}\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

runCli('export', main);
