import type { MigrationInterface, QueryRunner } from 'typeorm';

const LATEST_INCLUDE = `INCLUDE ("id", "value", "lower", "upper", "status", "release_id", "superseded_in_release_id") WHERE "disaggregation" = ''`;

/**
 * Fewer and narrower index writes per imported row (issue 15, docs/performance.md "The
 * indexes an import fills"):
 *
 * - UQ_observation_current and IDX_observation_latest lead with the indicator instead of the
 *   city. An import brings a few indicators for every city: with the city first, its entries
 *   landed on nearly every leaf page of both indexes (the whole table's), and each page an import
 *   dirtied after a checkpoint went whole into the WAL (466 MB of WAL for 291,649 rows, 29,000
 *   full-page images). With the indicator first they land in one range per indicator (186 MB,
 *   88 images). Every read of them names both the indicator and the city, or the indicator
 *   alone, so each still finds its rows in one range. UQ_observation_key_release keeps the city
 *   first: `observations` pages and the export read in (city, indicator, year) order from it.
 * - The single-column indexes on source_id and release_id go. Nothing reads by them: they served
 *   only the RESTRICT foreign keys when a source or release is deleted, which the API never does
 *   (superseded_in_release_id never had one). Deleting one by hand now scans `observation` once.
 * - IDX_observation_indicator_year goes: with the indicator first, IDX_observation_latest answers
 *   an (indicator, year) read of totals from the index alone (the planner already preferred it
 *   for statistics), and every analytic reads totals only.
 */
export class LeadObservationKeysWithIndicator1796490000000 implements MigrationInterface {
  name = 'LeadObservationKeysWithIndicator1796490000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.rebuild(queryRunner, '"indicator_id", "city_id"');
    await queryRunner.query('DROP INDEX "IDX_f4a6f1e87405ee25c8c1f00f55"');
    await queryRunner.query('DROP INDEX "IDX_05e5ab8e0ad9a2cf65a626f40c"');
    await queryRunner.query('DROP INDEX "IDX_observation_indicator_year"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "IDX_observation_indicator_year" ON "observation" ("indicator_id", "year")');
    await queryRunner.query('CREATE INDEX "IDX_f4a6f1e87405ee25c8c1f00f55" ON "observation" ("source_id")');
    await queryRunner.query('CREATE INDEX "IDX_05e5ab8e0ad9a2cf65a626f40c" ON "observation" ("release_id")');
    await this.rebuild(queryRunner, '"city_id", "indicator_id"');
  }

  /** Both indexes again with the given leading columns; writers wait (SHARE), readers do not. */
  private async rebuild(queryRunner: QueryRunner, lead: string): Promise<void> {
    await queryRunner.query('LOCK TABLE "observation" IN SHARE MODE');
    await queryRunner.query('DROP INDEX "UQ_observation_current"');
    await queryRunner.query('DROP INDEX "IDX_observation_latest"');
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_observation_current" ON "observation" (${lead}, "year", "disaggregation", "source_id") WHERE "superseded_in_release_id" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_observation_latest" ON "observation" (${lead}, "year" DESC, "source_id") ${LATEST_INCLUDE}`,
    );
  }
}
