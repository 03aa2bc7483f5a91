import type { EntityManager } from 'typeorm';
import type { RatificationStatus } from '../modules/country/ratification.entity';
import { lockVersions, openRelease } from '../modules/source/releases';

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
  // A fact changes the current status when the pair has none or an older one. Once anything has
  // been published (a release exists), such a change is recorded in a release of its own: the
  // older status is stamped as superseded, never overwritten, so answers as of earlier releases
  // keep it. Before the first release, and for `baseline` reference data (a source's first load
  // at the first start, before anything is served), the facts hold from the beginning: no
  // release, and a current row is replaced in place (its copy goes to the history either way).
  await lockVersions(m, 'ratification');
  const [{ changes, published }]: { changes: number; published: boolean }[] = await m.query(
    `WITH p AS (${incoming})
     SELECT count(*) FILTER (WHERE r.id IS NULL OR r.as_of < $7::date)::int AS changes,
            EXISTS (SELECT 1 FROM release) AS published
     FROM p LEFT JOIN ratification r
       ON r.country_code = p.country_code AND r.instrument_id = p.instrument_id AND r.superseded_in_release_id IS NULL`,
    params,
  );
  const releaseId =
    changes > 0 && published && !options.baseline
      ? await openRelease(m, `Treaty status as of ${asOf}: ${changes} national status(es) added or changed`, sourceId)
      : null;
  // $7 is the as-of date; $8, where used, the source; $9 the release.
  const count = async (sql: string, extra: unknown[] = []) =>
    ((await m.query(sql, [...params, ...extra])) as unknown[]).length;
  const current = 'r.superseded_in_release_id IS NULL';
  let written = 0;
  written += await count(
    `WITH p AS (${incoming})
     INSERT INTO ratification_history (country_code, instrument_id, status, year, date, signed_year, source_id, as_of)
     SELECT r.country_code, r.instrument_id, r.status, r.year, r.date, r.signed_year, r.source_id, r.as_of
     FROM ratification r JOIN p USING (country_code, instrument_id)
     WHERE r.as_of < $7::date AND ${current}
     ON CONFLICT DO NOTHING RETURNING id`,
  );
  written += await count(
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, affected], not the rows.
    releaseId === null
      ? `WITH p AS (${incoming}), updated AS (
           UPDATE ratification r
           SET status = p.status, year = p.year, date = p.date, signed_year = p.signed_year, source_id = $8, as_of = $7
           FROM p WHERE r.country_code = p.country_code AND r.instrument_id = p.instrument_id AND r.as_of < $7::date
             AND ${current}
           RETURNING r.id)
         SELECT id FROM updated`
      : // Stamped here; the insert below adds the new version, as for a pair seen for the first time.
        `WITH p AS (${incoming}), stamped AS (
           UPDATE ratification r SET superseded_in_release_id = $8
           FROM p WHERE r.country_code = p.country_code AND r.instrument_id = p.instrument_id AND r.as_of < $7::date
             AND ${current}
           RETURNING r.id)
         SELECT id FROM stamped`,
    releaseId === null ? [sourceId] : [releaseId],
  );
  written += await count(
    `WITH p AS (${incoming})
     INSERT INTO ratification_history (country_code, instrument_id, status, year, date, signed_year, source_id, as_of)
     SELECT p.country_code, p.instrument_id, p.status, p.year, p.date, p.signed_year, $8, $7
     FROM p JOIN ratification r USING (country_code, instrument_id)
     WHERE (r.as_of IS NULL OR r.as_of > $7::date) AND ${current}
     ORDER BY p.n
     ON CONFLICT DO NOTHING RETURNING id`,
    [sourceId],
  );
  written += await count(
    `WITH p AS (${incoming})
     INSERT INTO ratification (country_code, instrument_id, status, year, date, signed_year, source_id, as_of, release_id)
     SELECT p.country_code, p.instrument_id, p.status, p.year, p.date, p.signed_year, $8, $7, $9
     FROM p ORDER BY p.n
     ON CONFLICT DO NOTHING RETURNING id`,
    [sourceId, releaseId],
  );
  return written;
}
