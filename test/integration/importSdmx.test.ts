import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { readDatapackage } from '../../src/modules/ingest/datapackage';
import type { ImportProblem } from '../../src/modules/ingest/importErrors';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { childEnv, ensureBuilt, ROOT } from '../helpers/serverProcess';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * SDMX-CSV through the reader seam: Eurostat's 1.0 export and a 2.0 file with labels, their
 * problems, the HTTP media type and the CLI. Every expected value below is read off the fixture
 * files by hand (test/fixtures/import/sdmx/), not from a run of the import.
 */
const SDMX = path.join(__dirname, '..', 'fixtures', 'import', 'sdmx');
const file = (...parts: string[]) => readFileSync(path.join(SDMX, ...parts));

function metadataOf(folder: string) {
  const problems: ImportProblem[] = [];
  const metadata = readDatapackage(JSON.parse(file(folder, 'datapackage.json').toString('utf8')), problems);
  expect(problems).toEqual([]);
  return metadata;
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

/** The current observations of a source, as rows a person can compare with the file. */
async function observationsOf(sourceTitle: string) {
  return db.dataSource.query(
    `SELECT c.slug, i.code AS indicator, o.year, o.disaggregation, o.value, o.status, o.note
     FROM observation o
     JOIN city c ON c.id = o.city_id
     JOIN indicator i ON i.id = o.indicator_id
     JOIN source s ON s.id = o.source_id
     WHERE s.title = $1 AND o.superseded_in_release_id IS NULL
     ORDER BY c.slug, o.year, o.disaggregation`,
    [sourceTitle],
  );
}

const count = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM observation`))[0].n as number;

const EUROSTAT_SOURCE = "Test: population of cities in Eurostat's Urban Audit layout (synthetic values)";
const DOTSTAT_SOURCE = 'Test: shelter beds in SDMX-CSV 2.0 (synthetic values)';

describe('SDMX-CSV import', () => {
  it("imports Eurostat's SDMX-CSV 1.0 export: codes mapped, flags as statuses, ':' and empty as missing", async () => {
    const report = await importObservations(db.dataSource, file('eurostat', 'urb_cpop1.csv'), {
      metadata: metadataOf('eurostat'),
      format: 'sdmx-csv',
    });
    expect(report).toMatchObject({ ok: true, problemCount: 0, records: 6, missing: 2, added: 4, changed: 0 });
    // AT001C is Wien (Vienna's alternate name), AT002C Graz; flags '' A, p P, bp B wins over P, e E.
    expect(await observationsOf(EUROSTAT_SOURCE)).toEqual([
      {
        slug: 'graz-at',
        indicator: 'population',
        year: 2019,
        disaggregation: '',
        value: 290000,
        status: 'ESTIMATED',
        note: null,
      },
      {
        slug: 'vienna-at',
        indicator: 'population',
        year: 2019,
        disaggregation: '',
        value: 1900000,
        status: 'MEASURED',
        note: null,
      },
      {
        slug: 'vienna-at',
        indicator: 'population',
        year: 2020,
        disaggregation: '',
        value: 1910000,
        status: 'PROVISIONAL',
        note: null,
      },
      {
        slug: 'vienna-at',
        indicator: 'population',
        year: 2021,
        disaggregation: '',
        value: 1920000,
        status: 'BREAK_IN_SERIES',
        note: null,
      },
    ]);
    const again = await importObservations(db.dataSource, file('eurostat', 'urb_cpop1.csv'), {
      metadata: metadataOf('eurostat'),
      format: 'sdmx-csv',
    });
    expect(again).toMatchObject({ ok: true, added: 0, changed: 0, unchanged: 4, releaseId: null });
  });

  it('reports sub-annual periods, a non-annual FREQ, unmapped codes and unknown flags with their lines, and the tidy checks too', async () => {
    const before = await count();
    const report = await importObservations(db.dataSource, file('eurostat', 'urb_cpop1-problems.csv'), {
      metadata: metadataOf('eurostat'),
      format: 'sdmx-csv',
    });
    const period = (line: number, value: string, kind: string): ImportProblem => ({
      line,
      column: 'TIME_PERIOD',
      value,
      reason: `${value} is ${kind}, not a year: only annual periods (2021 or 2021-A1) can be imported`,
    });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      period(2, '2021-Q1', 'a quarter'),
      period(3, '2021-01', 'a month'),
      period(4, '2021-M01', 'a month'),
      period(5, '2021-S1', 'a half-year'),
      period(6, '2021-W01', 'a week'),
      period(7, '2021-01-01', 'a day'),
      {
        line: 8,
        column: 'freq',
        value: 'Q',
        reason: 'is not annual (A): rightsgraph holds one value per city and year',
      },
      period(8, '2021-Q2', 'a quarter'),
      {
        line: 9,
        column: 'cities',
        value: 'DE001C',
        reason: 'no mapping for area code DE001C: add it to rightsgraph.sdmx.areas in datapackage.json',
      },
      {
        line: 10,
        column: 'indic_ur',
        value: 'DE1003V',
        reason: 'no mapping for indicator code DE1003V: add it to rightsgraph.sdmx.indicators in datapackage.json',
      },
      {
        line: 11,
        column: 'OBS_FLAG',
        value: 'u',
        reason:
          'u is not a status code this import knows (A, B, E, P, or their letters combined): map it in rightsgraph.sdmx.statuses in datapackage.json',
      },
      // The tidy import's own checks, naming SDMX's columns.
      {
        line: 12,
        column: 'OBS_VALUE',
        value: '29O000',
        reason: 'is not a number (missing values are empty, NA, .. or -)',
      },
      { line: 13, column: 'TIME_PERIOD', value: '1850', reason: 'must be a year between 1900 and 2100' },
      // 2022-A1 (line 14) and 2022 are the same year.
      { line: 15, column: null, value: null, reason: 'duplicates line 14: same city, indicator, year' },
    ]);
    expect(report.problemCount).toBe(14);
    expect(await count()).toBe(before);
  });

  it('imports SDMX-CSV 2.0 with labels: ACTION, UNIT_MULT, statuses, the note and a dimension as the disaggregation', async () => {
    const report = await importObservations(db.dataSource, file('dotstat', 'shelter.csv'), {
      metadata: metadataOf('dotstat'),
      format: 'sdmx-csv',
    });
    expect(report).toMatchObject({
      ok: true,
      records: 6,
      missing: 1,
      added: 5,
      createdIndicators: ['shelter-beds'],
    });
    const row = (slug: string, year: number, disaggregation: string, value: number, status: string, note = null) => ({
      slug,
      indicator: 'shelter-beds',
      year,
      disaggregation,
      value,
      status,
      note,
    });
    expect(await observationsOf(DOTSTAT_SOURCE)).toEqual([
      // 2015-A1 is 2015; P provisional; 2016 NaN is missing; B a break.
      row('graz-at', 2015, '', 950, 'PROVISIONAL'),
      row('graz-at', 2017, '', 1010, 'BREAK_IN_SERIES'),
      // 7.2 in thousands (UNIT_MULT 3); SEX _T is the total, F and M split it; U is mapped to ESTIMATED.
      row('vienna-at', 2015, '', 7200, 'MEASURED'),
      { ...row('vienna-at', 2015, 'sex=f', 3100, 'ESTIMATED'), note: 'from two surveys, averaged' },
      row('vienna-at', 2015, 'sex=m', 4100, 'ESTIMATED'),
    ]);
  });

  it('refuses ACTION D, unknown actions and statuses, non-annual data and unmapped areas in SDMX-CSV 2.0', async () => {
    const before = await count();
    const report = await importObservations(db.dataSource, file('dotstat', 'shelter-problems.csv'), {
      metadata: metadataOf('dotstat'),
      format: 'sdmx-csv',
    });
    const deletion = (line: number): ImportProblem => ({
      line,
      column: 'ACTION',
      value: 'D',
      reason:
        'D (delete) cannot be imported: releases are append-only, a value is never removed, only superseded by a later release, so every earlier release still answers asOf; leave the row out',
    });
    expect(report.problems).toEqual([
      deletion(2),
      deletion(3),
      { line: 4, column: 'ACTION', value: 'M', reason: 'must be I (information), A (append) or R (replace), or empty' },
      {
        line: 5,
        column: 'FREQ',
        value: 'M',
        reason: 'is not annual (A): rightsgraph holds one value per city and year',
      },
      {
        line: 5,
        column: 'TIME_PERIOD',
        value: '2016-M01',
        reason: '2016-M01 is a month, not a year: only annual periods (2021 or 2021-A1) can be imported',
      },
      {
        line: 6,
        column: 'REF_AREA',
        value: 'AT003C',
        reason: 'no mapping for area code AT003C: add it to rightsgraph.sdmx.areas in datapackage.json',
      },
      {
        line: 7,
        column: 'OBS_STATUS',
        value: 'X',
        reason:
          'X is not a status code this import knows (A, B, E, P, U, or their letters combined): map it in rightsgraph.sdmx.statuses in datapackage.json',
      },
      {
        line: 9,
        column: null,
        value: null,
        reason: 'duplicates line 8: same city, indicator, year and disaggregation',
      },
    ]);
    expect(await count()).toBe(before);
  });

  it('needs the code mapping, and reads a file of another shape as no SDMX-CSV', async () => {
    const { rightsgraph, ...rest } = metadataOf('eurostat');
    const unmapped = await importObservations(db.dataSource, file('eurostat', 'urb_cpop1.csv'), {
      metadata: { ...rest, rightsgraph: { ...rightsgraph, sdmx: undefined } },
      format: 'sdmx-csv',
    });
    expect(unmapped.problems).toEqual([
      {
        line: 0,
        column: 'datapackage.json',
        value: null,
        reason:
          'has no rightsgraph.sdmx: an SDMX-CSV import maps the area and indicator codes of the file to cities and indicators there (docs/import.md, "SDMX-CSV")',
      },
    ]);
    const tidy = await importObservations(
      db.dataSource,
      'city,country,indicator,year,value\nWien,AT,population,2019,1\n',
      {
        metadata: metadataOf('eurostat'),
        format: 'sdmx-csv',
      },
    );
    expect(tidy.problems).toEqual([
      {
        line: 1,
        column: 'city',
        value: 'city',
        reason: 'is not an SDMX-CSV file: its first column is DATAFLOW (SDMX-CSV 1.0) or STRUCTURE (SDMX-CSV 2.0)',
      },
    ]);
  });

  it('refuses an unknown format, naming the formats', async () => {
    await expect(
      importObservations(db.dataSource, 'x', { metadata: metadataOf('eurostat'), format: 'json-stat' }),
    ).rejects.toThrow('unknown format "json-stat": the formats are tidy-csv, sdmx-csv');
  });
});

describe('POST /imports with SDMX-CSV', () => {
  // A database of its own: what the library imported above is not there.
  let site: TestDatabase;
  let http: HttpTestServer;
  let editor: string;
  beforeAll(async () => {
    site = await createTestDatabase();
    http = await startHttpServer(site.dataSource);
    editor = (await createApiKey(site.dataSource, { name: 'curator', role: Role.EDITOR })).key;
  });
  afterAll(async () => {
    await http.close();
    await site.close();
  });
  async function post(body: string, contentType: string, query: string) {
    const response = await fetch(`${http.origin}/imports${query}`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${editor}` },
      body,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
    return { status: response.status, json: (await response.json()) as any };
  }
  const datapackage = () => encodeURIComponent(file('dotstat', 'datapackage.json').toString('utf8'));

  it('selects the reader by the SDMX media type, with or without its version, the datapackage in the query', async () => {
    const csv = file('dotstat', 'shelter.csv').toString('utf8');
    const dry = await post(csv, 'application/vnd.sdmx.data+csv', `?dryRun=true&datapackage=${datapackage()}`);
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ ok: true, dryRun: true, records: 6, missing: 1, added: 5 });
    const real = await post(
      csv,
      'application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8',
      `?datapackage=${datapackage()}`,
    );
    expect(real.status).toBe(200);
    expect(real.json).toMatchObject({ ok: true, dryRun: false, added: 5, unchanged: 0 });
    const problems = await post(
      file('dotstat', 'shelter-problems.csv').toString('utf8'),
      'application/vnd.sdmx.data+csv;version=1.0.0',
      `?datapackage=${datapackage()}`,
    );
    expect(problems.status).toBe(422);
    expect(problems.json.problems.map((p: ImportProblem) => p.line)).toEqual([2, 3, 4, 5, 5, 6, 7, 9]);
  });

  it('takes format in a JSON body, and answers 400 to an unknown format or a datapackage that is not JSON', async () => {
    const json = await post(
      JSON.stringify({
        csv: file('eurostat', 'urb_cpop1.csv').toString('utf8'),
        datapackage: JSON.parse(file('eurostat', 'datapackage.json').toString('utf8')),
        format: 'sdmx-csv',
        dryRun: true,
      }),
      'application/json',
      '',
    );
    expect(json.status).toBe(200);
    expect(json.json).toMatchObject({ ok: true, records: 6, missing: 2 });
    const unknown = await post('a,b\n', 'text/csv', '?format=json-stat');
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0]).toMatchObject({
      message: 'unknown format "json-stat": the formats are tidy-csv, sdmx-csv',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const notJson = await post('a,b\n', 'application/vnd.sdmx.data+csv', '?datapackage=%7Bnot');
    expect(notJson.status).toBe(400);
    expect(notJson.json.errors[0].message).toBe('datapackage in the query string is not JSON');
  });
});

