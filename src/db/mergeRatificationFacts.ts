import type { EntityManager } from 'typeorm';
import type { RatificationStatus } from '../modules/country/ratification.entity';

export interface RatificationFact {
  countryCode: string;
  instrumentCode: string;
  status: RatificationStatus;
  year: number | null;
  date: string | null;
  signedYear: number | null;
}

/**
 * Adds national statuses from one source, stated as of `asOf`, so that the newest fact is the
 * one in `ratification` and every other is kept in `ratification_history`, whatever order the
 * sources arrive in:
 * - no current row: the fact becomes current;
 * - the current row is older: it moves to the history, the fact replaces it;
 * - the current row is newer, or has no date (entered by hand): the fact goes to the history.
 * Idempotent: a fact already current or already in the history (same country, instrument and
 * as-of date) changes nothing. Returns how many rows it wrote.
 */
export async function mergeRatificationFacts(
  m: EntityManager,
  facts: readonly RatificationFact[],
  sourceId: number,
  asOf: string,
): Promise<number> {
  const incoming = `
    SELECT p.country_code, i.id AS instrument_id, p.status, p.year, p.date, p.signed_year, p.n
    FROM unnest($1::char(2)[], $2::varchar[], $3::varchar[], $4::smallint[], $5::date[], $6::smallint[])
      WITH ORDINALITY AS p(country_code, instrument_code, status, year, date, signed_year, n)
    JOIN instrument i ON i.code = p.instrument_code`;
  const params = [
    facts.map((f) => f.countryCode),
    facts.map((f) => f.instrumentCode),
    facts.map((f) => f.status),
    facts.map((f) => f.year),
    facts.map((f) => f.date),
    facts.map((f) => f.signedYear),
    asOf,
  ];
  // $7 is the as-of date; $8, where used, the source.
  const count = async (sql: string, withSource = true) =>
    ((await m.query(sql, withSource ? [...params, sourceId] : params)) as unknown[]).length;
  let written = 0;
  written += await count(
    `WITH p AS (${incoming})
     INSERT INTO ratification_history (country_code, instrument_id, status, year, date, signed_year, source_id, as_of)
     SELECT r.country_code, r.instrument_id, r.status, r.year, r.date, r.signed_year, r.source_id, r.as_of
     FROM ratification r JOIN p USING (country_code, instrument_id)
     WHERE r.as_of < $7::date
     ON CONFLICT DO NOTHING RETURNING id`,
    false,
  );
  written += await count(
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, affected], not the rows.
    `WITH p AS (${incoming}), updated AS (
       UPDATE ratification r
       SET status = p.status, year = p.year, date = p.date, signed_year = p.signed_year, source_id = $8, as_of = $7
       FROM p WHERE r.country_code = p.country_code AND r.instrument_id = p.instrument_id AND r.as_of < $7::date
       RETURNING r.id)
     SELECT id FROM updated`,
  );
  written += await count(
    `WITH p AS (${incoming})
     INSERT INTO ratification_history (country_code, instrument_id, status, year, date, signed_year, source_id, as_of)
     SELECT p.country_code, p.instrument_id, p.status, p.year, p.date, p.signed_year, $8, $7
     FROM p JOIN ratification r USING (country_code, instrument_id)
     WHERE r.as_of IS NULL OR r.as_of > $7::date
     ORDER BY p.n
     ON CONFLICT DO NOTHING RETURNING id`,
  );
  written += await count(
    `WITH p AS (${incoming})
     INSERT INTO ratification (country_code, instrument_id, status, year, date, signed_year, source_id, as_of)
     SELECT p.country_code, p.instrument_id, p.status, p.year, p.date, p.signed_year, $8, $7
     FROM p ORDER BY p.n
     ON CONFLICT DO NOTHING RETURNING id`,
  );
  return written;
}
