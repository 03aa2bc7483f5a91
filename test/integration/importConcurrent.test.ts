import { Client } from 'pg';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { Direction } from '../../src/modules/indicator/indicator.entity';
import { syntheticMetadata } from '../../bench/syntheticImport';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';
import { TEST_ENV } from '../helpers/testEnv';

/**
 * Two imports at the same time may stage concurrently, but what they check against the
 * database and create must be serialised: two files naming the same new city and defining the
 * same new indicator must end with one of each, not a second city under a "-2" slug or a raw
 * unique violation. A third session holds the import lock until both imports wait for it, so
 * both have staged before either goes on. PGlite has a single session, so this needs a server.
 */
const onServer = process.env[TEST_ENV.kind] !== 'embedded';
const maybe = onServer ? describe : describe.skip;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const metadata = (title: string, withIndicator: boolean) =>
  syntheticMetadata(
    title,
    withIndicator ? [{ code: 'pier-count', name: 'Piers', unit: 'piers', direction: Direction.HIGHER_IS_BETTER }] : [],
  );

maybe('two concurrent imports', () => {
  it.each([
    ['a new city and a new indicator', 'Metropolis', 'metropolis-ny-us', true, 'pier-count'],
    ['a new city', 'Smallville', 'smallville-ny-us', false, 'homicide-rate'],
  ])('create %s they both name once', async (_, city, slug, withIndicator, indicator) => {
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('rightsgraph import'))`);
      const file = (year: number) => `city,country,region,indicator,year,value\n${city},US,NY,${indicator},${year},3`;
      const first = importObservations(db.dataSource, file(2001), {
        metadata: metadata('A', withIndicator),
        createCities: true,
      });
      const second = importObservations(db.dataSource, file(2002), {
        metadata: metadata('B', withIndicator),
        createCities: true,
      });
      // Settled together, so that a failure shows as the test's, not as an unhandled rejection.
      let settled = false;
      const outcomes = Promise.allSettled([first, second]).finally(() => {
        settled = true;
      });
      // Until both wait for the lock (or, were it not so, are over).
      for (let waiting = 0; waiting < 2 && !settled;) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        const { rows } = await holder.query(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE l.locktype = 'advisory' AND NOT l.granted AND a.datname = current_database()`,
        );
        waiting = rows[0].n;
      }
      await holder.query(`SELECT pg_advisory_unlock(hashtext('rightsgraph import'))`);
      const [a, b] = await outcomes;
      expect(a).toMatchObject({ status: 'fulfilled', value: { ok: true, added: 1 } });
      expect(b).toMatchObject({ status: 'fulfilled', value: { ok: true, added: 1 } });
      const reports = [a, b].map((o) => (o.status === 'fulfilled' ? o.value : null));
      // One of them created both, the other found them.
      expect(reports.flatMap((r) => r?.createdCities ?? []).sort()).toEqual([slug]);
      expect(reports.flatMap((r) => r?.createdIndicators ?? []).sort()).toEqual(withIndicator ? ['pier-count'] : []);
      const cities = await db.dataSource.query(`SELECT slug FROM city WHERE name = $1 ORDER BY slug`, [city]);
      expect(cities).toEqual([{ slug }]);
      const observations = await db.dataSource.query(
        `SELECT o.year, o.value FROM observation o JOIN city c ON c.id = o.city_id JOIN indicator i ON i.id = o.indicator_id
         WHERE c.slug = $1 AND i.code = $2 ORDER BY o.year`,
        [slug, indicator],
      );
      expect(observations).toEqual([
        { year: 2001, value: 3 },
        { year: 2002, value: 3 },
      ]);
    } finally {
      await holder.end();
    }
  });
});
