import { type Queryable, query, sql } from '../common/sqlTag';

/** The slug and every shorter slug it extends at a dash: "york-pa-us-2" -> york, york-pa, york-pa-us, york-pa-us-2. */
function dashPrefixes(slug: string): string[] {
  const parts = slug.split('-');
  return parts.map((_, i) => parts.slice(0, i + 1).join('-'));
}

/**
 * The slugs of new cities, one per wanted base slug, in order: the base itself when no city
 * has it or extends it (`base-...`), otherwise the base suffixed with one more than the
 * number of such cities ("london-gb" taken: "london-gb-2"), or the next number free when that
 * one is taken too (a city renamed or removed leaves a gap: "london-gb" and "london-gb-3" stored,
 * a new London is "london-gb-4", not a second "london-gb-3"). The import has always counted
 * this way; an earlier city of the same batch counts as taken for the ones after it, exactly
 * as when the cities were inserted one at a time.
 *
 * One statement for any number of cities: the stored slugs are read once, each broken into
 * its dash prefixes and counted against the bases, so a global file's thousands of cities
 * cost one scan of `city` rather than one per city. A city's slug has only letters, digits
 * and single dashes (CHK_city_slug), so "equals the base or starts with `base-`" is exactly
 * "the base is one of its dash prefixes".
 */
export async function assignSlugs(queryRunner: Queryable, bases: readonly string[]): Promise<string[]> {
  if (bases.length === 0) return [];
  const wanted = [...new Set(bases)];
  const rows = await query<{ base: string; taken: number; numbered: string[] }>(
    queryRunner,
    sql`-- sql
     SELECT p.prefix AS base, count(*)::int AS taken,
            -- The stored "base-<number>" slugs: numbers a suffix must not take again.
            coalesce(array_agg(c.slug) FILTER (
              WHERE c.slug <> p.prefix AND substr(c.slug, length(p.prefix) + 2) ~ '^[0-9]+$'
            ), '{}') AS numbered
     FROM city c
     CROSS JOIN LATERAL (
       SELECT array_to_string((string_to_array(c.slug, '-'))[1:n], '-') AS prefix
       FROM generate_series(1, cardinality(string_to_array(c.slug, '-'))) AS n
     ) p
     WHERE p.prefix = ANY(${wanted}::text[])
     GROUP BY p.prefix`,
  );
  const taken = new Map(rows.map((r) => [r.base, r.taken]));
  const used = new Set(rows.flatMap((r) => r.numbered));
  const isWanted = new Set(wanted);
  return bases.map((base) => {
    const count = taken.get(base) ?? 0;
    let slug = base;
    if (count > 0) {
      let n = count + 1;
      while (used.has(`${base}-${n}`)) n += 1;
      slug = `${base}-${n}`;
    }
    used.add(slug);
    for (const prefix of dashPrefixes(slug)) {
      if (isWanted.has(prefix)) taken.set(prefix, (taken.get(prefix) ?? 0) + 1);
    }
    return slug;
  });
}
