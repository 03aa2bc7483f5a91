import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table whose rows an API answer can show. Not api_key: keys change who may ask, not the answers. */
const DATA_TABLES = [
  'city',
  'commitment',
  'commitment_right',
  'country',
  'indicator',
  'indicator_right',
  'instrument',
  'instrument_right',
  'network',
  'network_membership',
  'observation',
  'ratification',
  'release',
  'right',
  'source',
];

/**
 * A NOTIFY on channel `rightsgraph_data_changed` whenever a transaction changes data an answer
 * can show, whoever writes it (an import, a curator, psql). Postgres delivers notifications
 * only when the transaction commits, in commit order, and folds identical ones within a
 * transaction, so a 300,000-row import sends one per table it touched. The server's response
 * cache (src/cache/) listens and drops its answers. Statement-level triggers: one call per
 * statement, not per row.
 */
export class AddDataChangeNotifications1795782409999 implements MigrationInterface {
  name = 'AddDataChangeNotifications1795782409999';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION rg_notify_data_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('rightsgraph_data_changed', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    for (const table of DATA_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER rg_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
         FOR EACH STATEMENT EXECUTE FUNCTION rg_notify_data_changed()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of DATA_TABLES) await queryRunner.query(`DROP TRIGGER rg_data_changed ON "${table}"`);
    await queryRunner.query('DROP FUNCTION rg_notify_data_changed()');
  }
}
