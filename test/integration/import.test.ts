import { importObservations } from '../../src/modules/ingest/importObservations';
import { importFixtureMetadata, readImportFixture } from '../fixtures/importFixtures';
import { createTestServer, dataOf, type TestServer } from '../helpers/testServer';

const read = readImportFixture;
const metadata = importFixtureMetadata;

let t: TestServer;
beforeAll(async () => {
  t = await createTestServer();
});
afterAll(async () => {
  await t.close();
});

/** Row counts and a checksum of every observation: "the database is unchanged" made checkable. */
async function snapshot() {
  const [row] = await t.db.dataSource.query(
    `SELECT (SELECT count(*)::int FROM observation) AS observations,
            (SELECT count(*)::int FROM release) AS releases,
            (SELECT count(*)::int FROM city) AS cities,
            (SELECT count(*)::int FROM indicator) AS indicators,
            (SELECT count(*)::int FROM source) AS sources,
            (SELECT md5(coalesce(string_agg(row_to_json(o)::text, '|' ORDER BY o.id), '')) FROM observation o) AS checksum`,
  );
  return row;
}

async function valueOf(slug: string, indicator: string, year: number, asOf?: number) {
  const data = dataOf<{ city: { value: { value: number } | null } }>(
    await t.query(
      `query($slug: String, $indicator: String!, $year: Int!, $asOf: ID) {
      city(slug: $slug) { value(indicator: $indicator, year: $year, asOf: $asOf) { value } } }`,
      {
        slug,
        indicator,
        year,
        asOf: asOf === undefined ? undefined : String(asOf),
      },
    ),
  );
  return data.city.value?.value ?? null;
}

describe('import', () => {
  it('reports every problem of a bad file with line, column and reason, and changes nothing', async () => {
    const before = await snapshot();
    const report = await importObservations(t.db.dataSource, read('defects.csv'), { metadata: metadata() });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      {
        line: 2,
        column: 'city',
        value: 'Atlantis',
        reason: 'no city "Atlantis" in US (use --create-cities to add it)',
      },
      {
        line: 3,
        column: 'city',
        value: 'Louisville',
        reason:
          '2 cities called "Louisville" in US (louisville-co-us, region CO; louisville-ky-us, region KY): give the region or the slug',
      },
      { line: 5, column: null, value: null, reason: 'duplicates line 4: same city, indicator, year' },
      {
        line: 6,
        column: 'indicator',
        value: 'happiness',
        reason: 'unknown indicator: define it in datapackage.json (rightsgraph.indicators)',
      },
      {
        line: 7,
        column: 'country',
        value: 'XX',
        reason:
          'unknown country (expected an ISO 3166-1 alpha-2 or alpha-3 code or an English name); did you mean "AX", "CX", "MX"?',
      },
      { line: 8, column: 'value', value: '1;5', reason: 'is not a number (missing values are empty, NA, .. or -)' },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('loads a valid file as a new release, then re-imports it as a no-op, then supersedes a corrected value', async () => {
    const before = await snapshot();
    const first = await importObservations(t.db.dataSource, read('valid.csv'), { metadata: metadata() });
    expect(first).toMatchObject({
      ok: true,
      added: 4,
      changed: 0,
      unchanged: 0,
      missing: 1,
      records: 5,
      createdIndicators: ['shelter-beds'],
    });
    const release = first.releaseId as number;
    const [{ newest }] = await t.db.dataSource.query(`SELECT max(id) AS newest FROM release`);
    expect(release).toBe(newest);
    const after = await snapshot();
    expect(after.observations).toBe(before.observations + 4);
    expect(after.releases).toBe(before.releases + 1);
    expect(await valueOf('pittsburgh-us', 'shelter-beds', 2015)).toBe(1234.5);
    expect(await valueOf('washington-us', 'shelter-beds', 2015)).toBe(20);
    expect(await valueOf('louisville-ky-us', 'homicide-rate', 2016)).toBe(12.5);
    // Vienna's value is for women only: not a total, so City.value (totals) does not show it.
    expect(await valueOf('vienna-at', 'shelter-beds', 2015)).toBeNull();
    const [vienna] = await t.db.dataSource.query(
      `SELECT o.value, o.disaggregation, o.note FROM observation o JOIN city c ON c.id = o.city_id WHERE c.slug = 'vienna-at' AND o.year = 2015 AND o.indicator_id = (SELECT id FROM indicator WHERE code = 'shelter-beds')`,
    );
    expect(vienna).toEqual({ value: 7, disaggregation: 'sex=female', note: 'a note, with a comma' });

    const again = await importObservations(t.db.dataSource, read('valid.csv'), { metadata: metadata() });
    expect(again).toMatchObject({ ok: true, added: 0, changed: 0, unchanged: 4, releaseId: null });
    expect(again.message).toMatch(/nothing to import/);
    expect(await snapshot()).toEqual(after);

    const corrected = read('valid.csv').toString('utf8').replace('"1,234.5"', '1300');
    const third = await importObservations(t.db.dataSource, corrected, { metadata: metadata() });
    expect(third).toMatchObject({ ok: true, added: 0, changed: 1, unchanged: 3 });
    // Ids come from a sequence: the rolled-back no-op may have used one, so only order is promised.
    expect(third.releaseId).toBeGreaterThan(release);
    expect(await valueOf('pittsburgh-us', 'shelter-beds', 2015)).toBe(1300);
    expect(await valueOf('pittsburgh-us', 'shelter-beds', 2015, release)).toBe(1234.5);
    const [{ rows_added, rows_changed, rows_unchanged }] = await t.db.dataSource.query(
      `SELECT * FROM release WHERE id = $1`,
      [third.releaseId],
    );
    expect([rows_added, rows_changed, rows_unchanged]).toEqual([0, 1, 3]);
  });

  it('dry-runs without writing, and creates unknown cities only when asked, never ambiguous ones', async () => {
    const csv = 'city,country,region,indicator,year,value\nGreenville,US,SC,homicide-rate,2015,3\n';
    const before = await snapshot();
    const dry = await importObservations(t.db.dataSource, csv, {
      metadata: metadata(),
      createCities: true,
      dryRun: true,
    });
    expect(dry).toMatchObject({ ok: true, added: 1, dryRun: true, releaseId: null });
    expect(await snapshot()).toEqual(before);
    const refused = await importObservations(t.db.dataSource, csv, { metadata: metadata() });
    expect(refused.ok).toBe(false);
    const created = await importObservations(t.db.dataSource, csv, { metadata: metadata(), createCities: true });
    expect(created).toMatchObject({ ok: true, added: 1, createdCities: ['greenville-sc-us'] });
    expect(await valueOf('greenville-sc-us', 'homicide-rate', 2015)).toBe(3);
    const ambiguous = await importObservations(
      t.db.dataSource,
      'city,country,indicator,year,value\nLouisville,US,homicide-rate,2030,1\n',
      {
        metadata: metadata(),
        createCities: true,
      },
    );
    expect(ambiguous.ok).toBe(false);
    expect(ambiguous.problems[0].reason).toMatch(/^2 cities called "Louisville"/);
  });

  it('requires a source', async () => {
    const report = await importObservations(
      t.db.dataSource,
      'city,country,indicator,year,value\nBoston,US,homicide-rate,2030,1\n',
      {
        metadata: { source: null, indicators: [], disaggregations: [] },
      },
    );
    expect(report.ok).toBe(false);
    expect(report.problems[0].reason).toMatch(/^no source/);
  });
});
