import 'reflect-metadata';
import { type EntityTarget, type ObjectLiteral } from 'typeorm';
import { entities } from '../../src/db/entities';
import { rowsByKeys } from '../../src/modules/common/entityRows';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  // The demo data has no network membership: two, so every entity a loader reads is compared
  // on real rows.
  await db.dataSource.query(
    `INSERT INTO network_membership (network_id, city_id, joined_year)
     SELECT n.id, c.id, 2014 FROM network n, city c ORDER BY n.id, c.id LIMIT 2`,
  );
});
afterAll(async () => {
  await db.close();
});

/** A value as JSON would carry it, so an entity instance and a plain row compare by content. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('entity rows read by the select list', () => {
  // TypeORM's own repository read is the independent oracle: the typed rows must carry the
  // same properties with the same values (dates as ISO text, numbers as numbers, arrays, JSON).
  const singleKeyed = entities.filter((entity) => (entity as { name: string }).name !== 'LatestObservation');
  it.each(singleKeyed.map((entity) => [(entity as { name: string }).name, entity]))(
    '%s: the same rows as the repository reads',
    async (_name, entity) => {
      const target = entity as EntityTarget<ObjectLiteral>;
      const metadata = db.dataSource.getMetadata(target);
      const key = metadata.primaryColumns[0].propertyName;
      const sample = await db.dataSource.getRepository(target).find({ take: 25, order: { [key]: 'ASC' } });
      const keys = sample.map((row) => row[key]);
      const rows = await rowsByKeys(db.dataSource, target, key, keys);
      rows.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0));
      expect(plain(rows)).toEqual(plain(sample));
      // Every column of the entity is read, not only those the sample happens to fill.
      for (const row of rows) {
        for (const column of metadata.columns) expect(row).toHaveProperty(column.propertyName);
      }
    },
  );

  it('the database has rows of the entities the loaders read, so the comparison above is not empty', async () => {
    for (const entity of singleKeyed) {
      const name = (entity as { name: string }).name;
      if (name === 'ApiKey' || name === 'RatificationHistory') continue;
      const count = await db.dataSource.getRepository(entity as EntityTarget<ObjectLiteral>).count();
      expect({ name, some: count > 0 }).toEqual({ name, some: true });
    }
  });
});
