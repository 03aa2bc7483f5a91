import { Client } from 'pg';
import { type DatasetPlan, expectedRows, SOURCE_TITLE } from './dataset';

/** What loading took, in the shape importAll reports it (generate.ts). */
export interface LoadTally {
  records: number;
  missing: number;
  seconds: number;
  count: number;
  slowest: number;
  fastest: number;
  peakRss: number;
}

/**
 * The xlarge scale's observations (30M values), generated set-based inside Postgres: through the
 * import (about 25,000 rows/s) or a COPY of the generator's own values (15,000 rows/s with every
 * index in place, on a loaded machine) they took well over half an hour.
 *
 * The same model as the generator (observationsCsv.ts): per indicator and city, the country's
 * effect plus a city level plus a trend plus noise, in standard deviations of the indicator,
 * clamped to its range and rounded to its decimals; 2 % of values missing at random, 3 % of
 * series starting late and 2 % ending early; the same status shares; intervals on the same
 * indicators; five indicators per release. But the draws come from Postgres' `hashint8`, not
 * from the generator's PRNG: these are not the values the CSV files would hold, and `loadedBy`
 * says 'sql' on the database.
 *
 * One transaction: the keys, indexes and foreign keys of observation are dropped, the rows go in
 * with one INSERT ... SELECT in the order of the main indexes, the keys and indexes are built
 * again with the migrations' definitions (the names below are theirs, as of
 * 1796480000000-PartitionObservations), and latest_observation is filled in one pass with its
 * own rule (the latest total per pair, lowest source id), as its triggers would have.
 */
