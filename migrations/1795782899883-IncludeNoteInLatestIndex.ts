import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * IDX_observation_latest also carries `note`, so a total's whole row can be read from the index
 * alone (its `disaggregation` is '' by the index's predicate): the 2,930 points of a
 * 20 x 5 x 30 compare became an index-only scan instead of ~1,000 heap pages, 8.1 -> 6.0 ms for
 * the statement (docs/performance.md). Notes are rare, so the index barely grows.
 */
export class IncludeNoteInLatestIndex1795782899883 implements MigrationInterface {
  name = 'IncludeNoteInLatestIndex1795782899883';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_observation_latest"');
    await queryRunner.query(
      `CREATE INDEX "IDX_observation_latest" ON "observation" ("city_id", "indicator_id", "year" DESC, "source_id") INCLUDE ("id", "value", "lower", "upper", "status", "release_id", "superseded_in_release_id", "note") WHERE "disaggregation" = ''`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_observation_latest"');
    await queryRunner.query(
      `CREATE INDEX "IDX_observation_latest" ON "observation" ("city_id", "indicator_id", "year" DESC, "source_id") INCLUDE ("id", "value", "lower", "upper", "status", "release_id", "superseded_in_release_id") WHERE "disaggregation" = ''`,
    );
  }
}
