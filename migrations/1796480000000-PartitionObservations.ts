import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Partitions of `observation`: HASH (indicator_id), modulus 8 (docs/scaling.md says why). */
export const OBSERVATION_PARTITIONS = 8;

const COLUMNS = `"id", "city_id", "indicator_id", "year", "disaggregation", "value", "lower", "upper", "status", "note",
  "source_id", "release_id", "superseded_in_release_id"`;

/** The table as every earlier migration left it, without keys, indexes or triggers (added once the rows are in). */
function createTable(name: string, partitionBy: string): string {
  return `CREATE TABLE "${name}" (
    "id" integer NOT NULL DEFAULT nextval('observation_id_seq'::regclass),
    "city_id" integer NOT NULL,
    "indicator_id" integer NOT NULL,
    "year" smallint NOT NULL,
    "disaggregation" character varying(200) NOT NULL DEFAULT '',
    "value" double precision NOT NULL,
    "lower" double precision,
    "upper" double precision,
    "status" character varying(20) NOT NULL DEFAULT 'MEASURED',
    "note" text,
    "source_id" integer NOT NULL,
    "release_id" integer NOT NULL,
    "superseded_in_release_id" integer,
    CONSTRAINT "CHK_observation_superseded" CHECK ("superseded_in_release_id" IS NULL OR "superseded_in_release_id" > "release_id"),
    CONSTRAINT "CHK_observation_finite" CHECK ("value" NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)),
    CONSTRAINT "CHK_observation_bounds" CHECK (("lower" IS NULL OR "lower" <= "value") AND ("upper" IS NULL OR "value" <= "upper")),
    CONSTRAINT "CHK_observation_status" CHECK ("status" IN ('MEASURED', 'ESTIMATED', 'PROVISIONAL', 'CONVERTED', 'BREAK_IN_SERIES')),
    CONSTRAINT "CHK_observation_year" CHECK ("year" BETWEEN 1900 AND 2100)
  )${partitionBy}`;
}

/**
 * The indexes and keys both shapes share, named as the entity names them (the migration check
 * compares names). On a partitioned table each is created on the parent and Postgres creates
 * the same index on every partition (and on any partition attached later).
 */
const INDEXES = [
  'CREATE INDEX "IDX_f4a6f1e87405ee25c8c1f00f55" ON "observation" ("source_id")',
  'CREATE INDEX "IDX_05e5ab8e0ad9a2cf65a626f40c" ON "observation" ("release_id")',
  'CREATE INDEX "IDX_observation_indicator_year" ON "observation" ("indicator_id", "year")',
  'CREATE UNIQUE INDEX "UQ_observation_current" ON "observation" ("city_id", "indicator_id", "year", "disaggregation", "source_id") WHERE "superseded_in_release_id" IS NULL',
  `CREATE INDEX "IDX_observation_latest" ON "observation" ("city_id", "indicator_id", "year" DESC, "source_id") INCLUDE ("id", "value", "lower", "upper", "status", "release_id", "superseded_in_release_id") WHERE "disaggregation" = ''`,
];

const FOREIGN_KEYS = `ALTER TABLE "observation"
  ADD CONSTRAINT "FK_cd5cf7bef74909dc9f7c9726cb1" FOREIGN KEY ("city_id") REFERENCES "city"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
  ADD CONSTRAINT "FK_53d55e96ce28f37c28b17cede91" FOREIGN KEY ("indicator_id") REFERENCES "indicator"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
  ADD CONSTRAINT "FK_f4a6f1e87405ee25c8c1f00f556" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
  ADD CONSTRAINT "FK_05e5ab8e0ad9a2cf65a626f40c4" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
  ADD CONSTRAINT "FK_e2c58b370c7f928d3fa45c2d982" FOREIGN KEY ("superseded_in_release_id") REFERENCES "release"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`;

/** The statement-level triggers of AddLatestObservation and AddDataChangeNotifications, unchanged. */
const TRIGGERS = [
  `CREATE TRIGGER latest_observation_insert AFTER INSERT ON observation REFERENCING NEW TABLE AS new_rows
   FOR EACH STATEMENT EXECUTE FUNCTION latest_observation_on_change()`,
  `CREATE TRIGGER latest_observation_update AFTER UPDATE ON observation
   REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
   FOR EACH STATEMENT EXECUTE FUNCTION latest_observation_on_change()`,
  `CREATE TRIGGER latest_observation_delete AFTER DELETE ON observation REFERENCING OLD TABLE AS old_rows
   FOR EACH STATEMENT EXECUTE FUNCTION latest_observation_on_change()`,
  `CREATE TRIGGER latest_observation_truncate AFTER TRUNCATE ON observation
   FOR EACH STATEMENT EXECUTE FUNCTION latest_observation_on_truncate()`,
  `CREATE TRIGGER rg_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON observation
   FOR EACH STATEMENT EXECUTE FUNCTION rg_notify_data_changed()`,
];
const TRIGGER_NAMES = [
  'latest_observation_insert',
  'latest_observation_update',
  'latest_observation_delete',
  'latest_observation_truncate',
  'rg_data_changed',
];

