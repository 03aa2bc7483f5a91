import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { childEnv, ensureBuilt, ROOT } from '../helpers/serverProcess';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * `provenance=true` on the CSV export: a `source` and a `release` column per row (what the
 * explorer's download asks for), off by default so that an export still re-imports as it is.
 * Expected values come from seeds/sources.ts and the seed fact sheet, not from the code.
 */
const MARSHALL = 'The Crime Report: FBI Uniform Crime Reports for large US cities, compiled by The Marshall Project';
const PITTSBURGH = 'indicators=homicide-rate&cities=pittsburgh-us&yearTo=2011';

let db: TestDatabase;
let server: HttpTestServer;
/** The demo data is one release: the seed. */
let seedRelease: number;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startHttpServer(db.dataSource);
  const releases: { id: number }[] = await db.dataSource.query('SELECT id FROM release ORDER BY id');
  expect(releases).toHaveLength(1);
  seedRelease = releases[0].id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
});

const get = (path: string) => fetch(`${server.origin}${path}`);

describe('the CSV export with provenance columns', () => {
  it('adds the source title (quoted: it holds a comma) and the release after the import columns', async () => {
    const response = await get(`/export/observations.csv?${PITTSBURGH}&provenance=true`);
    expect(response.status).toBe(200);
    // seed-facts.md, Pittsburgh homicides per 100k: 17.88 (2010), 14.26 (2011).
    expect(await response.text()).toBe(
      [
        'city,country,region,indicator,year,value,lower,upper,status,note,source,release',
        `pittsburgh-us,US,PA,homicide-rate,2010,17.88,,,MEASURED,,"${MARSHALL}",${seedRelease}`,
        `pittsburgh-us,US,PA,homicide-rate,2011,14.26,,,MEASURED,,"${MARSHALL}",${seedRelease}`,
        '',
      ].join('\n'),
    );
  });

  it('leaves the columns out by default and with provenance=false', async () => {
    const plain = await (await get(`/export/observations.csv?${PITTSBURGH}`)).text();
    expect(plain.split('\n')[0]).toBe('city,country,region,indicator,year,value,lower,upper,status,note');
    expect(await (await get(`/export/observations.csv?${PITTSBURGH}&provenance=false`)).text()).toBe(plain);
  });

  it('describes the columns in the datapackage.json and keeps provenance in its resource path', async () => {
    const response = await get(`/export/datapackage.json?${PITTSBURGH}&provenance=1`);
    expect(response.status).toBe(200);
    const pkg = (await response.json()) as {
      resources: { path: string; schema: { fields: { name: string; type: string }[] } }[];
    };
    const fields = pkg.resources[0].schema.fields;
    expect(fields.slice(-2)).toEqual([
      expect.objectContaining({ name: 'source', type: 'string' }),
      expect.objectContaining({ name: 'release', type: 'integer' }),
    ]);
    expect(pkg.resources[0].path).toContain('provenance=true');
    const csv = await (await fetch(pkg.resources[0].path)).text();
    expect(csv.split('\n')[0]).toBe(fields.map((f) => f.name).join(','));
  });

  it.each([
    ['provenance=maybe', 'provenance must be true or false'],
    ['provenance=true&layout=wide', 'long layout only'],
  ])('answers 400 BAD_USER_INPUT to %s', async (query, words) => {
    const response = await get(`/export/observations.csv?${PITTSBURGH}&${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: { message: string; extensions: { code: string; argument: string } }[];
    };
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'provenance' });
    expect(body.errors[0].message).toContain(words);
  });
});

describe('npm run export -- --provenance', () => {
  const run = promisify(execFile);
  let out: string;
  beforeAll(() => {
    ensureBuilt();
    out = mkdtempSync(path.join(tmpdir(), 'rightsgraph-export-'));
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const cli = (args: string[]) =>
    run(process.execPath, ['dist/src/cli/export.js', '--out', out, ...args], {
      cwd: ROOT,
      env: childEnv({ DATABASE_URL: db.url }),
    }).then(
      () => 0,
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  it('writes the same rows as the HTTP export with provenance, and a datapackage naming the two columns', async () => {
    const code = await cli([
      '--indicators',
      'homicide-rate',
      '--cities',
      'pittsburgh-us',
      '--year-to',
      '2011',
      '--provenance',
    ]);
    expect(code).toBe(0);
    expect(readFileSync(path.join(out, 'observations.csv'), 'utf8')).toBe(
      [
        'city,country,region,indicator,year,value,lower,upper,status,note,source,release',
        `pittsburgh-us,US,PA,homicide-rate,2010,17.88,,,MEASURED,,"${MARSHALL}",${seedRelease}`,
        `pittsburgh-us,US,PA,homicide-rate,2011,14.26,,,MEASURED,,"${MARSHALL}",${seedRelease}`,
        '',
      ].join('\n'),
    );
    const pkg = JSON.parse(readFileSync(path.join(out, 'datapackage.json'), 'utf8')) as {
      resources: { schema: { fields: { name: string }[] } }[];
    };
    expect(pkg.resources[0].schema.fields.slice(-2).map((f) => f.name)).toEqual(['source', 'release']);
  });

  it('exits 2 naming --provenance when the layout is wide', async () => {
    const result = await cli(['--indicators', 'homicide-rate', '--layout', 'wide', '--provenance']);
    expect(result).toMatchObject({ code: 2 });
    expect((result as { stderr: string }).stderr).toContain(
      '--provenance: provenance columns are written in the long layout only',
    );
  });
});
