import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The row type of the two rule functions: the observation columns an analytic reads. */
const ROW = `TABLE (id integer, city_id integer, indicator_id integer, year smallint, value double precision,
  lower double precision, upper double precision, status character varying, source_id integer, release_id integer)`;

/**
 * The observation rules written once, as SQL functions that the latest_observation trigger and
 * the TypeScript read paths both call (issue 13, item 1):
 *
 * - `rg_visible_as_of(release_id, superseded_in_release_id, as_of)`: a row is visible as of
 *   release `as_of` (NULL: current) when added at or before it and not superseded by then.
 * - `rg_city_totals(city, indicator, year_from, year_to, as_of)`: the rows those read: totals
 *   only (a value for a group is never mixed with totals), in the years, visible as of the release.
 * - `rg_one_value_per_city_year(city, indicator, year_from, year_to, as_of)`: one value per year,
 *   totals only, visible as of the release, the lowest source id when sources share a year;
 *   ordered by year.
 * - `rg_latest_city_value(city, indicator, year_from, year_to, as_of)`: the last of those years
 *   (the same tie rule, ordered the other way).
 *
 * All four are LANGUAGE sql with a single SELECT, not STRICT, no SECURITY DEFINER and no SET
 * clause, so the planner inlines them: a call plans exactly as the expression or LATERAL
 * subquery written in its place (index choice included). The scalar one is IMMUTABLE (it reads
 * no table); the set-returning ones are STABLE (they read `observation`). Changing a rule means
 * a new migration that replaces the function: every reader and the trigger follow it.
 *
 * `latest_observation_refresh` is redefined on `rg_latest_city_value` (current data: as_of
 * NULL); its behaviour is unchanged. Down restores its own copy of the rule.
 */
export class AddObservationRuleFunctions1796470000000 implements MigrationInterface {
  name = 'AddObservationRuleFunctions1796470000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION rg_visible_as_of(added_in integer, superseded_in integer, as_of integer) RETURNS boolean
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT added_in <= coalesce(as_of, 2147483647)
                   AND (superseded_in IS NULL OR superseded_in > coalesce(as_of, 2147483647)) $$`);
    await queryRunner.query(`
      CREATE FUNCTION rg_city_totals(for_city integer, for_indicator integer,
                                     year_from integer, year_to integer, as_of integer)
      RETURNS ${ROW}
      LANGUAGE sql STABLE PARALLEL SAFE
      AS $$
        SELECT o.id, o.city_id, o.indicator_id, o.year, o.value, o.lower, o.upper, o.status, o.source_id, o.release_id
        FROM observation o
        WHERE o.city_id = for_city AND o.indicator_id = for_indicator
          AND o.year BETWEEN year_from AND year_to
          AND o.disaggregation = ''
          AND rg_visible_as_of(o.release_id, o.superseded_in_release_id, as_of)
      $$`);
    // DISTINCT ON follows the (city_id, indicator_id, year, disaggregation, source_id, ...)
    // unique index, so the choice costs no sort.
    await queryRunner.query(`
      CREATE FUNCTION rg_one_value_per_city_year(for_city integer, for_indicator integer,
                                                 year_from integer, year_to integer, as_of integer)
      RETURNS ${ROW}
      LANGUAGE sql STABLE PARALLEL SAFE
      AS $$
        SELECT DISTINCT ON (t.year) t.*
        FROM rg_city_totals(for_city, for_indicator, year_from, year_to, as_of) t
        ORDER BY t.year, t.source_id
      $$`);
    // The same choice (latest year, then lowest source id) in the order of IDX_observation_latest,
    // so a pair costs one index entry. Written on rg_one_value_per_city_year instead, it read
    // and sorted each pair's ~30 years: 150 ms became 250 ms for the 10,000 pairs of the small
    // benchmark database.
    await queryRunner.query(`
      CREATE FUNCTION rg_latest_city_value(for_city integer, for_indicator integer,
                                           year_from integer, year_to integer, as_of integer)
      RETURNS ${ROW}
      LANGUAGE sql STABLE PARALLEL SAFE
      AS $$
        SELECT t.* FROM rg_city_totals(for_city, for_indicator, year_from, year_to, as_of) t
        ORDER BY t.year DESC, t.source_id
        LIMIT 1
      $$`);
    await queryRunner.query(
      refresh(`
          SELECT v.id, v.year, v.value, v.lower, v.upper, v.status, v.source_id, v.release_id
          FROM rg_latest_city_value(p.city_id, p.indicator_id, 1900, 2100, NULL) v`),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      refresh(`
          SELECT o.id, o.year, o.value, o.lower, o.upper, o.status, o.source_id, o.release_id
          FROM observation o
          WHERE o.city_id = p.city_id AND o.indicator_id = p.indicator_id
            AND o.disaggregation = '' AND o.superseded_in_release_id IS NULL
          ORDER BY o.year DESC, o.source_id
          LIMIT 1`),
    );
    await queryRunner.query('DROP FUNCTION rg_latest_city_value(integer, integer, integer, integer, integer)');
    await queryRunner.query('DROP FUNCTION rg_one_value_per_city_year(integer, integer, integer, integer, integer)');
    await queryRunner.query('DROP FUNCTION rg_city_totals(integer, integer, integer, integer, integer)');
    await queryRunner.query('DROP FUNCTION rg_visible_as_of(integer, integer, integer)');
  }
}

/** latest_observation_refresh as AddLatestObservation wrote it, with `latest` choosing each pair's row. */
function refresh(latest: string): string {
  return `
      CREATE OR REPLACE FUNCTION latest_observation_refresh(city_ids int[], indicator_ids int[]) RETURNS void
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
        CROSS JOIN LATERAL (${latest}
        ) v;
      END $$`;
}
