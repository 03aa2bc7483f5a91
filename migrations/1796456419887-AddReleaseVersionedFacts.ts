import type { MigrationInterface, QueryRunner } from 'typeorm';

const VERSIONED = ['commitment', 'ratification', 'network_membership'] as const;
const SUPERSEDED_AFTER_ADDED =
  '"superseded_in_release_id" IS NULL OR "release_id" IS NULL OR "superseded_in_release_id" > "release_id"';
// Foreign keys to release, named as TypeORM names them (the migration check compares names).
const RELEASE_KEYS: Record<(typeof VERSIONED)[number], [string, string]> = {
  commitment: ['FK_3459db80628d17af358e745e30f', 'FK_40197105fbed201402cf8177e54'],
  ratification: ['FK_115d7bcbe38fc23b05755cdeaa1', 'FK_5613c874acb5aedd6b442406bed'],
  network_membership: ['FK_e78d8aa832e8c05f93fbc1dc208', 'FK_93a9eeead2c1f114b96a7618770'],
};

/**
 * Commitments, national ratifications and network memberships versioned by release, like
 * observations (issue 14): a change stamps the current row with the release that superseded it
 * and inserts the next version, so `commitmentImpact(asOf: R)`, a scorecard or a CityFilter
 * answers as it stood at R. Rows already there keep a null release: they hold from the beginning,
 * which is what every earlier answer assumed.
 *
 * A commitment keeps its API id across versions as `lineage_id` (its first version's id; a
 * trigger fills it on insert). A membership gets a surrogate key: (network, city) is unique only
 * among current rows. Down refuses while superseded versions exist: it would have to delete them.
 */
export class AddReleaseVersionedFacts1796456419887 implements MigrationInterface {
  name = 'AddReleaseVersionedFacts1796456419887';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of VERSIONED) {
      const [added, superseded] = RELEASE_KEYS[table];
      await queryRunner.query(
        `ALTER TABLE "${table}" ADD "release_id" integer, ADD "superseded_in_release_id" integer`,
      );
      await queryRunner.query(
        `ALTER TABLE "${table}"
           ADD CONSTRAINT "${added}" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE RESTRICT,
           ADD CONSTRAINT "${superseded}" FOREIGN KEY ("superseded_in_release_id") REFERENCES "release"("id") ON DELETE RESTRICT,
           ADD CONSTRAINT "CHK_${table}_superseded" CHECK (${SUPERSEDED_AFTER_ADDED})`,
      );
    }

    await queryRunner.query('ALTER TABLE "commitment" ADD "lineage_id" integer');
    await queryRunner.query('UPDATE "commitment" SET "lineage_id" = "id"');
    await queryRunner.query('ALTER TABLE "commitment" ALTER COLUMN "lineage_id" SET NOT NULL');
    await queryRunner.query(`
      CREATE FUNCTION commitment_lineage() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.lineage_id IS NULL THEN
          NEW.lineage_id := NEW.id;
        END IF;
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(
      'CREATE TRIGGER commitment_lineage BEFORE INSERT ON "commitment" FOR EACH ROW EXECUTE FUNCTION commitment_lineage()',
    );
    await queryRunner.query('CREATE INDEX "IDX_e9d52257ac45fa8350f5de9346" ON "commitment" ("lineage_id")');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_commitment_current_lineage" ON "commitment" ("lineage_id") WHERE "superseded_in_release_id" IS NULL',
    );

    await queryRunner.query('ALTER TABLE "ratification" DROP CONSTRAINT "UQ_ratification_country_instrument"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_ratification_current" ON "ratification" ("country_code", "instrument_id") WHERE "superseded_in_release_id" IS NULL',
    );

    await queryRunner.query('ALTER TABLE "network_membership" ADD "id" SERIAL NOT NULL');
    await queryRunner.query('ALTER TABLE "network_membership" DROP CONSTRAINT "PK_fac595b8fed9e423ec8045de174"');
    await queryRunner.query(
      'ALTER TABLE "network_membership" ADD CONSTRAINT "PK_2285cd04012f9c6aebab91fa91e" PRIMARY KEY ("id")',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_network_membership_current" ON "network_membership" ("network_id", "city_id") WHERE "superseded_in_release_id" IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const [{ versions }]: { versions: number }[] = await queryRunner.query(
      `SELECT ${VERSIONED.map((t) => `(SELECT count(*) FROM "${t}" WHERE "superseded_in_release_id" IS NOT NULL)`).join(' + ')} AS versions`,
    );
    if (Number(versions) > 0) {
      throw new Error(
        `AddReleaseVersionedFacts cannot be reverted: ${versions} superseded versions of commitments, ratifications or network memberships would be deleted (answers as of earlier releases depend on them)`,
      );
    }
    await queryRunner.query('DROP INDEX "UQ_network_membership_current"');
    await queryRunner.query('ALTER TABLE "network_membership" DROP CONSTRAINT "PK_2285cd04012f9c6aebab91fa91e"');
    await queryRunner.query(
      'ALTER TABLE "network_membership" ADD CONSTRAINT "PK_fac595b8fed9e423ec8045de174" PRIMARY KEY ("network_id", "city_id")',
    );
    await queryRunner.query('ALTER TABLE "network_membership" DROP COLUMN "id"');

    await queryRunner.query('DROP INDEX "UQ_ratification_current"');
    await queryRunner.query(
      'ALTER TABLE "ratification" ADD CONSTRAINT "UQ_ratification_country_instrument" UNIQUE ("country_code", "instrument_id")',
    );

    await queryRunner.query('DROP TRIGGER commitment_lineage ON "commitment"');
    await queryRunner.query('DROP FUNCTION commitment_lineage()');
    // With no superseded versions, every lineage id is its row's own id: the id the API showed before.
    await queryRunner.query('DROP INDEX "UQ_commitment_current_lineage"');
    await queryRunner.query('DROP INDEX "IDX_e9d52257ac45fa8350f5de9346"');
    await queryRunner.query('ALTER TABLE "commitment" DROP COLUMN "lineage_id"');

    for (const table of VERSIONED) {
      await queryRunner.query(
        `ALTER TABLE "${table}" DROP CONSTRAINT "CHK_${table}_superseded", DROP COLUMN "superseded_in_release_id", DROP COLUMN "release_id"`,
      );
    }
  }
}
