import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A database seeded before the demo sources had licences keeps null in the one source whose
 * licence is known: the FBI's Uniform Crime Reports (as compiled by The Marshall Project) are
 * a work of the US federal government. The seeder only runs on an empty database, so this
 * fills it; a licence a curator set is left alone. Literal title: a migration must not change
 * when seeds/ does.
 */
const MARSHALL_TITLE =
  'The Crime Report: FBI Uniform Crime Reports for large US cities, compiled by The Marshall Project';
const LICENSE = 'public domain (US federal government work)';

export class FillDemoSourceLicences1796402931759 implements MigrationInterface {
  name = 'FillDemoSourceLicences1796402931759';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('UPDATE "source" SET "license" = $1 WHERE "title" = $2 AND "license" IS NULL', [
      LICENSE,
      MARSHALL_TITLE,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('UPDATE "source" SET "license" = NULL WHERE "title" = $1 AND "license" = $2', [
      MARSHALL_TITLE,
      LICENSE,
    ]);
  }
}
