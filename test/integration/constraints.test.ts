import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * The database itself refuses bad rows, whatever code writes them: these run raw SQL against
 * the seeded database and expect Postgres to reject each row with the named constraint.
 */
let db: TestDatabase;
let ids: { city: number; indicator: number; source: number; release: number };

beforeAll(async () => {
  db = await createTestDatabase();
  const [row] = await db.dataSource.query(
    `SELECT (SELECT id FROM city WHERE slug = 'graz-at') AS city,
            (SELECT id FROM indicator WHERE code = 'homicide-rate') AS indicator,
            (SELECT min(id) FROM source) AS source,
            (SELECT min(id) FROM release) AS release`,
  );
  ids = row;
});
afterAll(async () => {
  await db.close();
});

function observation(fields: Record<string, unknown>) {
  const row = {
    city_id: ids.city,
    indicator_id: ids.indicator,
    year: 2015,
    value: 1,
    source_id: ids.source,
    release_id: ids.release,
    ...fields,
  };
  const columns = Object.keys(row);
  return db.dataSource.query(
    `INSERT INTO observation (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    Object.values(row),
  );
}

/**
 * The constraint that refused the row. A unique violation in a partition of `observation` names
 * the partition's index (e.g. observation_p2_city_id_..._key); the rule is its parent's, the
 * index it is attached to (pg_inherits), so that is the name reported.
 */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const name = (error as { constraint?: string }).constraint;
    if (name === undefined) return String(error);
    const parents: { name: string }[] = await db.dataSource.query(
      `SELECT p.relname AS name FROM pg_class c
       JOIN pg_inherits h ON h.inhrelid = c.oid JOIN pg_class p ON p.oid = h.inhparent
       WHERE c.relname = $1 AND c.relkind = 'i'`,
      [name],
    );
    return parents[0]?.name ?? name;
  }
  throw new Error('the database accepted the row');
}

describe('constraints', () => {
  it('accepts a valid observation and refuses a second one with the same key, in the same or a later release', async () => {
    await observation({ year: 1999, value: 2.5, lower: 2, upper: 3 });
    expect(await rejection(observation({ year: 1999, value: 2.6 }))).toBe('UQ_observation_key_release');
    const [{ id: later }] = await db.dataSource.query(
      `INSERT INTO release (description) VALUES ('later') RETURNING id`,
    );
    // Only one row per key may be current: a later release must supersede, not add.
    expect(await rejection(observation({ year: 1999, value: 2.6, release_id: later }))).toBe('UQ_observation_current');
  });

  it('refuses years out of range, bounds that exclude the value, unknown statuses and NaN', async () => {
    expect(await rejection(observation({ year: 1899 }))).toBe('CHK_observation_year');
    expect(await rejection(observation({ year: 2101 }))).toBe('CHK_observation_year');
    expect(await rejection(observation({ year: 1998, value: 5, lower: 6 }))).toBe('CHK_observation_bounds');
    expect(await rejection(observation({ year: 1998, value: 5, upper: 4 }))).toBe('CHK_observation_bounds');
    expect(await rejection(observation({ year: 1998, status: 'GUESSED' }))).toBe('CHK_observation_status');
    expect(await rejection(observation({ year: 1998, value: 'NaN' }))).toBe('CHK_observation_finite');
  });

  it('refuses observations of unknown cities and a superseding release that is not later', async () => {
    expect(await rejection(observation({ year: 1998, city_id: 999999 }))).toMatch(/^FK_/);
    expect(await rejection(observation({ year: 1998, superseded_in_release_id: ids.release }))).toBe(
      'CHK_observation_superseded',
    );
  });

  it('refuses duplicate and malformed city slugs and unknown enum values', async () => {
    const insertCity = (slug: string) =>
      db.dataSource.query(`INSERT INTO city (slug, name, ascii_name, country_code) VALUES ($1, 'X', 'X', 'AT')`, [
        slug,
      ]);
    expect(await rejection(insertCity('graz-at'))).toMatch(/^UQ_/);
    expect(await rejection(insertCity('Graz AT'))).toBe('CHK_city_slug');
    expect(
      await rejection(
        db.dataSource.query(
          `INSERT INTO commitment (city_id, kind, title, status) VALUES ($1, 'PETITION', 't', 'ADOPTED')`,
          [ids.city],
        ),
      ),
    ).toBe('CHK_commitment_kind');
    expect(
      await rejection(
        db.dataSource.query(
          `INSERT INTO ratification (country_code, instrument_id, status) VALUES ('AT', (SELECT min(id) FROM instrument), 'MAYBE')`,
        ),
      ),
    ).toBe('CHK_ratification_status');
  });
});
