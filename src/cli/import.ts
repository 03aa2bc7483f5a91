import 'reflect-metadata';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { runCli } from './runCli';
import { openDatabase } from '../db/openDatabase';
import { type ImportMetadata, readDatapackage } from '../modules/ingest/datapackage';
import { formatProblem, type ImportProblem } from '../modules/ingest/importErrors';
import { importCommitments } from '../modules/ingest/importCommitments';
import { importObservations, type PlacesReport } from '../modules/ingest/importObservations';
import { describeFormats, observationReader, UnknownFormatError } from '../modules/ingest/observationReaders';
import { defaultCitation } from '../modules/source/citationText';

const USAGE = `usage: npm run import -- FILE.csv [options]
       npm run import -- --commitments FILE.csv [--dry-run] [--report FILE]

  --format NAME           the file's format (docs/import.md):
${describeFormats('                            ')}
  --package FILE          Frictionless datapackage.json (default: datapackage.json beside the CSV, if any);
                          for sdmx-csv it maps the file's codes (rightsgraph.sdmx)
  --source-title TEXT     source title (overrides the package)
  --source-publisher TEXT source publisher
  --source-url URL        source URL
  --license TEXT          licence of the data, e.g. CC-BY-4.0
  --citation TEXT         citation text (default: "Publisher. Title. <url>.")
  --description TEXT      description of the release
  --create-cities         create cities the file names that do not exist, placed by the gazetteer
                          (GeoNames: id, coordinates, region, population) when it knows one
                          place of that name in the country (and region, when given)
  --resolve largest       with --create-cities: where the gazetteer knows several places of a
                          name and the row gives no region, take the most populous (each choice
                          is listed for review) instead of reporting a problem
  --no-gazetteer          with --create-cities: create cities from the rows alone
  --dry-run               validate and count, write nothing
  --report FILE           also write the report (problems included) as JSON
  --commitments           the file holds local commitments, not observations (docs/import.md)

Imports into DATABASE_URL, or the embedded database (EMBEDDED_DATA_DIR) when it is not set,
through the running server's socket when one serves it. Exit code 0: imported (or nothing to do),
1: problems found (nothing written), 2: bad usage.`;

