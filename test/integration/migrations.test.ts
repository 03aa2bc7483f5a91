import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  await db.close();
});

async function tables(): Promise<string[]> {
  const rows: { table_name: string }[] = await db.dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

const DOMAIN_TABLES = [
  'api_key',
  'city',
  'commitment',
  'commitment_right',
  'country',
  'indicator',
  'indicator_right',
  'instrument',
  'instrument_right',
  'latest_observation',
  'network',
  'network_membership',
  'observation',
  // Its partitions (PartitionObservations): information_schema lists them as tables too.
  ...Array.from({ length: 8 }, (_, r) => `observation_p${r}`),
  'ratification',
  'ratification_history',
  'release',
  'right',
  'source',
];

describe('migrations', () => {
  it('create the whole domain model, revert to nothing, and apply again', async () => {
    await db.dataSource.runMigrations({ transaction: 'each' });
    expect(await tables()).toEqual([...DOMAIN_TABLES, 'typeorm_migrations'].sort());

    // Revert every migration, newest first.
    while ((await db.dataSource.query(`SELECT count(*)::int AS n FROM typeorm_migrations`))[0].n > 0) {
      await db.dataSource.undoLastMigration({ transaction: 'each' });
    }
    expect(await tables()).toEqual(['typeorm_migrations']);
    const functions: { proname: string }[] = await db.dataSource.query(
      `SELECT proname FROM pg_proc WHERE proname IN ('rg_fold', 'city_search_text', 'latest_observation_refresh', 'latest_observation_on_change', 'latest_observation_on_truncate', 'rg_notify_data_changed', 'rg_visible_as_of', 'rg_city_totals', 'rg_one_value_per_city_year', 'rg_latest_city_value')`,
    );
    expect(functions).toEqual([]);

    await db.dataSource.runMigrations({ transaction: 'each' });
    expect(await tables()).toEqual([...DOMAIN_TABLES, 'typeorm_migrations'].sort());
  });
});
