import { Client } from 'pg';
import { sqlCounterOf } from '../../src/db/dataSource';
import { Direction } from '../../src/modules/indicator/indicator.entity';
import { startBulkWrite } from '../../src/modules/ingest/bulkWrite';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { csvFile, syntheticMetadata } from '../../bench/syntheticImport';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';
import { TEST_ENV } from '../helpers/testEnv';

/**
 * The merge writes observation with its triggers off where the role may (bulkWrite.ts) and does
 * their work itself, once. What the triggers would have done must still happen: the foreign
 * keys' check, latest_observation, the notification. The expected values are stated by hand
 * from the files below.
 */

const onServer = process.env[TEST_ENV.kind] !== 'embedded';
const METADATA = syntheticMetadata('Bulk write test', [
  { code: 'bulk-test', name: 'Bulk test', unit: 'count', direction: Direction.HIGHER_IS_BETTER },
]);
const HEADER = ['city', 'country', 'region', 'indicator', 'year', 'value', 'sex'];
const BULK_ON = 'SET LOCAL session_replication_role = replica';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

async function importRows(rows: string[][]) {
  const { result: report, sent } = await sqlCounterOf(db.dataSource).record(() =>
    importObservations(db.dataSource, csvFile(rows, HEADER), { metadata: { ...METADATA, disaggregations: ['sex'] } }),
  );
  expect(report.ok).toBe(true);
  return { report, statements: sent.map((s) => s.query) };
}

/** latest_observation's row for Boston and the test indicator: [year, value]. */
async function latestOfBoston(): Promise<[number, number][]> {
  const rows: { year: number; value: number }[] = await db.dataSource.query(
    `SELECT l.year, l.value FROM latest_observation l
     JOIN city c ON c.id = l.city_id JOIN indicator i ON i.id = l.indicator_id
     WHERE c.slug = 'boston-us' AND i.code = 'bulk-test'`,
  );
  return rows.map((r) => [r.year, r.value]);
}