/** What the curator reviews after an import that created cities: how each was placed. */
function placesSummary(places: PlacesReport, dryRun: boolean): string {
  const lines: string[] = [];
  if (places.matched.length)
    lines.push(`${dryRun ? 'would place' : 'placed'} by the gazetteer: ${places.matched.join(', ')}`);
  if (places.largestChoices.length) {
    lines.push(`${dryRun ? 'would choose' : 'chose'} the most populous of several places of the name (review these):`);
    for (const c of places.largestChoices) {
      lines.push(
        `  ${c.city}: ${c.name}, ${c.region ?? 'no region'}, ${c.country}, population ${c.population.toLocaleString('en')}, ` +
          `GeoNames ${c.geonamesId} (of ${c.candidates} places)`,
      );
    }
  }
  if (places.notInGazetteer.length) {
    lines.push(
      `not in the gazetteer, ${dryRun ? 'would be made' : 'made'} from the rows alone: ${places.notInGazetteer.join(', ')}`,
    );
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** `--commitments`: the bulk import of local commitments; the observation options do not apply. */
async function commitments(file: string, values: Record<string, string | boolean | undefined>): Promise<number> {
  const misplaced = Object.keys(values).filter(
    (option) => !['commitments', 'dry-run', 'report'].includes(option) && values[option] !== undefined,
  );
  if (misplaced.length > 0) {
    process.stderr.write(`--${misplaced[0]} does not apply to --commitments\n\n${USAGE}\n`);
    return 2;
  }
  const started = Date.now();
  const database = await openDatabase(loadConfig(), (line) => process.stderr.write(`${line}\n`), {
    role: 'import',
  });
  try {
    const report = await importCommitments(database.dataSource, createReadStream(file), {
      dryRun: values['dry-run'] === true,
      onProgress: (message) => process.stderr.write(`${message}\n`),
    });
    for (const p of report.problems) process.stderr.write(`${formatProblem(p)}\n`);
    if (report.problemCount > report.problems.length) {
      process.stderr.write(`... and ${report.problemCount - report.problems.length} more problems\n`);
    }
    if (typeof values.report === 'string') writeFileSync(values.report, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(
      `${report.message} (${report.records} rows, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    );
    return report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        package: { type: 'string' },
        'source-title': { type: 'string' },
        'source-publisher': { type: 'string' },
        'source-url': { type: 'string' },
        license: { type: 'string' },
        citation: { type: 'string' },
        description: { type: 'string' },
        'create-cities': { type: 'boolean' },
        resolve: { type: 'string' },
        'no-gazetteer': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        report: { type: 'string' },
        commitments: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (values.resolve !== undefined && values.resolve !== 'largest') {
    process.stderr.write(`--resolve takes one value, largest (got "${values.resolve.slice(0, 40)}")\n\n${USAGE}\n`);
    return 2;
  }
  if (values.format !== undefined) {
    try {
      observationReader(values.format);
    } catch (error) {
      if (!(error instanceof UnknownFormatError)) throw error;
      process.stderr.write(`--format: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
  }
  const file = path.resolve(positionals[0]);
  if (!existsSync(file)) {
    process.stderr.write(`no such file: ${file}\n`);
    return 2;
  }
  if (values.commitments) return commitments(file, values);
  const packagePath = values.package ?? path.join(path.dirname(file), 'datapackage.json');
  const packageProblems: ImportProblem[] = [];
  let metadata: ImportMetadata = { source: null, indicators: [], disaggregations: [] };
  if (values.package || existsSync(packagePath)) {
    try {
      metadata = readDatapackage(JSON.parse(readFileSync(packagePath, 'utf8')), packageProblems);
    } catch (error) {
      process.stderr.write(`cannot read ${packagePath}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  if (values['source-title'] || values['source-publisher']) {
    const title = values['source-title'] ?? metadata.source?.title;
    const publisher = values['source-publisher'] ?? metadata.source?.publisher;
    if (!title || !publisher) {
      process.stderr.write('--source-title and --source-publisher go together (unless the package gives the other)\n');
      return 2;
    }
    const url = values['source-url'] ?? metadata.source?.url ?? null;
    metadata.source = {
      title,
      publisher,
      url,
      license: values.license ?? metadata.source?.license ?? null,
      citation: values.citation ?? defaultCitation({ publisher, title, url }),
      synthetic: metadata.source?.synthetic ?? false,
    };
  }
  if (packageProblems.length > 0) {
    for (const p of packageProblems) process.stderr.write(`${formatProblem(p)}\n`);
    return 1;
  }

  const started = Date.now();
  const database = await openDatabase(loadConfig(), (line) => process.stderr.write(`${line}\n`), {
    role: 'import',
  });
  try {
    const report = await importObservations(database.dataSource, createReadStream(file), {
      metadata,
      format: values.format,
      createCities: values['create-cities'],
      resolve: values.resolve === 'largest' ? 'largest' : undefined,
      gazetteer: !values['no-gazetteer'],
      dryRun: values['dry-run'],
      description: values.description,
      onProgress: (message) => process.stderr.write(`${message}\n`),
    });
    for (const p of report.problems) process.stderr.write(`${formatProblem(p)}\n`);
    if (report.problemCount > report.problems.length) {
      process.stderr.write(`... and ${report.problemCount - report.problems.length} more problems\n`);
    }
    if (values.report) writeFileSync(values.report, `${JSON.stringify(report, null, 2)}\n`);
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `${report.message} (${report.records} rows, ${report.missing} missing, ${seconds.toFixed(1)} s)\n` +
        (report.createdCities.length
          ? `${report.dryRun ? 'would create' : 'created'} cities: ${report.createdCities.join(', ')}\n`
          : '') +
        placesSummary(report.places, report.dryRun) +
        (report.createdIndicators.length
          ? `${report.dryRun ? 'would create' : 'created'} indicators: ${report.createdIndicators.join(', ')}\n`
          : ''),
    );
    return report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

runCli('import', main);
