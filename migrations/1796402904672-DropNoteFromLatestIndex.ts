import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * IDX_observation_latest no longer carries `note`. A B-tree entry must fit in a third of a page
 * (2,704 bytes), so with the note in the index any observation with a note longer than that
 * failed its whole import ("index row size exceeds btree maximum"). Free text has no place in
 * an index: the note is read from the heap, and only when a query selects it. Compare without
 * `note` (the usual `points { year value }`) stays an index-only scan; with it, each point
 * costs a heap visit again (docs/performance.md).
 */
export class DropNoteFromLatestIndex1796402904672 implements MigrationInterface {
  name = 'DropNoteFromLatestIndex1796402904672';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_observation_latest"');
    await queryRunner.query(
      `CREATE INDEX "IDX_observation_latest" ON "observation" ("city_id", "indicator_id", "year" DESC, "source_id") INCLUDE ("id", "value", "lower", "upper", "status", "release_id", "superseded_in_release_id") WHERE "disaggregation" = ''`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Fails, as the index it restores would, while any note is longer than an index entry allows.
    await queryRunner.query('DROP INDEX "public"."IDX_observation_latest"');
    await queryRunner.query(
      `CREATE INDEX "IDX_observation_latest" ON "observation" ("city_id", "indicator_id", "year" DESC, "source_id") INCLUDE ("id", "value", "lower", "upper", "status", "release_id", "superseded_in_release_id", "note") WHERE "disaggregation" = ''`,
    );
  }
}