export async function sqlObservations(url: string, plan: DatasetPlan, log: (line: string) => void): Promise<LoadTally> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const began = performance.now();
  try {
    const step = async (what: string, text: string, values: unknown[] = []) => {
      const started = performance.now();
      const result = await client.query(text, values);
      log(`sql: ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      return result;
    };
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query('BEGIN');
    try {
      await step(
        'keys, indexes and foreign keys dropped',
        `ALTER TABLE observation DISABLE TRIGGER USER;
         ALTER TABLE observation DROP CONSTRAINT "PK_57f5dee7b6149652b29cc5bd7a5", DROP CONSTRAINT "UQ_observation_key_release",
           DROP CONSTRAINT "FK_cd5cf7bef74909dc9f7c9726cb1", DROP CONSTRAINT "FK_53d55e96ce28f37c28b17cede91",
           DROP CONSTRAINT "FK_f4a6f1e87405ee25c8c1f00f556", DROP CONSTRAINT "FK_05e5ab8e0ad9a2cf65a626f40c4",
           DROP CONSTRAINT "FK_e2c58b370c7f928d3fa45c2d982";
         DROP INDEX "IDX_f4a6f1e87405ee25c8c1f00f55", "IDX_05e5ab8e0ad9a2cf65a626f40c", "IDX_observation_indicator_year",
           "UQ_observation_current", "IDX_observation_latest"`,
      );
      // The plan's indicators and countries, as the generator drew them; one release per five indicators.
      await client.query(
        `CREATE TEMP TABLE xi ON COMMIT DROP AS
           SELECT k - 1 AS k, code, mean, sd, lo, hi, ivl, dec
           FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::boolean[], $7::int[])
             WITH ORDINALITY AS t(code, mean, sd, lo, hi, ivl, dec, k)`,
        [
          plan.indicators.map((i) => i.code),
          plan.indicators.map((i) => i.mean),
          plan.indicators.map((i) => i.sd),
          plan.indicators.map((i) => i.min),
          plan.indicators.map((i) => i.max),
          plan.indicators.map((i) => i.interval),
          plan.indicators.map((i) => (i.max <= 1 ? 4 : 2)),
        ],
      );
      await client.query(
        `CREATE TEMP TABLE xc ON COMMIT DROP AS
           SELECT code::char(2) AS code, effect FROM unnest($1::text[], $2::float8[]) AS t(code, effect)`,
        [plan.countries.map((c) => c.code), plan.countries.map((c) => c.effect)],
      );
      const releases = Math.ceil(plan.indicators.length / 5);
      await client.query(
        `CREATE TEMP TABLE xr ON COMMIT DROP AS
           SELECT b, (SELECT id FROM source WHERE title = $1) AS source_id, nextval('release_id_seq')::int AS release_id
           FROM generate_series(0, $2 - 1) b`,
        [SOURCE_TITLE, releases],
      );
      await client.query(
        `INSERT INTO release (id, description, source_id)
         SELECT release_id, 'Synthetic benchmark data (set-based SQL, xlarge): batch ' || b, source_id FROM xr`,
      );
      // u(key, salt): a uniform in (0, 1) from Postgres' integer hash; n(): a standard normal (Box-Muller).
      await client.query(
        `CREATE FUNCTION pg_temp.u(k bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
           $$ SELECT ((hashint8(k * 64 + salt) & 2147483647)::float8 + 0.5) / 2147483648.0 $$`,
      );
      await client.query(
        `CREATE FUNCTION pg_temp.n(k bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
           $$ SELECT sqrt(-2 * ln(pg_temp.u(k, salt))) * cos(2 * pi() * pg_temp.u(k, salt + 1)) $$`,
      );
      const inserted = await step(
        'observations inserted',
        `INSERT INTO observation (city_id, indicator_id, year, value, lower, upper, status, source_id, release_id)
         SELECT city_id, indicator_id, year, value,
                CASE WHEN ivl THEN least(value, greatest(lo, floor((raw - half) * 10 ^ dec) / 10 ^ dec)) END,
                CASE WHEN ivl THEN greatest(value, least(hi, ceil((raw + half) * 10 ^ dec) / 10 ^ dec)) END,
                CASE WHEN year = $2 AND roll < 0.1 THEN 'PROVISIONAL' WHEN roll > 0.964 THEN 'ESTIMATED'
                     WHEN roll > 0.959 THEN 'CONVERTED' WHEN roll > 0.958 THEN 'BREAK_IN_SERIES' ELSE 'MEASURED' END,
                source_id, release_id
         FROM (
           SELECT s.city_id, s.indicator_id, y.year, s.ivl, s.lo, s.hi, s.dec, s.source_id, s.release_id, r.raw,
                  round((r.raw * 10 ^ s.dec)::numeric) / 10 ^ s.dec AS value,
                  abs(pg_temp.n(r.key, 5)) * s.sd * 0.1 + s.sd * 0.02 AS half,
                  pg_temp.u(r.key, 7) AS roll
           FROM (
             SELECT c.id AS city_id, i.id AS indicator_id, xi.*, xr.source_id, xr.release_id,
                    xc.effect + pg_temp.n(c.id::bigint * 100 + xi.k, 1) * 0.7 AS level,
                    pg_temp.n(c.id::bigint * 100 + xi.k, 3) * 0.03 AS trend,
                    CASE WHEN pg_temp.u(c.id::bigint * 100 + xi.k, 9) < 0.03
                         THEN $1 + 1 + floor(pg_temp.u(c.id::bigint * 100 + xi.k, 10) * 10)::int ELSE $1 END AS first_year,
                    CASE WHEN pg_temp.u(c.id::bigint * 100 + xi.k, 11) < 0.02
                         THEN $2 - 1 - floor(pg_temp.u(c.id::bigint * 100 + xi.k, 12) * 5)::int ELSE $2 END AS last_year
             FROM xi
             JOIN indicator i ON i.code = xi.code
             JOIN xr ON xr.b = xi.k / 5
             CROSS JOIN city c
             JOIN xc ON xc.code = c.country_code
           ) s
           CROSS JOIN generate_series(s.first_year, s.last_year) AS y(year)
           CROSS JOIN LATERAL (
             SELECT ((s.city_id::bigint * 100 + s.k) * 100 + (y.year - $1)) AS key,
                    least(s.hi, greatest(s.lo, s.mean + s.sd * (s.level + s.trend * (y.year - $1 - ($2 - $1) / 2.0)
                      + pg_temp.n((s.city_id::bigint * 100 + s.k) * 100 + (y.year - $1), 13) * 0.25))) AS raw
           ) r
           WHERE pg_temp.u(r.key, 15) >= 0.02
           ORDER BY s.k, s.city_id, y.year
         ) t`,
        [plan.scale.firstYear, plan.scale.lastYear],
      );
      await step(
        'keys, indexes and foreign keys built',
        `ALTER TABLE observation ADD CONSTRAINT "PK_57f5dee7b6149652b29cc5bd7a5" PRIMARY KEY ("id", "indicator_id");
         ALTER TABLE observation ADD CONSTRAINT "UQ_observation_key_release"
           UNIQUE ("city_id", "indicator_id", "year", "disaggregation", "source_id", "release_id");
         CREATE INDEX "IDX_f4a6f1e87405ee25c8c1f00f55" ON "observation" ("source_id");
         CREATE INDEX "IDX_05e5ab8e0ad9a2cf65a626f40c" ON "observation" ("release_id");
         CREATE INDEX "IDX_observation_indicator_year" ON "observation" ("indicator_id", "year");
         CREATE UNIQUE INDEX "UQ_observation_current" ON "observation" ("city_id", "indicator_id", "year", "disaggregation", "source_id")
           WHERE "superseded_in_release_id" IS NULL;
         CREATE INDEX "IDX_observation_latest" ON "observation" ("city_id", "indicator_id", "year" DESC, "source_id")
           INCLUDE ("id", "value", "lower", "upper", "status", "release_id", "superseded_in_release_id") WHERE "disaggregation" = '';
         ALTER TABLE "observation"
           ADD CONSTRAINT "FK_cd5cf7bef74909dc9f7c9726cb1" FOREIGN KEY ("city_id") REFERENCES "city"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
           ADD CONSTRAINT "FK_53d55e96ce28f37c28b17cede91" FOREIGN KEY ("indicator_id") REFERENCES "indicator"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
           ADD CONSTRAINT "FK_f4a6f1e87405ee25c8c1f00f556" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
           ADD CONSTRAINT "FK_05e5ab8e0ad9a2cf65a626f40c4" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
           ADD CONSTRAINT "FK_e2c58b370c7f928d3fa45c2d982" FOREIGN KEY ("superseded_in_release_id") REFERENCES "release"("id") ON DELETE RESTRICT ON UPDATE NO ACTION;
         ALTER TABLE observation ENABLE TRIGGER USER`,
      );
      await step(
        'latest_observation filled',
        `INSERT INTO latest_observation
           (indicator_id, city_id, observation_id, year, value, lower, upper, status, source_id, release_id)
         SELECT DISTINCT ON (o.indicator_id, o.city_id)
                o.indicator_id, o.city_id, o.id, o.year, o.value, o.lower, o.upper, o.status, o.source_id, o.release_id
         FROM observation o
         WHERE o.disaggregation = '' AND o.superseded_in_release_id IS NULL
         ORDER BY o.indicator_id, o.city_id, o.year DESC, o.source_id;
         UPDATE release r SET rows_added = n, rows_changed = 0, rows_unchanged = 0
         FROM (SELECT release_id, count(*) AS n FROM observation GROUP BY 1) c WHERE c.release_id = r.id`,
      );
      await client.query('COMMIT');
      const records = expectedRows(plan.scale);
      const seconds = (performance.now() - began) / 1000;
      const rate = records / seconds;
      return {
        records,
        missing: records - (inserted.rowCount ?? 0),
        seconds,
        count: releases,
        slowest: rate,
        fastest: rate,
        peakRss: process.memoryUsage.rss(),
      };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    await client.end();
  }
}