/**
 * `observation` becomes a table partitioned by HASH (indicator_id) into 8 partitions,
 * observation_p0 to observation_p7 (issue 17, item 5). Every analytic that reads many rows
 * (ranking as of a year or a release, statistics, compare, coverage, a series, the latest value)
 * names the indicator, so its statement reads one partition and one eighth of each index.
 *
 * A unique index on a partitioned table must contain the partition key: the primary key becomes
 * (id, indicator_id) (ids still come from the same sequence, so `id` alone stays unique in
 * practice and lookups by id use the key's leading column); UQ_observation_key_release and
 * UQ_observation_current already contain indicator_id. No foreign key references
 * observation(id): latest_observation.observation_id is a copy kept by the triggers, which keep
 * working, as statement-level AFTER triggers with transition tables are allowed on a partitioned
 * parent and see the rows routed to every partition. The rule functions
 * (AddObservationRuleFunctions) name the table in their text, so they read the new one.
 *
 * The rows move once: the old table is renamed, the new one is created bare, filled with one
 * INSERT ... SELECT (ids and releases kept, so latest_observation stays valid as it is), the old
 * one is dropped, and only then are the keys and indexes built, each in one pass over sorted
 * rows instead of row by row. Autovacuum never analyzes a partitioned parent (only its
 * partitions), so the parent is analyzed here. Down does the same in reverse: a plain table with
 * every row.
 */
export class PartitionObservations1796480000000 implements MigrationInterface {
  name = 'PartitionObservations1796480000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.rebuild(queryRunner, {
      partitionBy: ' PARTITION BY HASH ("indicator_id")',
      primaryKey:
        'ALTER TABLE "observation" ADD CONSTRAINT "PK_57f5dee7b6149652b29cc5bd7a5" PRIMARY KEY ("id", "indicator_id")',
      partitions: async () => {
        for (let r = 0; r < OBSERVATION_PARTITIONS; r += 1) {
          await queryRunner.query(
            `CREATE TABLE "observation_p${r}" PARTITION OF "observation" FOR VALUES WITH (MODULUS ${OBSERVATION_PARTITIONS}, REMAINDER ${r})`,
          );
        }
      },
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.rebuild(queryRunner, {
      partitionBy: '',
      primaryKey: 'ALTER TABLE "observation" ADD CONSTRAINT "PK_77a736edc631a400b788ce302cb" PRIMARY KEY ("id")',
      partitions: async () => {},
    });
  }

  /** Moves every row of `observation` into a new table of the given shape, keeping ids, triggers and the sequence. */
  private async rebuild(
    queryRunner: QueryRunner,
    shape: { partitionBy: string; primaryKey: string; partitions: () => Promise<void> },
  ): Promise<void> {
    // Writers wait here rather than write into the table being copied.
    await queryRunner.query('LOCK TABLE "observation" IN ACCESS EXCLUSIVE MODE');
    for (const name of TRIGGER_NAMES) await queryRunner.query(`DROP TRIGGER ${name} ON "observation"`);
    // The sequence would be dropped with the old table's column.
    await queryRunner.query('ALTER SEQUENCE "observation_id_seq" OWNED BY NONE');
    await queryRunner.query('ALTER TABLE "observation" RENAME TO "observation_moving"');
    await queryRunner.query(createTable('observation', shape.partitionBy));
    await shape.partitions();
    // In the old table's physical order (no ORDER BY): each partition keeps the import order of
    // its rows, so a benchmark before and after compares the partitioning, not a new row order.
    await queryRunner.query(`INSERT INTO "observation" (${COLUMNS}) SELECT ${COLUMNS} FROM "observation_moving"`);
    await queryRunner.query('DROP TABLE "observation_moving"');
    await queryRunner.query('ALTER SEQUENCE "observation_id_seq" OWNED BY "observation"."id"');
    await queryRunner.query(shape.primaryKey);
    await queryRunner.query(
      'ALTER TABLE "observation" ADD CONSTRAINT "UQ_observation_key_release" UNIQUE ("city_id", "indicator_id", "year", "disaggregation", "source_id", "release_id")',
    );
    for (const index of INDEXES) await queryRunner.query(index);
    await queryRunner.query(FOREIGN_KEYS);
    for (const trigger of TRIGGERS) await queryRunner.query(trigger);
    await queryRunner.query('ANALYZE "observation"');
  }
}