describe('the bulk write of an import', () => {
  it('writes with the triggers off, and keeps latest_observation as the triggers would', async () => {
    const first = await importRows([
      ['Boston', 'US', 'MA', 'bulk-test', '2019', '1', ''],
      ['Boston', 'US', 'MA', 'bulk-test', '2021', '3', ''],
      ['Boston', 'US', 'MA', 'bulk-test', '2020', '2', ''],
      // Disaggregated, and later: never the latest total.
      ['Boston', 'US', 'MA', 'bulk-test', '2022', '9', 'female'],
    ]);
    expect(first.report.added).toBe(4);
    expect(first.statements).toContain(BULK_ON);
    expect(await latestOfBoston()).toEqual([[2021, 3]]);

    // A changed latest value supersedes the old row (the UPDATE), a new later year moves the latest.
    const changed = await importRows([['Boston', 'US', 'MA', 'bulk-test', '2021', '3.5', '']]);
    expect([changed.report.added, changed.report.changed]).toEqual([0, 1]);
    expect(changed.statements).toContain(BULK_ON);
    expect(await latestOfBoston()).toEqual([[2021, 3.5]]);
    const later = await importRows([['Boston', 'US', 'MA', 'bulk-test', '2023', '4', '']]);
    expect(later.report.added).toBe(1);
    expect(await latestOfBoston()).toEqual([[2023, 4]]);

    // The superseded 2021 row is kept, stamped with the release that replaced it.
    const [{ rows }] = await db.dataSource.query(
      `SELECT count(*)::int AS rows FROM observation o JOIN indicator i ON i.id = o.indicator_id
       WHERE i.code = 'bulk-test' AND o.year = 2021 AND o.superseded_in_release_id = $1`,
      [changed.report.releaseId],
    );
    expect(rows).toBe(1);
  });

  (onServer ? it : it.skip)('tells listeners that observation changed, when it commits', async () => {
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    try {
      await listener.query('LISTEN rightsgraph_data_changed');
      const { statements } = await importRows([['Boston', 'US', 'MA', 'bulk-test', '2024', '5', '']]);
      expect(statements).toContain(BULK_ON);
      // A round trip on the listening connection: the notifications sent at commit have arrived.
      await listener.query('SELECT 1');
      expect(heard).toContain('observation');
    } finally {
      await listener.end();
    }
  });

  it('inserts values no current row of their source has straight from staging, and pairs the others', async () => {
    const indicator = { code: 'bulk-two', name: 'Bulk two', unit: 'count', direction: Direction.HIGHER_IS_BETTER };
    const load = async (source: string, rows: string[][]) => {
      const { result: report, sent } = await sqlCounterOf(db.dataSource).record(() =>
        importObservations(db.dataSource, csvFile(rows, HEADER), {
          metadata: syntheticMetadata(source, [indicator], ['sex']),
        }),
      );
      expect(report.ok).toBe(true);
      const paired = sent.some((s) => s.query.includes('import_merge'));
      return { counts: [report.added, report.changed, report.unchanged], paired };
    };
    const boston = (year: string, value: string) => ['Boston', 'US', 'MA', 'bulk-two', year, value, ''];

    // A new indicator: nothing to pair with.
    expect(await load('Source A', [boston('2020', '5'), boston('2021', '6')])).toEqual({
      counts: [2, 0, 0],
      paired: false,
    });
    // Another source's first values for the same keys: added beside A's, which stay current.
    expect(await load('Source B', [boston('2020', '7'), boston('2021', '8')])).toEqual({
      counts: [2, 0, 0],
      paired: false,
    });
    // A again: its current 2021 value is paired (unchanged), 2022 is new.
    expect(await load('Source A', [boston('2021', '6'), boston('2022', '9')])).toEqual({
      counts: [1, 0, 1],
      paired: true,
    });
    const current: { source: string; year: number; value: number }[] = await db.dataSource.query(
      `SELECT s.title AS source, o.year, o.value FROM observation o
       JOIN source s ON s.id = o.source_id JOIN indicator i ON i.id = o.indicator_id
       WHERE i.code = 'bulk-two' AND o.superseded_in_release_id IS NULL ORDER BY s.title, o.year`,
    );
    expect(current.map((r) => [r.source, r.year, r.value])).toEqual([
      ['Source A', 2020, 5],
      ['Source A', 2021, 6],
      ['Source A', 2022, 9],
      ['Source B', 2020, 7],
      ['Source B', 2021, 8],
    ]);
    const [latest] = await db.dataSource.query(
      `SELECT l.year, l.value FROM latest_observation l JOIN indicator i ON i.id = l.indicator_id
       JOIN city c ON c.id = l.city_id WHERE i.code = 'bulk-two' AND c.slug = 'boston-us'`,
    );
    expect(latest).toEqual({ year: 2022, value: 9 });
  });

  it('keeps every trigger on when observation has one whose work it does not do', async () => {
    await db.dataSource.query(`CREATE TABLE bulk_probe (year int)`);
    await db.dataSource.query(`
      CREATE FUNCTION bulk_probe() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO bulk_probe VALUES (NEW.year); RETURN NULL; END $$`);
    await db.dataSource.query(
      `CREATE TRIGGER bulk_probe AFTER INSERT ON observation FOR EACH ROW EXECUTE FUNCTION bulk_probe()`,
    );
    try {
      const { report, statements } = await importRows([
        ['Boston', 'US', 'MA', 'bulk-test', '2010', '1', ''],
        ['Boston', 'US', 'MA', 'bulk-test', '2011', '1', ''],
      ]);
      expect(report.added).toBe(2);
      expect(statements).not.toContain(BULK_ON);
      const years: { year: number }[] = await db.dataSource.query(`SELECT year FROM bulk_probe ORDER BY year`);
      expect(years.map((r) => r.year)).toEqual([2010, 2011]);
    } finally {
      await db.dataSource.query(`DROP TRIGGER bulk_probe ON observation`);
      await db.dataSource.query(`DROP FUNCTION bulk_probe()`);
      await db.dataSource.query(`DROP TABLE bulk_probe`);
    }
  });

  it('refuses to write when a city the file names is gone, as the foreign key would', async () => {
    const queryRunner = db.dataSource.createQueryRunner();
    await queryRunner.connect();
    try {
      await queryRunner.startTransaction();
      const [{ id: indicatorId }] = await queryRunner.query(`SELECT id FROM indicator ORDER BY id LIMIT 1`);
      const [{ id: sourceId }] = await queryRunner.query(`SELECT id FROM source ORDER BY id LIMIT 1`);
      const [{ id: missingCity }] = await queryRunner.query(`SELECT max(id) + 1 AS id FROM city`);
      await queryRunner.query(`CREATE TEMP TABLE import_city (city_ref int, city_id int) ON COMMIT DROP`);
      await queryRunner.query(
        `CREATE TEMP TABLE import_indicator (indicator_ref int, indicator_id int) ON COMMIT DROP`,
      );
      await queryRunner.query(`INSERT INTO import_city VALUES (0, $1)`, [missingCity]);
      await queryRunner.query(`INSERT INTO import_indicator VALUES (0, $1)`, [indicatorId]);
      await expect(startBulkWrite(queryRunner, sourceId)).rejects.toThrow(
        'a city, indicator or source of the file was deleted while it was imported; nothing was imported',
      );
      const [{ role }] = await queryRunner.query(`SELECT current_setting('session_replication_role') AS role`);
      expect(role).toBe('origin');
    } finally {
      await queryRunner.rollbackTransaction();
      await queryRunner.release();
    }
  });
});
