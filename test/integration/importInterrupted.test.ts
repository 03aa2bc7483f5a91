import { Client } from 'pg';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';
import { TEST_ENV } from '../helpers/testEnv';

/**
 * An import whose database session dies in the middle of the COPY (the process killed, the
 * connection cut) must leave the database as it was: no partial rows, no release. The session
 * is terminated from a second connection while the COPY is running, which is what the server
 * sees when the importing process is killed. PGlite has a single session, so this needs a
 * Postgres server.
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

maybe('an interrupted import', () => {
  it('leaves no partial rows and no release', async () => {
    const snapshot = async () =>
      (
        await db.dataSource.query(
          `SELECT (SELECT count(*)::int FROM observation) AS observations, (SELECT count(*)::int FROM release) AS releases,
                  (SELECT count(*)::int FROM source) AS sources,
                  (SELECT md5(string_agg(row_to_json(o)::text, '|' ORDER BY o.id)) FROM observation o) AS checksum`,
        )
      )[0];
    const before = await snapshot();
    const lines = ['city,country,region,indicator,year,value'];
    for (let i = 0; i < 300_000; i += 1) lines.push(`Boston,US,MA,homicide-rate,${1900 + (i % 200)},${i}.5`);
    // Distinct keys are needed, or the file is refused as duplicates: vary the disaggregation.
    const csv = [
      'city,country,region,indicator,year,value,sex',
      ...lines.slice(1).map((l, i) => `${l},g${Math.floor(i / 200)}`),
    ].join('\n');

    const killer = new Client({ connectionString: db.url });
    await killer.connect();
    let killed = false;
    let settled = false;
    // Polls until the COPY shows up (parsing 300k rows first can take seconds on a busy machine)
    // or the import is over, whichever comes first.
    const kill = async () => {
      while (!killed && !settled) {
        const rows = await killer.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'COPY import_staging%' AND state = 'active'`,
        );
        if (rows.rows.length > 0) {
          await killer.query(`SELECT pg_terminate_backend($1)`, [rows.rows[0].pid]);
          killed = true;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const importing = importObservations(db.dataSource, csv, {
      metadata: {
        source: {
          title: 'Interrupted',
          publisher: 'Test',
          url: null,
          license: null,
          citation: 'Test.',
          synthetic: true,
        },
        indicators: [],
        disaggregations: ['sex'],
      },
    });
    void importing
      .finally(() => {
        settled = true;
      })
      .catch(() => undefined);
    const [outcome] = await Promise.allSettled([importing, kill()]);
    await killer.end();
    expect(killed).toBe(true);
    expect(outcome.status).toBe('rejected');
    expect(await snapshot()).toEqual(before);
  });
});
