import type { EntityManager } from 'typeorm';
import type { RatificationStatus } from '../modules/country/ratification.entity';
import { lockVersions, openRelease } from '../modules/source/releases';
import { query, queryOne, type Sql, sql } from '../modules/common/sqlTag';

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
  options: { baseline?: boolean } = {},
): Promise<number> {
  const incoming = sql`
    SELECT p.country_code, i.id AS instrument_id, p.status, p.year, p.date, p.signed_year, p.n
    FROM unnest(
      ${facts.map((f) => f.countryCode)}::char(2)[],
      ${facts.map((f) => f.instrumentCode)}::varchar[],
      ${facts.map((f) => f.status)}::varchar[],
      ${facts.map((f) => f.year)}::smallint[],
      ${facts.map((f) => f.date)}::date[],
      ${facts.map((f) => f.signedYear)}::smallint[])
      WITH ORDINALITY AS p(country_code, instrument_code, status, year, date, signed_year, n)
    JOIN instrument i ON i.code = p.instrument_code`;
  const asOfDate = sql`${asOf}::date`;
  // A fact changes the current status when the pair has none or an older one. Once anything has
  // been published (a release exists), such a change is recorded in a release of its own: the
  // older status is stamped as superseded, never overwritten, so answers as of earlier releases
  // keep it. Before the first release, and for `baseline` reference data (a source's first load
  // at the first start, before anything is served), the facts hold from the beginning: no
  // release, and a current row is replaced in place (its copy goes to the history either way).
  await lockVersions(m, 'ratification');
  const { changes, published } = (await queryOne<{ changes: number; published: boolean }>(
    m,
    sql`WITH p AS (${incoming})
     SELECT count(*) FILTER (WHERE r.id IS NULL OR r.as_of < ${asOfDate})::int AS changes,
            EXISTS (SELECT 1 FROM release) AS published
     FROM p LEFT JOIN ratification r
       ON r.country_code = p.country_code AND r.instrument_id = p.instrument_id AND r.superseded_in_release_id IS NULL`,
  ))!;
  const releaseId =
    changes > 0 && published && !options.baseline
      ? await openRelease(m, `Treaty status as of ${asOf}: ${changes} national status(es) added or changed`, sourceId)
      : null;
  const count = async (statement: Sql) => (await query<{ id: number }>(m, statement)).length;
  const current = sql`r.superseded_in_release_id IS NULL`;
  let written = 0;
  written += await count(
    sql`WITH p AS (${incoming})
     INSERT INTO ratification_history (country_code, instrument_id, status, year, date, signed_year, source_id, as_of)
     SELECT r.country_code, r.instrument_id, r.status, r.year, r.date, r.signed_year, r.source_id, r.as_of
     FROM ratification r JOIN p USING (country_code, instrument_id)
     WHERE r.as_of < ${asOfDate} AND ${current}
     ON CONFLICT DO NOTHING RETURNING id`,
  );
  written += await count(
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, affected], not the rows.
    releaseId === null
      ? sql`WITH p AS (${incoming}), updated AS (
           UPDATE ratification r
           SET status = p.status, year = p.year, date = p.date, signed_year = p.signed_year,
               source_id = ${sourceId}, as_of = ${asOfDate}
           FROM p WHERE r.country_code = p.country_code AND r.instrument_id = p.instrument_id AND r.as_of < ${asOfDate}
             AND ${current}
           RETURNING r.id)
         SELECT id FROM updated`
      : // Stamped here; the insert below adds the new version, as for a pair seen for the first time.
        sql`WITH p AS (${incoming}), stamped AS (
           UPDATE ratification r SET superseded_in_release_id = ${releaseId}
           FROM p WHERE r.country_code = p.country_code AND r.instrument_id = p.instrument_id AND r.as_of < ${asOfDate}
             AND ${current}
           RETURNING r.id)
         SELECT id FROM stamped`,
  );
  written += await count(
    sql`WITH p AS (${incoming})
     INSERT INTO ratification_history (country_code, instrument_id, status, year, date, signed_year, source_id, as_of)
     SELECT p.country_code, p.instrument_id, p.status, p.year, p.date, p.signed_year, ${sourceId}::int, ${asOfDate}
     FROM p JOIN ratification r USING (country_code, instrument_id)
     WHERE (r.as_of IS NULL OR r.as_of > ${asOfDate}) AND ${current}
     ORDER BY p.n
     ON CONFLICT DO NOTHING RETURNING id`,
  );
  written += await count(
    sql`WITH p AS (${incoming})
     INSERT INTO ratification (country_code, instrument_id, status, year, date, signed_year, source_id, as_of, release_id)
     SELECT p.country_code, p.instrument_id, p.status, p.year, p.date, p.signed_year, ${sourceId}::int, ${asOfDate},
            ${releaseId}::int
     FROM p ORDER BY p.n
     ON CONFLICT DO NOTHING RETURNING id`,
  );
  return written;
}
