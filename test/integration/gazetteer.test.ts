import type { ImportMetadata } from '../../src/modules/ingest/datapackage';
import { Gazetteer, YIELD_EVERY } from '../../src/modules/ingest/gazetteer';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';
import { type PackagePlace, PLACES } from '../../bench/globalCities';

/**
 * The independent reading of the gazetteer: the package's own index (its `pbf`-based decoder
 * builds every place), against which the import's reader of the same file is checked.
 */
const ALL: PackagePlace[] = PLACES;
const placesCalled = (name: string, country: string) => ALL.filter((p) => p.name === name && p.country === country);

const METADATA: ImportMetadata = {
  source: {
    title: 'Gazetteer test source',
    publisher: 'Tests',
    url: null,
    license: null,
    citation: 'Tests. Gazetteer test source.',
    synthetic: true,
  },
  indicators: [],
  disaggregations: [],
};
const HEADER = 'city,country,region,indicator,year,value\n';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

async function city(slug: string) {
  const rows = await db.dataSource.query(
    `SELECT slug, name, country_code, region, geonames_id, latitude, longitude, population FROM city WHERE slug = $1`,
    [slug],
  );
  return rows[0] ?? null;
}
const cityCount = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM city`))[0].n as number;

describe('the gazetteer file', () => {
  it('reads the same places as the package’s own decoder, for the countries asked for', async () => {
    const gazetteer = await Gazetteer.load(['US', 'NA']);
    for (const [name, country] of [
      ['Portland', 'US'],
      ['Louisville', 'US'],
      ['Windhoek', 'NA'],
    ]) {
      const expected = placesCalled(name, country)
        .map((p) => ({
          geonamesId: String(p.cityId),
          region: p.adminCode,
          population: p.population,
          latitude: p.loc.coordinates[1],
          longitude: p.loc.coordinates[0],
        }))
        .sort((a, b) => b.population - a.population);
      const found = gazetteer.find({ city: name, country, region: null });
      expect(
        found.map(({ geonamesId, region, population, latitude, longitude }) => ({
          geonamesId,
          region,
          population,
          latitude,
          longitude,
        })),
      ).toEqual(expected);
      expect(found.length).toBeGreaterThan(0);
    }
    // Only the countries asked for are held.
    expect(gazetteer.find({ city: 'York', country: 'GB', region: null })).toEqual([]);
    // Case and accents do not matter; the region narrows (GeoNames' admin-1 code).
    expect(gazetteer.find({ city: 'PORTLAND', country: 'US', region: 'me' }).map((p) => p.geonamesId)).toEqual(
      placesCalled('Portland', 'US')
        .filter((p) => p.adminCode === 'ME')
        .map((p) => String(p.cityId)),
    );
  });
  it('keeps the event loop turning while it reads the whole file', async () => {
    // Read in one go, every country took 0.9 s of CPU on this machine: the server's other
    // requests waited that long behind an import that creates cities. Counted, not timed: a
    // callback that re-queues itself runs once per turn the loader gives back, and without
    // those turns it would not run at all until the read is over.
    const every = [...new Set(ALL.map((p) => p.country))];
    let turns = 0;
    let loading = true;
    const spin = () => {
      if (!loading) return;
      turns += 1;
      setImmediate(spin);
    };
    setImmediate(spin);
    const gazetteer = await Gazetteer.load(every);
    loading = false;
    expect(gazetteer.find({ city: 'Windhoek', country: 'NA', region: null })).toHaveLength(1);
    // One turn at least every YIELD_EVERY places of the 135,233.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(ALL.length / YIELD_EVERY));
  });
});

describe('an import creating cities from the gazetteer', () => {
  it('refuses a name the gazetteer knows several places by when the row gives no region, listing them', async () => {
    const before = await cityCount();
    const portlands = placesCalled('Portland', 'US').sort((a, b) => b.population - a.population);
    expect(portlands.length).toBeGreaterThan(5);
    const report = await importObservations(db.dataSource, `${HEADER}Portland,US,,homicide-rate,2015,3.1\n`, {
      metadata: METADATA,
      createCities: true,
    });
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    const { line, column, value, reason } = report.problems[0];
    expect({ line, column, value }).toEqual({ line: 2, column: 'city', value: 'Portland' });
    // The five most populous, named with region, population and GeoNames id; the rest counted.
    const listed = portlands
      .slice(0, 5)
      .map((p) => `Portland, ${p.adminCode} (population ${p.population.toLocaleString('en')}; GeoNames ${p.cityId})`);
    expect(reason).toBe(
      `${portlands.length} places called "Portland" in US in the gazetteer (${listed.join('; ')}; and ${
        portlands.length - 5
      } more): give the region, or import with --resolve largest to take the most populous`,
    );
    expect(await cityCount()).toBe(before);
  });

  it('with resolve "largest", takes the most populous and lists the choice for review', async () => {
    const largest = placesCalled('Portland', 'US').sort((a, b) => b.population - a.population)[0];
    const report = await importObservations(db.dataSource, `${HEADER}Portland,US,,homicide-rate,2015,3.1\n`, {
      metadata: METADATA,
      createCities: true,
      resolve: 'largest',
    });
    expect(report.ok).toBe(true);
    expect(report.createdCities).toEqual(['portland-us']);
    expect(report.places).toEqual({
      matched: [],
      notInGazetteer: [],
      largestChoices: [
        {
          city: 'portland-us',
          name: 'Portland',
          country: 'US',
          region: largest.adminCode,
          population: largest.population,
          geonamesId: String(largest.cityId),
          candidates: placesCalled('Portland', 'US').length,
        },
      ],
    });
    expect(await city('portland-us')).toEqual({
      slug: 'portland-us',
      name: 'Portland',
      country_code: 'US',
      region: 'OR',
      geonames_id: '5746545',
      latitude: largest.loc.coordinates[1],
      longitude: largest.loc.coordinates[0],
      population: largest.population,
    });
  });

  it('keeps York GB (seeded) and York US (created) apart, places Windhoek in Namibia (NA), reports a place it does not know', async () => {
    const before = await cityCount();
    const yorkPa = placesCalled('York', 'US').filter((p) => p.adminCode === 'PA');
    const windhoek = placesCalled('Windhoek', 'NA');
    expect([yorkPa.length, windhoek.length]).toEqual([1, 1]);
    const report = await importObservations(
      db.dataSource,
      `${HEADER}York,GB,,homicide-rate,2015,1.1\nYork,US,PA,homicide-rate,2015,9.9\nWindhoek,NA,,homicide-rate,2015,4.4\n` +
        `Gotham,US,NJ,homicide-rate,2015,7.7\n`,
      { metadata: METADATA, createCities: true },
    );
    expect(report.problems).toEqual([]);
    // York, GB is the seeded york-gb: found, not created.
    expect(report.createdCities).toEqual(['york-pa-us', 'windhoek-na', 'gotham-nj-us']);
    expect(await cityCount()).toBe(before + 3);
    expect(report.places).toEqual({
      matched: ['york-pa-us', 'windhoek-na'],
      largestChoices: [],
      notInGazetteer: ['gotham-nj-us'],
    });
    expect(await city('york-gb')).toMatchObject({ country_code: 'GB', region: 'England' });
    expect(await city('york-pa-us')).toMatchObject({
      country_code: 'US',
      region: 'PA',
      geonames_id: String(yorkPa[0].cityId),
      population: yorkPa[0].population,
    });
    expect(await city('windhoek-na')).toMatchObject({ country_code: 'NA', geonames_id: String(windhoek[0].cityId) });
    expect(await city('gotham-nj-us')).toMatchObject({ geonames_id: null, population: null, latitude: null });
    // Each York has its own value.
    const values = await db.dataSource.query(
      `SELECT c.slug, o.value FROM observation o JOIN city c ON c.id = o.city_id
       WHERE c.slug IN ('york-gb', 'york-pa-us') AND o.year = 2015 ORDER BY c.slug`,
    );
    expect(values).toEqual([
      { slug: 'york-gb', value: 1.1 },
      { slug: 'york-pa-us', value: 9.9 },
    ]);
  });

  it('adds "Wien, AT" to the seeded Vienna instead of creating a city, without reading the gazetteer', async () => {
    const before = await cityCount();
    const messages: string[] = [];
    const report = await importObservations(db.dataSource, `${HEADER}Wien,AT,,homicide-rate,2014,0.9\n`, {
      metadata: METADATA,
      createCities: true,
      onProgress: (message) => messages.push(message),
    });
    expect(report.ok).toBe(true);
    expect(report.createdCities).toEqual([]);
    expect(await cityCount()).toBe(before);
    expect(messages.some((m) => m.includes('gazetteer'))).toBe(false);
    const [row] = await db.dataSource.query(
      `SELECT o.value FROM observation o JOIN city c ON c.id = o.city_id JOIN indicator i ON i.id = o.indicator_id
       WHERE c.slug = 'vienna-at' AND i.code = 'homicide-rate' AND o.year = 2014 AND o.superseded_in_release_id IS NULL`,
    );
    expect(row.value).toBe(0.9);
  });

  it('takes "Vienna, AT, 09" (GeoNames\' region code) for the seeded Vienna (region "Vienna"), and a far namesake for a new city', async () => {
    const before = await cityCount();
    // Toledo, Oregon (GeoNames admin-1 OR) shares its name with the seeded Toledo, Ohio, 3,000 km away.
    const report = await importObservations(
      db.dataSource,
      `${HEADER}Vienna,AT,09,homicide-rate,2013,1.2\nToledo,US,OR,homicide-rate,2015,4.4\n`,
      { metadata: METADATA, createCities: true },
    );
    expect(report.ok).toBe(true);
    expect(report.createdCities).toEqual(['toledo-or-us']);
    expect(await cityCount()).toBe(before + 1);
    const rows = await db.dataSource.query(
      `SELECT c.slug, c.region, o.value FROM observation o JOIN city c ON c.id = o.city_id
       JOIN indicator i ON i.id = o.indicator_id
       WHERE i.code = 'homicide-rate' AND o.superseded_in_release_id IS NULL
         AND ((c.slug = 'vienna-at' AND o.year = 2013) OR (c.country_code = 'US' AND c.name = 'Toledo' AND o.year = 2015))
       ORDER BY c.slug`,
    );
    expect(rows).toEqual([
      { slug: 'toledo-or-us', region: 'OR', value: 4.4 },
      { slug: 'vienna-at', region: 'Vienna', value: 1.2 },
    ]);
  });

  it('creates from the row alone when told not to use the gazetteer', async () => {
    const report = await importObservations(db.dataSource, `${HEADER}Salem,US,OR,homicide-rate,2015,2.2\n`, {
      metadata: METADATA,
      createCities: true,
      gazetteer: false,
    });
    expect(report.ok).toBe(true);
    expect(report.places).toEqual({ matched: [], largestChoices: [], notInGazetteer: ['salem-or-us'] });
    expect(await city('salem-or-us')).toMatchObject({ region: 'OR', geonames_id: null, population: null });
  });
});

describe('POST /imports with resolve, and createCity with the gazetteer', () => {
  let http: HttpTestServer;
  let editor: string;
  beforeAll(async () => {
    http = await startHttpServer(db.dataSource);
    editor = (await createApiKey(db.dataSource, { name: 'curator', role: Role.EDITOR })).key;
  });
  afterAll(async () => {
    await http.close();
  });

  const post = (city: string, query: string) =>
    fetch(
      `${http.origin}/imports?sourceTitle=Gazetteer%20test%20source&sourcePublisher=Tests&createCities=true${query}`,
      {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${editor}` },
        body: `${HEADER}${city},US,,homicide-rate,2015,8.8\n`,
      },
    );

  it('refuses a resolve other than largest with a coded 400', async () => {
    const response = await post('Springfield', '&resolve=smallest');
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('takes the most populous Springfield with resolve=largest, and reports the choice', async () => {
    const springfields = placesCalled('Springfield', 'US').sort((a, b) => b.population - a.population);
    const response = await post('Springfield', '&resolve=largest');
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report.places.largestChoices).toEqual([
      expect.objectContaining({
        city: 'springfield-us',
        region: springfields[0].adminCode,
        geonamesId: String(springfields[0].cityId),
        candidates: springfields.length,
      }),
    ]);
    const answer = await fetch(`${http.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ city(slug: "springfield-us") { region population latitude longitude geonamesId } }',
      }),
    });
    expect((await answer.json()).data.city).toEqual({
      region: springfields[0].adminCode,
      population: springfields[0].population,
      latitude: springfields[0].loc.coordinates[1],
      longitude: springfields[0].loc.coordinates[0],
      geonamesId: String(springfields[0].cityId),
    });
  });

  it('leaves a name the database already has twice to the curator, even with resolve=largest', async () => {
    // The seeded Louisvilles (CO, KY) make "Louisville, US" ambiguous in the database: the
    // gazetteer is only asked about names the database does not know.
    const response = await post('Louisville', '&resolve=largest');
    expect(response.status).toBe(422);
    const report = await response.json();
    expect(report.problems[0].reason).toMatch(/^2 cities called "Louisville" in US/);
  });

  // createCity(gazetteer: true), through the same server.
  const create = async (input: Record<string, unknown>) =>
    (await (
      await fetch(`${http.origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${editor}` },
        body: JSON.stringify({
          query: `mutation($input: CreateCityInput!) {
            createCity(input: $input, gazetteer: true) { slug region geonamesId latitude longitude population }
          }`,
          variables: { input },
        }),
      })
    ).json()) as {
      data: { createCity: Record<string, unknown> } | null;
      errors?: { message: string; extensions: { code: string; argument?: string } }[];
    };

  it('fills the place of the one match from the gazetteer, the input winning where it gives a value', async () => {
    const [eugene] = placesCalled('Eugene', 'US').filter((p) => p.adminCode === 'OR');
    const result = await create({ name: 'Eugene', countryCode: 'US', region: 'OR', slug: 'eugene-or-us-test' });
    expect(result.errors).toBeUndefined();
    expect(result.data?.createCity).toEqual({
      slug: 'eugene-or-us-test',
      region: 'OR',
      geonamesId: String(eugene.cityId),
      latitude: eugene.loc.coordinates[1],
      longitude: eugene.loc.coordinates[0],
      population: eugene.population,
    });
    const given = await create({ name: 'Bend', countryCode: 'US', region: 'OR', latitude: 44.05, slug: 'bend-test' });
    expect(given.data?.createCity).toMatchObject({ latitude: 44.05, region: 'OR' });
  });

  it('refuses a name with several places and no region, and a name it does not know, writing nothing', async () => {
    const before = await cityCount();
    const portlands = placesCalled('Portland', 'US');
    const several = await create({ name: 'Portland', countryCode: 'US' });
    expect(several.data).toBeNull();
    expect(several.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.region' });
    expect(several.errors?.[0].message).toMatch(new RegExp(`^${portlands.length} places called "Portland" in US`));
    const none = await create({ name: 'Nowhere Atall', countryCode: 'US' });
    expect(none.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.name' });
    expect(await cityCount()).toBe(before);
  });
});
