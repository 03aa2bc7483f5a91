import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `latest_observation`: the current latest total value of each (indicator, city), kept by
 * triggers on `observation` (see LatestObservation). Ranking every city by its latest value
 * reads one index range of it instead of probing `observation` once per city.
 *
 * Maintenance is set-based: one AFTER ... FOR EACH STATEMENT trigger per event, with transition
 * tables, hands the (city, indicator) pairs the statement touched to
 * `latest_observation_refresh`, which deletes their rows and inserts each pair's latest value
 * again with one probe of IDX_observation_latest. An import of 300,000 values recomputes its
 * (city, indicator) pairs once, not once per row.
 *
 * Writers to `observation` are serialised by the advisory lock the import already takes
 * (`hashtext('rightsgraph import')`), taken here too, so a writer that waited recomputes after
 * the other committed and sees its rows (READ COMMITTED takes a snapshot per statement).
 * PostgreSQL allows transition tables only on single-event triggers, hence three triggers.
 */
export class AddLatestObservation1795782222833 implements MigrationInterface {
  name = 'AddLatestObservation1795782222833';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "latest_observation" ("indicator_id" integer NOT NULL, "city_id" integer NOT NULL, "observation_id" integer NOT NULL, "year" smallint NOT NULL, "value" double precision NOT NULL, "lower" double precision, "upper" double precision, "status" character varying(20) NOT NULL, "source_id" integer NOT NULL, "release_id" integer NOT NULL, CONSTRAINT "PK_7a9ce023d45db096a5831c69495" PRIMARY KEY ("indicator_id", "city_id"))',
    );
    await queryRunner.query(`
      CREATE FUNCTION latest_observation_refresh(city_ids int[], indicator_ids int[]) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('rightsgraph import'));
        DELETE FROM latest_observation l
          USING unnest(city_ids, indicator_ids) AS p(city_id, indicator_id)
          WHERE l.city_id = p.city_id AND l.indicator_id = p.indicator_id;
        INSERT INTO latest_observation
          (indicator_id, city_id, observation_id, year, value, lower, upper, status, source_id, release_id)
        SELECT p.indicator_id, p.city_id, v.id, v.year, v.value, v.lower, v.upper, v.status, v.source_id, v.release_id
        FROM (SELECT DISTINCT * FROM unnest(city_ids, indicator_ids)) AS p(city_id, indicator_id)
        CROSS JOIN LATERAL (
          SELECT o.id, o.year, o.value, o.lower, o.upper, o.status, o.source_id, o.release_id
          FROM observation o
          WHERE o.city_id = p.city_id AND o.indicator_id = p.indicator_id
            AND o.disaggregation = '' AND o.superseded_in_release_id IS NULL
          ORDER BY o.year DESC, o.source_id
          LIMIT 1
        ) v;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION latest_observation_on_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        city_ids int[];
        indicator_ids int[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          SELECT array_agg(city_id), array_agg(indicator_id) INTO city_ids, indicator_ids
          FROM (SELECT DISTINCT city_id, indicator_id FROM new_rows WHERE disaggregation = '') AS t;
        ELSIF TG_OP = 'UPDATE' THEN
          SELECT array_agg(city_id), array_agg(indicator_id) INTO city_ids, indicator_ids
          FROM (SELECT city_id, indicator_id FROM old_rows WHERE disaggregation = ''
                UNION SELECT city_id, indicator_id FROM new_rows WHERE disaggregation = '') AS t;
        ELSIF TG_OP = 'DELETE' THEN
          SELECT array_agg(city_id), array_agg(indicator_id) INTO city_ids, indicator_ids
          FROM (SELECT DISTINCT city_id, indicator_id FROM old_rows WHERE disaggregation = '') AS t;
        END IF;
        IF city_ids IS NOT NULL THEN
          PERFORM latest_observation_refresh(city_ids, indicator_ids);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION latest_observation_on_truncate() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM latest_observation;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER latest_observation_insert AFTER INSERT ON observation REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION latest_observation_on_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER latest_observation_update AFTER UPDATE ON observation
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION latest_observation_on_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER latest_observation_delete AFTER DELETE ON observation REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION latest_observation_on_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER latest_observation_truncate AFTER TRUNCATE ON observation
       FOR EACH STATEMENT EXECUTE FUNCTION latest_observation_on_truncate()`,
    );
    // The rows of the data already there, in one pass.
    await queryRunner.query(`
      INSERT INTO latest_observation
        (indicator_id, city_id, observation_id, year, value, lower, upper, status, source_id, release_id)
      SELECT DISTINCT ON (o.indicator_id, o.city_id)
             o.indicator_id, o.city_id, o.id, o.year, o.value, o.lower, o.upper, o.status, o.source_id, o.release_id
      FROM observation o
      WHERE o.disaggregation = '' AND o.superseded_in_release_id IS NULL
      ORDER BY o.indicator_id, o.city_id, o.year DESC, o.source_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER latest_observation_truncate ON observation');
    await queryRunner.query('DROP TRIGGER latest_observation_delete ON observation');
    await queryRunner.query('DROP TRIGGER latest_observation_update ON observation');
    await queryRunner.query('DROP TRIGGER latest_observation_insert ON observation');
    await queryRunner.query('DROP FUNCTION latest_observation_on_truncate()');
    await queryRunner.query('DROP FUNCTION latest_observation_on_change()');
    await queryRunner.query('DROP FUNCTION latest_observation_refresh(int[], int[])');
    await queryRunner.query('DROP TABLE "latest_observation"');
  }
}
