import type { DataSource } from 'typeorm';
import { checkSeeds } from './checkSeeds';
import { DemoSeeder } from './demoSeeder';

/**
 * Loads the real demo data of seeds/ in one transaction. Idempotent: every row is keyed by its
 * natural key (country code, city slug, codes, source title, commitment city + instrument +
 * title) and inserted only when missing, so a second run changes nothing. Existing rows are
 * never updated: a corrected fact needs its own change, not a re-seed.
 *
 * `created` is true when any row was inserted; `releaseId` is the release the demo
 * observations belong to (created on the first run).
 */
export async function seedDemoData(dataSource: DataSource): Promise<{ releaseId: number; created: boolean }> {
  checkSeeds();
  return dataSource.transaction(async (m) => {
    // Two processes seeding one database at once (several servers starting with SEED_ON_START)
    // would both see "no commitment yet" and insert it twice: commitments have no unique key.
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['rightsgraph.seedDemoData']);
    const seeder = new DemoSeeder(m);
    const sourceIds = await seeder.sources();
    await seeder.countries();
    await seeder.cities();
    await seeder.rights();
    await seeder.instruments();
    await seeder.ratifications(sourceIds);
    await seeder.networks();
    await seeder.commitments(sourceIds);
    await seeder.indicators();
    const releaseId = await seeder.release();
    await seeder.observations(sourceIds, releaseId);
    return { releaseId, created: seeder.inserted > 0 };
  });
}
