import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { DataSource } from 'typeorm';
import { createDataSource, sqlCounterOf } from '../../src/db/dataSource';
import { EXPORT_BATCH_SIZE } from '../../src/modules/export/observationBatches';
import { readDatapackage } from '../../src/modules/ingest/datapackage';
import type { ImportProblem } from '../../src/modules/ingest/importErrors';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from '../../src/modules/ingest/parseObservations';
import { loadFixture, supersede, type FixtureSpec } from '../fixtures/fixture';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

interface ErrorBody {
  errors: { message: string; extensions: { code: string; argument?: string; suggestions?: string[] } }[];
}

/** A test database with the HTTP server on top of it. */
interface Site {
  db: TestDatabase;
  http: HttpTestServer;
  get(path: string): Promise<Response>;
  text(path: string): Promise<string>;
  json<T = Record<string, unknown>>(path: string): Promise<T>;
  close(): Promise<void>;
}

async function openSite(db: TestDatabase): Promise<Site> {
  const http = await startHttpServer(db.dataSource);
  const get = (path: string) => fetch(`${http.origin}${path}`);
  return {
    db,
    http,
    get,
    async text(path) {
      const response = await get(path);
      const body = await response.text();
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${body}`);
      return body;
    },
    async json<T>(path: string) {
      const response = await get(path);
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async close() {
      await http.close();
      await db.close();
    },
  };
}

const lines = (...rows: string[]) => rows.map((row) => `${row}\n`).join('');

/** Every current observation, by natural keys only (ids differ between databases). */
async function currentObservations(ds: DataSource, withSource = false) {
  return ds.query(
    `SELECT c.slug AS city, i.code AS indicator, o.year, o.disaggregation, o.value, o.lower, o.upper, o.status, o.note
            ${withSource ? ', s.title AS source' : ''}
     FROM observation o
     JOIN city c ON c.id = o.city_id
     JOIN indicator i ON i.id = o.indicator_id
     JOIN source s ON s.id = o.source_id
     WHERE o.superseded_in_release_id IS NULL
     ORDER BY c.slug, i.code, o.year, o.disaggregation, s.title`,
  );
}

async function indicatorDefinitions(ds: DataSource) {
  return ds.query(
    `SELECT i.code, i.name, i.unit, i.direction, i.kind, i.description, i.methodology,
            coalesce(array_agg(r.code::text ORDER BY r.code) FILTER (WHERE r.code IS NOT NULL), '{}') AS rights
     FROM indicator i LEFT JOIN indicator_right ir ON ir.indicator_id = i.id LEFT JOIN "right" r ON r.id = ir.right_id
     WHERE i.id IN (SELECT indicator_id FROM observation)
     GROUP BY i.id ORDER BY i.code`,
  );
}

/**
 * An empty, migrated database holding what an import expects to exist already: the countries,
 * the cities (with their slugs, which the export writes in its `city` column) and the rights
 * indicators link to. Indicators, sources and observations come from the import itself.
 */
async function emptyDatabaseLike(from: DataSource): Promise<TestDatabase> {
  const target = await createTestDatabase({ seed: false });
  const countries: { code: string; alpha3: string; name: string }[] = await from.query(
    `SELECT code, alpha3, name FROM country`,
  );
  await target.dataSource.query(
    `INSERT INTO country (code, alpha3, name) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
    [countries.map((c) => c.code), countries.map((c) => c.alpha3), countries.map((c) => c.name)],
  );
  const rights: { code: string; name: string }[] = await from.query(`SELECT code, name FROM "right"`);
  await target.dataSource.query(`INSERT INTO "right" (code, name) SELECT * FROM unnest($1::text[], $2::text[])`, [
    rights.map((r) => r.code),
    rights.map((r) => r.name),
  ]);
  const cities: { slug: string; name: string; ascii_name: string; country_code: string; region: string | null }[] =
    await from.query(`SELECT slug, name, ascii_name, country_code, region FROM city ORDER BY id`);
  await target.dataSource.query(
    `INSERT INTO city (slug, name, ascii_name, country_code, region)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
    [
      cities.map((c) => c.slug),
      cities.map((c) => c.name),
      cities.map((c) => c.ascii_name),
      cities.map((c) => c.country_code),
      cities.map((c) => c.region),
    ],
  );
  return target;
}

/** Imports an exported pair (CSV text and datapackage.json) as the import CLI would. */
async function reimport(ds: DataSource, csv: string, datapackage: unknown) {
  const problems: ImportProblem[] = [];
  const metadata = readDatapackage(datapackage, problems);
  expect(problems).toEqual([]);
  const report = await importObservations(ds, csv, { metadata });
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  return report;
}

describe('export of the demo data', () => {
  let site: Site;
  let releaseId: number;
  beforeAll(async () => {
    site = await openSite(await createTestDatabase());
    [{ id: releaseId }] = await site.db.dataSource.query(`SELECT max(id) AS id FROM release`);
  });
  afterAll(async () => {
    await site?.close();
  });

  const pittsburgh = 'indicators=homicide-rate&cities=pittsburgh-us&yearFrom=2010&yearTo=2012';

  it('writes the long layout under the import header, as a CSV attachment', async () => {
    const response = await site.get(`/export/observations.csv?${pittsburgh}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="rightsgraph-observations-release-${releaseId}-[0-9a-f]{16}\\.csv"$`),
    );
    // seed-facts.md, Pittsburgh homicides per 100k: 17.88, 14.26, 13.14.
    expect(await response.text()).toBe(
      lines(
        'city,country,region,indicator,year,value,lower,upper,status,note',
        'pittsburgh-us,US,PA,homicide-rate,2010,17.88,,,MEASURED,',
        'pittsburgh-us,US,PA,homicide-rate,2011,14.26,,,MEASURED,',
        'pittsburgh-us,US,PA,homicide-rate,2012,13.14,,,MEASURED,',
      ),
    );
  });

  it('names exactly the columns the import reads', async () => {
    const [header] = (await site.text(`/export/observations.csv?${pittsburgh}`)).split('\n');
    expect(new Set(header.split(','))).toEqual(new Set([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]));
  });

  it('writes the wide layout with one column per year, empty where a city has no value', async () => {
    expect(await site.text(`/export/observations.csv?${pittsburgh}&layout=wide`)).toBe(
      lines('city,country,region,indicator,2010,2011,2012', 'pittsburgh-us,US,PA,homicide-rate,17.88,14.26,13.14'),
    );
    // seed-facts.md, PM2.5: Pittsburgh 9 (2015), Boston 7 (2016).
    expect(
      await site.text(
        '/export/observations.csv?indicators=pm25-annual-mean&cities=boston-us,pittsburgh-us&layout=wide',
      ),
    ).toBe(
      lines(
        'city,country,region,indicator,2015,2016',
        'pittsburgh-us,US,PA,pm25-annual-mean,9,',
        'boston-us,US,MA,pm25-annual-mean,,7',
      ),
    );
  });

  it('takes cities by id or slug, countries in any case, and repeated parameters as lists', async () => {
    const [{ id }] = await site.db.dataSource.query(`SELECT id FROM city WHERE slug = 'pittsburgh-us'`);
    const byId = await site.text(`/export/observations.csv?indicators=homicide-rate&cities=${id}&yearTo=2012`);
    const bySlug = await site.text(`/export/observations.csv?${pittsburgh}`);
    expect(byId).toBe(bySlug);
    const repeated = await site.text(
      '/export/observations.csv?indicators=pm25-annual-mean&countries=at&countries=gb&statuses=measured',
    );
    expect(repeated).toBe(
      lines(
        'city,country,region,indicator,year,value,lower,upper,status,note',
        'graz-at,AT,Styria,pm25-annual-mean,2016,17,,,MEASURED,',
        'vienna-at,AT,Vienna,pm25-annual-mean,2016,14,,,MEASURED,',
        'york-gb,GB,England,pm25-annual-mean,2016,11,,,MEASURED,',
      ),
    );
  });

  it('describes the same query in a datapackage.json whose resource path returns the same CSV', async () => {
    const pkg = await site.json<{
      title: string;
      licenses: unknown[];
      sources: { title: string; path: string; publisher: string; indicators: string[] }[];
      resources: { path: string; schema: { fields: { name: string; type: string }[] } }[];
      rightsgraph: {
        publisher: string;
        citation: string;
        indicators: { code: string; unit: string; direction: string; rights: string[] }[];
        disaggregations: string[];
        release: { id: number; date: string };
        export: { citation: string; rows: number };
      };
    }>(`/export/datapackage.json?${pittsburgh}`);
    const marshall =
      'The Crime Report: FBI Uniform Crime Reports for large US cities, compiled by The Marshall Project';
    expect(pkg.title).toBe(marshall);
    expect(pkg.sources).toEqual([
      expect.objectContaining({
        title: marshall,
        path: 'https://github.com/themarshallproject/city-crime',
        publisher: 'The Marshall Project',
        indicators: ['homicide-rate'],
      }),
    ]);
    // FBI Uniform Crime Reports: a US federal government work (seeds/sources.ts).
    expect(pkg.licenses).toEqual([{ title: 'public domain (US federal government work)' }]);
    expect(pkg.sources[0]).toMatchObject({ license: 'public domain (US federal government work)' });
    expect(pkg.rightsgraph.publisher).toBe('The Marshall Project');
    expect(pkg.rightsgraph.indicators).toEqual([
      expect.objectContaining({
        code: 'homicide-rate',
        unit: 'per 100k',
        direction: 'LOWER_IS_BETTER',
        rights: ['life-and-security'],
      }),
    ]);
    expect(pkg.rightsgraph.disaggregations).toEqual([]);
    expect(pkg.rightsgraph.release.id).toBe(releaseId);
    expect(pkg.rightsgraph.export.rows).toBe(3);
    expect(pkg.rightsgraph.export.citation).toMatch(
      new RegExp(
        `^The Marshall Project, "The Crime Report" .* <https://github\\.com/themarshallproject/city-crime>\\. Computed with rightsgraph \\(export\\) from release ${releaseId} \\(\\d{4}-\\d{2}-\\d{2}\\); query [0-9a-f]{16}\\.$`,
      ),
    );
    const [resource] = pkg.resources;
    expect(resource.path).toBe(
      `${site.http.origin}/export/observations.csv?indicators=homicide-rate&cities=pittsburgh-us&yearFrom=2010&yearTo=2012&asOf=${releaseId}`,
    );
    const csv = await site.text(`/export/observations.csv?${pittsburgh}`);
    expect(await (await fetch(resource.path)).text()).toBe(csv);
    expect(resource.schema.fields.map((f) => f.name).join(',')).toBe(csv.split('\n')[0]);
    expect(resource.schema.fields.find((f) => f.name === 'year')?.type).toBe('integer');
    expect(resource.schema.fields.find((f) => f.name === 'value')?.type).toBe('number');
  });

  it('answers the CSV examples of docs/export.md as they are written there', async () => {
    const docs = readFileSync(path.resolve(__dirname, '../../docs/export.md'), 'utf8');
    const examples = [
      ...docs.matchAll(/```sh\ncurl '[^']*?(\/export\/observations\.csv[^']*)'\n```\n\n```csv\n([\s\S]*?)```/g),
    ];
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const [, url, expected] of examples) expect(await site.text(url)).toBe(expected);
  });

  it.each([
    ['indicators=homicide-rat', 'indicators'],
    ['cities=atlantis-us', 'cities'],
    ['cities=0', 'cities'],
    ['countries=XX', 'countries'],
    ['countries=XXX', 'countries'],
    ['countries=USAX', 'countries'],
    ['yearFrom=twenty', 'yearFrom'],
    ['yearFrom=1800', 'yearFrom'],
    ['yearFrom=2015&yearTo=2010', 'yearFrom'],
    ['statuses=GUESSED', 'statuses'],
    ['sources=999999', 'sources'],
    ['asOf=999999', 'asOf'],
    ['asOf=latest', 'asOf'],
    ['layout=tall', 'layout'],
    ['indicator=homicide-rate', 'indicator'],
  ])('answers 400 BAD_USER_INPUT naming the parameter for ?%s', async (query, argument) => {
    for (const endpoint of ['observations.csv', 'datapackage.json']) {
      const response = await site.get(`/export/${endpoint}?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as ErrorBody;
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    }
  });

  it('suggests the closest codes for a mistyped indicator, city or parameter', async () => {
    const suggestions = async (query: string) =>
      ((await (await site.get(`/export/observations.csv?${query}`)).json()) as ErrorBody).errors[0].extensions
        .suggestions;
    expect(await suggestions('indicators=homicide-rat')).toContain('homicide-rate');
    expect(await suggestions('cities=pittsburg')).toContain('pittsburgh-us');
    expect(await suggestions('indicator=homicide-rate')).toEqual(['indicators']);
  });

  it('lists every source\'s licence, saying "not stated" where the source states none', async () => {
    const pkg = await site.json<{ licenses: unknown[]; sources: { publisher: string; license: string }[] }>(
      '/export/datapackage.json',
    );
    // seeds/sources.ts: the FBI's UCR are a US federal government work; the WHO database states no licence.
    expect(pkg.sources.map((s) => [s.publisher, s.license])).toEqual([
      ['The Marshall Project', 'public domain (US federal government work)'],
      ['World Health Organization', 'not stated'],
    ]);
    expect(pkg.licenses).toEqual([{ title: 'public domain (US federal government work)' }, { title: 'not stated' }]);
    // A selection without rows has no source, and still no empty licence list.
    const empty = await site.json<{ licenses: unknown[]; sources: unknown[] }>(
      '/export/datapackage.json?yearFrom=1900&yearTo=1901',
    );
    expect(empty).toMatchObject({ sources: [], licenses: [{ title: 'not stated' }] });
  });

  it('round trip: everything, exported and re-imported into an empty database, gives identical observations', async () => {
    const csv = await site.text('/export/observations.csv');
    const pkg = await site.json<{ title: string }>('/export/datapackage.json');
    const target = await emptyDatabaseLike(site.db.dataSource);
    try {
      const expected = await currentObservations(site.db.dataSource);
      expect(expected.length).toBeGreaterThan(200);
      const report = await reimport(target.dataSource, csv, pkg);
      expect(report.added).toBe(expected.length);
      expect(await currentObservations(target.dataSource)).toEqual(expected);
      expect(await indicatorDefinitions(target.dataSource)).toEqual(await indicatorDefinitions(site.db.dataSource));
      // Rows of two sources in one file: the re-import attributes them to the export itself,
      // whose citation lists both (per-row provenance needs one export per source, below).
      const sources = await target.dataSource.query(`SELECT title, citation FROM source`);
      expect(sources).toEqual([{ title: pkg.title, citation: expect.stringContaining('The Marshall Project') }]);
      expect(sources[0].citation).toContain('World Health Organization');
    } finally {
      await target.close();
    }
  });

  it('round trip: one export per source keeps every row attributed to its own source', async () => {
    const sourceIds: { source_id: number }[] = await site.db.dataSource.query(
      `SELECT DISTINCT source_id FROM observation ORDER BY source_id`,
    );
    expect(sourceIds.length).toBe(2);
    const target = await emptyDatabaseLike(site.db.dataSource);
    try {
      for (const { source_id } of sourceIds) {
        const query = `sources=${source_id}`;
        await reimport(
          target.dataSource,
          await site.text(`/export/observations.csv?${query}`),
          await site.json(`/export/datapackage.json?${query}`),
        );
      }
      expect(await currentObservations(target.dataSource, true)).toEqual(
        await currentObservations(site.db.dataSource, true),
      );
      const sourceRows = `SELECT publisher, title, url, license, citation FROM source
                          WHERE id IN (SELECT source_id FROM observation) ORDER BY title`;
      expect(await target.dataSource.query(sourceRows)).toEqual(await site.db.dataSource.query(sourceRows));
      // Re-importing the same export into the database it came from changes nothing.
      const again = await importObservations(
        site.db.dataSource,
        await site.text(`/export/observations.csv?sources=${sourceIds[0].source_id}`),
        {
          metadata: readDatapackage(await site.json(`/export/datapackage.json?sources=${sourceIds[0].source_id}`), []),
        },
      );
      expect(again).toMatchObject({ ok: true, added: 0, changed: 0, releaseId: null });
    } finally {
      await target.close();
    }
  });
});

/** A small world with what the demo data lacks: bounds, statuses, notes that need quoting, disaggregations. */
const TRICKY: FixtureSpec = {
  cities: [
    { slug: 'vienna-at', country: 'AT', region: 'Vienna' },
    { slug: 'york-gb', country: 'GB', region: 'England' },
    { slug: 'york-us', country: 'US', region: 'PA' },
  ],
  indicators: [
    { code: 'shelter-beds', unit: 'per 10k', direction: 'HIGHER_IS_BETTER', rights: ['housing'] },
    { code: 'homicide-rate' },
  ],
  observations: [
    {
      city: 'vienna-at',
      indicator: 'shelter-beds',
      year: 2015,
      value: 13,
      lower: 12.5,
      upper: 13.5,
      status: 'ESTIMATED',
    },
    { city: 'vienna-at', indicator: 'shelter-beds', year: 2015, value: 7, disaggregation: 'sex=female' },
    { city: 'vienna-at', indicator: 'shelter-beds', year: 2015, value: 6, disaggregation: 'sex=male' },
    { city: 'york-gb', indicator: 'homicide-rate', year: 2015, value: 1234567.25 },
    {
      city: 'york-us',
      indicator: 'homicide-rate',
      year: 2016,
      value: 0.000125,
      disaggregation: 'age=15-24;sex=female',
      status: 'PROVISIONAL',
    },
    { city: 'york-us', indicator: 'homicide-rate', year: 2017, value: 1e21 },
  ],
};

async function trickyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ seed: false });
  await loadFixture(db.dataSource, TRICKY);
  await db.dataSource.query(
    `UPDATE observation SET note = $1 WHERE value = 13`, // the Vienna total
    ['counted on 1 March, "all beds"\nincluding overflow'],
  );
  await db.dataSource.query(`UPDATE observation SET note = $1 WHERE value = 1234567.25`, ['  starts with spaces']);
  return db;
}

describe('export of values that need quoting, bounds, statuses and disaggregations', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite(await trickyDatabase());
  });
  afterAll(async () => {
    await site?.close();
  });

  it('quotes notes with commas, quotes, line breaks or edge spaces, and writes a column per disaggregation', async () => {
    expect(await site.text('/export/observations.csv')).toBe(
      lines(
        'city,country,region,indicator,year,value,lower,upper,status,note,age,sex',
        'vienna-at,AT,Vienna,shelter-beds,2015,13,12.5,13.5,ESTIMATED,"counted on 1 March, ""all beds""\nincluding overflow",,',
        'vienna-at,AT,Vienna,shelter-beds,2015,7,,,MEASURED,,,female',
        'vienna-at,AT,Vienna,shelter-beds,2015,6,,,MEASURED,,,male',
        'york-gb,GB,England,homicide-rate,2015,1234567.25,,,MEASURED,"  starts with spaces",,',
        'york-us,US,PA,homicide-rate,2016,0.000125,,,PROVISIONAL,,15-24,female',
        'york-us,US,PA,homicide-rate,2017,1e+21,,,MEASURED,,,',
      ),
    );
  });

  it('writes one wide row per city, indicator and disaggregation', async () => {
    expect(await site.text('/export/observations.csv?layout=wide')).toBe(
      lines(
        'city,country,region,indicator,age,sex,2015,2016,2017',
        'vienna-at,AT,Vienna,shelter-beds,,,13,,',
        'vienna-at,AT,Vienna,shelter-beds,,female,7,,',
        'vienna-at,AT,Vienna,shelter-beds,,male,6,,',
        'york-gb,GB,England,homicide-rate,,,1234567.25,,',
        'york-us,US,PA,homicide-rate,,,,,1e+21',
        'york-us,US,PA,homicide-rate,15-24,female,,0.000125,',
      ),
    );
  });

  it('declares the disaggregations and the year columns in datapackage.json', async () => {
    const pkg = await site.json<{
      resources: { schema: { fields: { name: string; type: string }[] } }[];
      rightsgraph: { disaggregations: string[] };
    }>('/export/datapackage.json?layout=wide');
    expect(pkg.rightsgraph.disaggregations).toEqual(['age', 'sex']);
    expect(pkg.resources[0].schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'city:string',
      'country:string',
      'region:string',
      'indicator:string',
      'age:string',
      'sex:string',
      '2015:number',
      '2016:number',
      '2017:number',
    ]);
  });

  it('round trip: notes, bounds, statuses, disaggregations and extreme numbers come back identical', async () => {
    const target = await emptyDatabaseLike(site.db.dataSource);
    try {
      await reimport(
        target.dataSource,
        await site.text('/export/observations.csv'),
        await site.json('/export/datapackage.json'),
      );
      expect(await currentObservations(target.dataSource, true)).toEqual(
        await currentObservations(site.db.dataSource, true),
      );
      expect(await indicatorDefinitions(target.dataSource)).toEqual(await indicatorDefinitions(site.db.dataSource));
    } finally {
      await target.close();
    }
  });
});

/**
 * Cells a spreadsheet would run (issue 12, row 8), in every text column: region, note and a
 * disaggregation value; negative numbers, which must stay numbers.
 */
const FORMULAS: FixtureSpec = {
  cities: [{ slug: 'york-gb', country: 'GB', region: '=1+2' }],
  indicators: [{ code: 'homicide-rate' }],
  observations: [
    { city: 'york-gb', indicator: 'homicide-rate', year: 2011, value: -1.5, lower: -2 },
    { city: 'york-gb', indicator: 'homicide-rate', year: 2012, value: 2 },
    { city: 'york-gb', indicator: 'homicide-rate', year: 2013, value: 3 },
    { city: 'york-gb', indicator: 'homicide-rate', year: 2014, value: 4 },
    { city: 'york-gb', indicator: 'homicide-rate', year: 2015, value: 5 },
    { city: 'york-gb', indicator: 'homicide-rate', year: 2016, value: 6 },
    { city: 'york-gb', indicator: 'homicide-rate', year: 2017, value: 7 },
    { city: 'york-gb', indicator: 'homicide-rate', year: 2017, value: 8, disaggregation: 'sex=@female' },
    { city: 'york-gb', indicator: 'homicide-rate', year: 2018, value: 9 },
  ],
};
const FORMULA_NOTES: [number, string][] = [
  [2011, "=cmd|' /C calc'!A0"],
  [2012, '@SUM(A1:A9)'],
  [2013, '+1+1'],
  [2014, '-2+3'],
  [2015, '\tTAB'],
  [2016, "'=already quoted"],
  [2017, 'plain, harmless'],
  [2018, '\rCR'],
];

describe('export of cells a spreadsheet would run as formulas', () => {
  let site: Site;
  beforeAll(async () => {
    const db = await createTestDatabase({ seed: false });
    await loadFixture(db.dataSource, FORMULAS);
    for (const [year, note] of FORMULA_NOTES) {
      await db.dataSource.query(`UPDATE observation SET note = $1 WHERE year = $2 AND disaggregation = ''`, [
        note,
        year,
      ]);
    }
    site = await openSite(db);
  });
  afterAll(async () => {
    await site?.close();
  });

  it('prefixes formula-leading text with a single quote and leaves numbers alone', async () => {
    // Written by hand from OWASP's rule: =, +, -, @, tab or CR first gets a quote; a text
    // already starting with a quote before one of them gets one more.
    expect(await site.text('/export/observations.csv')).toBe(
      lines(
        'city,country,region,indicator,year,value,lower,upper,status,note,sex',
        "york-gb,GB,'=1+2,homicide-rate,2011,-1.5,-2,,MEASURED,'=cmd|' /C calc'!A0,",
        "york-gb,GB,'=1+2,homicide-rate,2012,2,,,MEASURED,'@SUM(A1:A9),",
        "york-gb,GB,'=1+2,homicide-rate,2013,3,,,MEASURED,'+1+1,",
        "york-gb,GB,'=1+2,homicide-rate,2014,4,,,MEASURED,'-2+3,",
        "york-gb,GB,'=1+2,homicide-rate,2015,5,,,MEASURED,'\tTAB,",
        "york-gb,GB,'=1+2,homicide-rate,2016,6,,,MEASURED,''=already quoted,",
        'york-gb,GB,\'=1+2,homicide-rate,2017,7,,,MEASURED,"plain, harmless",',
        "york-gb,GB,'=1+2,homicide-rate,2017,8,,,MEASURED,,'@female",
        'york-gb,GB,\'=1+2,homicide-rate,2018,9,,,MEASURED,"\'\rCR",',
      ),
    );
    expect(await site.text('/export/observations.csv?layout=wide')).toBe(
      lines(
        'city,country,region,indicator,sex,2011,2012,2013,2014,2015,2016,2017,2018',
        "york-gb,GB,'=1+2,homicide-rate,,-1.5,2,3,4,5,6,7,9",
        "york-gb,GB,'=1+2,homicide-rate,'@female,,,,,,,8,",
      ),
    );
  });

  it('round trip: the import takes the quote off again, so every value comes back identical', async () => {
    const target = await emptyDatabaseLike(site.db.dataSource);
    try {
      await reimport(
        target.dataSource,
        await site.text('/export/observations.csv'),
        await site.json('/export/datapackage.json'),
      );
      const back = await currentObservations(target.dataSource);
      expect(back).toEqual(await currentObservations(site.db.dataSource));
      expect(back.map((o: { note: string | null }) => o.note)).toEqual([
        ...FORMULA_NOTES.slice(0, -1).map(([, n]) => n),
        null, // 2017, sex=@female
        FORMULA_NOTES[FORMULA_NOTES.length - 1][1],
      ]);
    } finally {
      await target.close();
    }
  });
});

describe('export asOf a release', () => {
  it('exports the values as they stood at that release, and pins the newest one by default', async () => {
    const db = await createTestDatabase({ seed: false });
    const fixture = await loadFixture(db.dataSource, {
      cities: [{ slug: 'york-gb', country: 'GB', region: 'England' }],
      indicators: [{ code: 'homicide-rate' }],
      observations: [
        { city: 'york-gb', indicator: 'homicide-rate', year: 2015, value: 1.5 },
        { city: 'york-gb', indicator: 'homicide-rate', year: 2016, value: 1.7 },
      ],
    });
    const corrected = await supersede(db.dataSource, fixture, [
      { city: 'york-gb', indicator: 'homicide-rate', year: 2016, value: 1.9 },
    ]);
    const site = await openSite(db);
    try {
      const header = 'city,country,region,indicator,year,value,lower,upper,status,note';
      expect(await site.text(`/export/observations.csv?asOf=${fixture.releaseId}`)).toBe(
        lines(
          header,
          'york-gb,GB,England,homicide-rate,2015,1.5,,,MEASURED,',
          'york-gb,GB,England,homicide-rate,2016,1.7,,,MEASURED,',
        ),
      );
      const current = lines(
        header,
        'york-gb,GB,England,homicide-rate,2015,1.5,,,MEASURED,',
        'york-gb,GB,England,homicide-rate,2016,1.9,,,MEASURED,',
      );
      expect(await site.text('/export/observations.csv')).toBe(current);
      expect(await site.text(`/export/observations.csv?asOf=${corrected}`)).toBe(current);
      const pkg = await site.json<{
        resources: { path: string }[];
        rightsgraph: { release: { id: number } };
      }>('/export/datapackage.json');
      expect(pkg.rightsgraph.release.id).toBe(corrected);
      expect(pkg.resources[0].path).toBe(`${site.http.origin}/export/observations.csv?asOf=${corrected}`);
    } finally {
      await site.close();
    }
  });
});

/** `gc()` when the flag can still be set at run time (it can in Node 20), else undefined. */
function garbageCollector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

describe('streaming a large export', () => {
  const CITIES = 200;
  const INDICATORS = 10;
  const YEARS = 100;
  const ROWS = CITIES * INDICATORS * YEARS;
  let site: Site;
  beforeAll(async () => {
    const db = await createTestDatabase({ seed: false });
    const fixture = await loadFixture(db.dataSource, {
      cities: Array.from({ length: CITIES }, (_, i) => ({ slug: `city-${i + 1}`, country: 'US' })),
      indicators: Array.from({ length: INDICATORS }, (_, i) => ({ code: `indicator-${i + 1}` })),
      observations: [],
    });
    await db.dataSource.query(
      `INSERT INTO observation (city_id, indicator_id, year, value, source_id, release_id)
       SELECT c.id, i.id, y, (c.id * 7 + i.id * 3 + y) % 1000 / 10.0, $1, $2
       FROM city c CROSS JOIN indicator i CROSS JOIN generate_series(1901, ${1900 + YEARS}) AS y`,
      [fixture.source(fixture.defaultSource), fixture.releaseId],
    );
    await db.dataSource.query('ANALYZE observation');
    site = await openSite(db);
  }, 120_000);
  afterAll(async () => {
    await site?.close();
  });

  it(`streams ${ROWS.toLocaleString('en')} rows in fixed-size batches without holding them in memory`, async () => {
    const gc = garbageCollector();
    gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let newlines = 0;
    let bytes = 0;
    let sinceSample = 0;
    const { sent } = await sqlCounterOf(site.db.dataSource).record(async () => {
      const response = await site.get('/export/observations.csv');
      expect(response.status).toBe(200);
      // Read as it arrives and keep nothing, so the heap measures the server's side only.
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        for (const byte of chunk) if (byte === 10) newlines += 1;
        bytes += chunk.length;
        sinceSample += chunk.length;
        if (sinceSample >= 1 << 20) {
          sinceSample = 0;
          gc?.();
          peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        }
      }
    });
    expect(newlines).toBe(ROWS + 1);
    const batches = sent.filter((s) => s.query.includes('LIMIT CAST'));
    expect(batches).toHaveLength(Math.floor(ROWS / EXPORT_BATCH_SIZE) + 1);
    // With the heap collected at each sample, what is left is what the export holds: about one
    // batch (some 3 MB here). It must never hold as much as the CSV it writes (about 9 MB);
    // holding the rows themselves would take over 100 MB.
    if (gc) expect(peak).toBeLessThan(bytes);
  });

  it('cuts the connection when the database fails mid-stream, rather than ending a short CSV', async () => {
    // A server on a data source of its own, which goes away once the download has begun.
    const dataSource = createDataSource({ url: site.db.url, poolSize: 1 });
    await dataSource.initialize();
    const http = await startHttpServer(dataSource);
    try {
      const response = await fetch(`${http.origin}/export/observations.csv`);
      expect(response.status).toBe(200);
      await dataSource.destroy();
      await expect(response.text()).rejects.toThrow();
    } finally {
      await http.close();
      if (dataSource.isInitialized) await dataSource.destroy();
    }
  });
});
