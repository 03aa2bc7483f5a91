import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cities created by an import take their population from the gazetteer (GeoNames), with their
 * GeoNames id and coordinates (issue 14): a curator reviewing a `--resolve largest` choice sees
 * what was chosen. Nullable: cities made before, or from a row alone, have none.
 */
export class AddCityPopulation1796418139415 implements MigrationInterface {
  name = 'AddCityPopulation1796418139415';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "city" ADD "population" integer');
    await queryRunner.query(
      'ALTER TABLE "city" ADD CONSTRAINT "CHK_city_population" CHECK ("population" IS NULL OR "population" >= 0)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "city" DROP CONSTRAINT "CHK_city_population"');
    await queryRunner.query('ALTER TABLE "city" DROP COLUMN "population"');
  }
}
