import type { QueryRunner } from 'typeorm';
import { type CityCandidate, CityMatcher } from './cityMatcher';
import type { ImportMetadata } from './datapackage';
import { closestCodes } from '../reference/suggest';
import { query, queryOne, sql } from '../common/sqlTag';

/**
 * The names a file gives to things the database holds: countries, cities and sources. Shared by
 * the observation and the commitment imports, so both read "NA" as Namibia and "Wien, AT" as
 * Vienna in the same way.
 */

/**
 * Each distinct country text of the file as an alpha-2 code, or null when it names no country:
 * an alpha-2 or alpha-3 code, or the short or English official name, case- and
 * accent-insensitive ("usa", "Österreich" does not match, "Cote d'Ivoire" does). Codes win over
 * names. One statement for the whole file.
 */
export async function resolveCountries(queryRunner: QueryRunner, texts: string[]): Promise<Map<string, string | null>> {
  const distinct = [...new Set(texts)];
  const rows = await query<{ text: string; code: string | null }>(
    queryRunner,
    sql`SELECT v AS text, (
       SELECT c.code FROM country c
       WHERE c.code = upper(v) OR c.alpha3 = upper(v)
          OR rg_fold(c.name) = rg_fold(v) OR rg_fold(c.names ->> 'en') = rg_fold(v)
       ORDER BY (c.code = upper(v)) DESC, (c.alpha3 = upper(v)) DESC, c.code
       LIMIT 1) AS code
     FROM unnest(${distinct}::text[]) AS v`,
  );
  return new Map(rows.map((r) => [r.text, r.code === null ? null : r.code.trim()]));
}

/**
 * The problem text for a country nobody has, with the closest codes and names: the candidates
 * are read once per import and each distinct text is worked out once.
 */
export function unknownCountries(queryRunner: QueryRunner): (text: string) => Promise<string> {
  let candidates: Promise<string[]> | null = null;
  const reasons = new Map<string, Promise<string>>();
  return (text) => {
    let reason = reasons.get(text);
    if (!reason) {
      candidates ??= query<{ value: string }>(
        queryRunner,
        sql`SELECT code::text AS value FROM country UNION ALL SELECT alpha3 FROM country UNION ALL SELECT name FROM country`,
      ).then((rows) => rows.map((r) => r.value));
      reason = candidates.then((all) => {
        const close = closestCodes(text, all);
        return `unknown country (expected an ISO 3166-1 alpha-2 or alpha-3 code or an English name)${
          close.length ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ''
        }`;
      });
      reasons.set(text, reason);
    }
    return reason;
  };
}

/** The cities of `countries`, for matching the names a file gives them. One statement. */
export async function cityMatcherFor(queryRunner: QueryRunner, countries: string[]): Promise<CityMatcher> {
  const rows = await query<{
    id: number;
    slug: string;
    name: string;
    ascii_name: string;
    alternate_names: string[];
    country_code: string;
    region: string | null;
    latitude: number | null;
    longitude: number | null;
  }>(
    queryRunner,
    sql`SELECT id, slug, name, ascii_name, alternate_names, country_code, region, latitude, longitude
        FROM city WHERE country_code = ANY(${countries}) ORDER BY id`,
  );
  const cities: CityCandidate[] = rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    asciiName: r.ascii_name,
    alternateNames: r.alternate_names,
    countryCode: r.country_code.trim(),
    region: r.region,
    latitude: r.latitude,
    longitude: r.longitude,
  }));
  return new CityMatcher(cities);
}

/** The source of that title, created when there is none. */
export async function upsertSource(
  queryRunner: QueryRunner,
  source: NonNullable<ImportMetadata['source']>,
): Promise<number> {
  const existing = await queryOne<{ id: number }>(
    queryRunner,
    sql`SELECT id FROM source WHERE title = ${source.title}`,
  );
  if (existing) return existing.id;
  const s = source;
  const { id } = (await queryOne<{ id: number }>(
    queryRunner,
    sql`INSERT INTO source (publisher, title, url, license, citation, synthetic)
        VALUES (${s.publisher}, ${s.title}, ${s.url}, ${s.license}, ${s.citation}, ${s.synthetic}) RETURNING id`,
  ))!;
  return id;
}
