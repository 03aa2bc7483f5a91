import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Room for every ISO 3166-1 country and the treaty status of every UN member (issue 14):
 * - country.numeric and country.names (the six UN languages) are filled by the reference seed
 *   (src/db/seedReferenceData.ts) from i18n-iso-countries, not here: a migration must not
 *   change when a package update renames a country.
 * - STATE_PARTY: the UN Treaty Collection snapshot of 2022 says "state party" without saying
 *   whether by ratification or accession; mapping it to RATIFIED would invent a fact.
 * - ratification.as_of and ratification_history: a newer source replaces the current status,
 *   and the older one moves to the history instead of being overwritten.
 * down deletes the STATE_PARTY statuses (the old CHECK forbids them) and the other facts of the
 * 2022 snapshot; the reference seed loads them again after up. Literal title: a migration must
 * not change when seeds/ does.
 */
const DEMO_2026_TITLE = 'United Nations Treaty Collection: status of the human rights treaties';
const UN_2022_TITLE =
  'Core United Nations Human Rights Instruments: Their Ratification Status (World Politics Datalab, 2022-08-25)';

export class AddWorldCountriesAndTreatyStatus1796404834993 implements MigrationInterface {
  name = 'AddWorldCountriesAndTreatyStatus1796404834993';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "ratification_history" ("id" SERIAL NOT NULL, "country_code" character(2) NOT NULL, "instrument_id" integer NOT NULL, "status" character varying(20) NOT NULL, "year" smallint, "date" date, "signed_year" smallint, "source_id" integer, "as_of" date, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_ratification_history_fact" UNIQUE ("country_code", "instrument_id", "as_of"), CONSTRAINT "CHK_ratification_history_status" CHECK ("status" IN (\'NOT_SIGNED\', \'SIGNED\', \'RATIFIED\', \'ACCEDED\', \'STATE_PARTY\')), CONSTRAINT "PK_5e955d0011e5e8bfaa647103129" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_703ee2b5149b2e53525807c74c" ON "ratification_history"  ("country_code") ',
    );
    await queryRunner.query('ALTER TABLE "country" ADD "numeric" character(3)');
    await queryRunner.query('ALTER TABLE "country" ADD "names" jsonb NOT NULL DEFAULT \'{}\'');
    await queryRunner.query('ALTER TABLE "ratification" ADD "as_of" date');
    // The demo's statuses come from the fact sheet's "status as of 2026" (seeds/ratifications.ts
    // stores it as 2026-01-01): dated, they stay ahead of the 2022 snapshot the seed adds next.
    await queryRunner.query(
      `UPDATE "ratification" SET "as_of" = '2026-01-01' WHERE "source_id" IN (SELECT "id" FROM "source" WHERE "title" = $1)`,
      [DEMO_2026_TITLE],
    );
    await queryRunner.query('ALTER TABLE "ratification" DROP CONSTRAINT "CHK_ratification_status"');
    await queryRunner.query(
      `ALTER TABLE "ratification" ADD CONSTRAINT "CHK_ratification_status" CHECK ("status" IN ('NOT_SIGNED', 'SIGNED', 'RATIFIED', 'ACCEDED', 'STATE_PARTY'))`,
    );
    await queryRunner.query(
      'ALTER TABLE "country" ADD CONSTRAINT "CHK_country_numeric" CHECK ("numeric" ~ \'^[0-9]{3}$\')',
    );
    await queryRunner.query(
      'ALTER TABLE "ratification_history" ADD CONSTRAINT "FK_703ee2b5149b2e53525807c74c9" FOREIGN KEY ("country_code") REFERENCES "country"("code") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "ratification_history" ADD CONSTRAINT "FK_8f1d41a3a3ffc3b2535d224ed4c" FOREIGN KEY ("instrument_id") REFERENCES "instrument"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "ratification_history" ADD CONSTRAINT "FK_427f9d08cf3fd994e85560112b5" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "ratification_history" DROP CONSTRAINT "FK_427f9d08cf3fd994e85560112b5"');
    await queryRunner.query('ALTER TABLE "ratification_history" DROP CONSTRAINT "FK_8f1d41a3a3ffc3b2535d224ed4c"');
    await queryRunner.query('ALTER TABLE "ratification_history" DROP CONSTRAINT "FK_703ee2b5149b2e53525807c74c9"');
    await queryRunner.query('ALTER TABLE "country" DROP CONSTRAINT "CHK_country_numeric"');
    await queryRunner.query('ALTER TABLE "ratification" DROP CONSTRAINT "CHK_ratification_status"');
    // Every fact of the 2022 snapshot, not only its STATE_PARTY rows: without as_of, the rest
    // would look entered by hand, and the seed would never bring the snapshot back whole after up.
    await queryRunner.query(
      `DELETE FROM "ratification" WHERE "status" = 'STATE_PARTY' OR "source_id" IN (SELECT "id" FROM "source" WHERE "title" = $1)`,
      [UN_2022_TITLE],
    );
    await queryRunner.query(
      `ALTER TABLE "ratification" ADD CONSTRAINT "CHK_ratification_status" CHECK ("status" IN ('NOT_SIGNED', 'SIGNED', 'RATIFIED', 'ACCEDED'))`,
    );
    await queryRunner.query('ALTER TABLE "ratification" DROP COLUMN "as_of"');
    await queryRunner.query('ALTER TABLE "country" DROP COLUMN "names"');
    await queryRunner.query('ALTER TABLE "country" DROP COLUMN "numeric"');
    await queryRunner.query('DROP INDEX "public"."IDX_703ee2b5149b2e53525807c74c"');
    await queryRunner.query('DROP TABLE "ratification_history"');
  }
}
