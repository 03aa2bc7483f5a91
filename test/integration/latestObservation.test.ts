import { loadFixture, series, supersede, type Fixture } from '../fixtures/fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * `latest_observation` is derived data kept by triggers on `observation`. Each step below
 * changes `observation` the way some writer does (insert, supersede, delete, cascade from a
 * city, truncate) and states by hand which row each (city, indicator) must then hold: the
 * current total of the latest year, the lowest source id within that year.
 */

let db: TestDatabase;
let f: Fixture;

beforeAll(async () => {
  db = await createTestDatabase({ seed: false });
  f = await loadFixture(db.dataSource, {
    cities: [
      { slug: 'aa', country: 'AT' },
      { slug: 'bb', country: 'AT' },
      { slug: 'cc', country: 'DE' },
    ],
    indicators: [{ code: 'x' }, { code: 'y' }],
    sources: ['first', 'second'],
    observations: [
      ...series('aa', 'x', [
        [2018, 1],
        [2019, 2],
        [2020, 3],
      ]),
      // A second source for aa's latest year: the first source (lower id) is the one kept.
      { city: 'aa', indicator: 'x', year: 2020, value: 30, source: 'second' },
      // A disaggregated value in a later year is not a total: never the latest.
      { city: 'aa', indicator: 'x', year: 2022, value: 99, disaggregation: 'sex=female' },
      ...series('bb', 'x', [[2015, 7]]),
      // Only the second source: kept.
      ...series('bb', 'y', [[2021, 5]], { source: 'second' }),
      ...series('cc', 'y', [
        [2010, 8],
        [2011, 9],
      ]),
    ],
  });
});

afterAll(async () => {
  await db.close();
});

type Row = [city: string, indicator: string, year: number, value: number, source: string];

async function latest(): Promise<Row[]> {
  const rows: { city: string; indicator: string; year: number; value: number; source: string }[] =
    await db.dataSource.query(
      `SELECT c.slug AS city, i.code AS indicator, l.year, l.value, s.title AS source
       FROM latest_observation l
       JOIN city c ON c.id = l.city_id JOIN indicator i ON i.id = l.indicator_id JOIN source s ON s.id = l.source_id
       ORDER BY c.slug, i.code`,
    );
  return rows.map((r) => [r.city, r.indicator, r.year, r.value, r.source]);
}

/** The row's observation_id names the observation it copies, and the copy matches it. */
async function expectCopiesOfObservations(): Promise<void> {
  const mismatched = await db.dataSource.query(
    `SELECT l.* FROM latest_observation l
     LEFT JOIN observation o ON o.id = l.observation_id
     WHERE o.id IS NULL OR o.superseded_in_release_id IS NOT NULL OR o.disaggregation <> ''
        OR (o.city_id, o.indicator_id, o.year, o.value, o.lower, o.upper, o.status, o.source_id, o.release_id)
           IS DISTINCT FROM (l.city_id, l.indicator_id, l.year, l.value, l.lower, l.upper, l.status, l.source_id, l.release_id)`,
  );
  expect(mismatched).toEqual([]);
}

describe('latest_observation', () => {
  it('holds each pair’s latest total, lowest source id first, after the inserts of the fixture', async () => {
    expect(await latest()).toEqual([
      ['aa', 'x', 2020, 3, 'first'],
      ['bb', 'x', 2015, 7, 'first'],
      ['bb', 'y', 2021, 5, 'second'],
      ['cc', 'y', 2011, 9, 'first'],
    ]);
    await expectCopiesOfObservations();
  });

  it('follows a superseded latest value to its replacement, and leaves older values alone', async () => {
    await supersede(db.dataSource, f, [
      { city: 'aa', indicator: 'x', year: 2020, value: 3.5, source: 'first' },
      { city: 'cc', indicator: 'y', year: 2010, value: 8.5, source: 'first' }, // not cc's latest year
    ]);
    expect(await latest()).toEqual([
      ['aa', 'x', 2020, 3.5, 'first'],
      ['bb', 'x', 2015, 7, 'first'],
      ['bb', 'y', 2021, 5, 'second'],
      ['cc', 'y', 2011, 9, 'first'],
    ]);
    await expectCopiesOfObservations();
  });

  it('moves to a newer year when one is inserted, and back when it is deleted', async () => {
    const [{ id: releaseId }] = await db.dataSource.query(
      `INSERT INTO release (description) VALUES ('t') RETURNING id`,
    );
    await db.dataSource.query(
      `INSERT INTO observation (city_id, indicator_id, year, value, source_id, release_id) VALUES ($1, $2, 2016, 6, $3, $4)`,
      [f.city('bb'), f.indicator('x'), f.source('second'), releaseId],
    );
    expect((await latest())[1]).toEqual(['bb', 'x', 2016, 6, 'second']);

    await db.dataSource.query(`DELETE FROM observation WHERE city_id = $1 AND indicator_id = $2 AND year = 2016`, [
      f.city('bb'),
      f.indicator('x'),
    ]);
    expect((await latest())[1]).toEqual(['bb', 'x', 2015, 7, 'first']);

    // Deleting a pair's only value removes its row.
    await db.dataSource.query(`DELETE FROM observation WHERE city_id = $1 AND indicator_id = $2`, [
      f.city('bb'),
      f.indicator('y'),
    ]);
    expect((await latest()).map((r) => r.slice(0, 2))).toEqual([
      ['aa', 'x'],
      ['bb', 'x'],
      ['cc', 'y'],
    ]);
    await expectCopiesOfObservations();
  });

  it('loses a deleted city’s rows through the cascade, and everything on TRUNCATE', async () => {
    await db.dataSource.query(`DELETE FROM city WHERE slug = 'cc'`);
    expect((await latest()).map((r) => r[0])).toEqual(['aa', 'bb']);

    await db.dataSource.query(`TRUNCATE observation`);
    expect(await latest()).toEqual([]);
  });
});
