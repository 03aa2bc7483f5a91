import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The latest value of an indicator for a city, from the index alone (docs/performance.md):
 * ranking all cities probes it once per city, the scorecard once per (city, indicator), and
 * City.latest once per key. It replaces the plain (city_id, indicator_id, year) index, a prefix
 * of the unique index of UQ_observation_key_release, so an import maintains no more indexes
 * than before. Hand-written: TypeORM cannot express DESC keys or INCLUDE columns.
 */
export class AddPerformanceIndexes1795777576368 implements MigrationInterface {
  name = 'AddPerformanceIndexes1795777576368';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_observation_city_indicator_year"');
    await queryRunner.query(
      `CREATE INDEX "IDX_observation_latest" ON "observation" ("city_id", "indicator_id", "year" DESC, "source_id") INCLUDE ("id", "value", "lower", "upper", "status", "release_id", "superseded_in_release_id") WHERE "disaggregation" = ''`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_observation_latest"');
    await queryRunner.query(
      'CREATE INDEX "IDX_observation_city_indicator_year" ON "observation" USING btree ("city_id", "indicator_id", "year") ',
    );
  }
}