describe('npm run import -- --format', () => {
  // A database of its own: the worked example is stated for the demo data, before any import above.
  let demo: TestDatabase;
  beforeAll(async () => {
    ensureBuilt();
    demo = await createTestDatabase();
  }, 180_000);
  afterAll(async () => {
    await demo.close();
  });
  const run = promisify(execFile);
  const cli = (args: string[]) =>
    run(process.execPath, ['dist/src/cli/import.js', ...args], {
      cwd: ROOT,
      env: childEnv({ DATABASE_URL: demo.url }),
    }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stderr + stdout }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        output: error.stderr + error.stdout,
      }),
    );

  it('refuses an unknown format with the list of formats, before opening anything', async () => {
    const { code, output } = await cli(['no-such-file.csv', '--format', 'json-stat']);
    expect(code).toBe(2);
    expect(output).toContain('--format: unknown format "json-stat": the formats are tidy-csv, sdmx-csv');
  });

  it('runs the worked example of docs/import.md as written there', async () => {
    const doc = readFileSync(path.join(ROOT, 'docs/import.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## SDMX-CSV'), doc.indexOf('\n## ', doc.indexOf('## SDMX-CSV') + 1));
    const sessions = [...section.matchAll(/```\n\$ npm run import -- (.*)\n([\s\S]*?)```/g)];
    expect(sessions.length).toBe(2);
    const seconds = (text: string) => text.replace(/\d+\.\d s\)/g, 'N s)');
    for (const [, args, shown] of sessions) {
      const { output } = await cli(args.split(' '));
      for (const line of shown.trim().split('\n')) expect(seconds(output)).toContain(seconds(line));
    }
  }, 60_000);
});
