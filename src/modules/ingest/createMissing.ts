import type { QueryRunner } from 'typeorm';
import type { FileNames } from './fileNames';
import type { ImportOptions, PlacesReport } from './importTypes';
import type { Resolved } from './resolveReferences';
import { slugify, stripAccents } from '../common/text';
import { assignSlugs } from './assignSlugs';
import { execute, query, queryOne, sql } from '../common/sqlTag';

/**
 * Creates the defined indicators and the cities the file uses that do not exist yet, in order
 * of first use, and replaces their placeholders in the reference tables by the new ids.
 */
export async function createMissing(
  queryRunner: QueryRunner,
  names: FileNames,
  resolved: Resolved,
  options: ImportOptions,
): Promise<{ cities: string[]; places: PlacesReport; indicators: string[] }> {
  const createdIndicators: string[] = [];
  const placeholders: number[] = [];
  const ids: number[] = [];
  for (const definition of options.metadata.indicators) {
    const ref = names.indicators.indexOf(definition.code);
    if (ref < 0 || resolved.indicatorIds[ref]! > 0 || placeholders.includes(resolved.indicatorIds[ref]!)) continue;
    const d = definition;
    const { id } = (await queryOne<{ id: number }>(
      queryRunner,
      sql`INSERT INTO indicator (code, name, unit, direction, kind, description, methodology)
          VALUES (${d.code}, ${d.name}, ${d.unit}, ${d.direction}, ${d.kind}, ${d.description}, ${d.methodology})
          RETURNING id`,
    ))!;
    if (definition.rights.length > 0) {
      await execute(
        queryRunner,
        sql`INSERT INTO indicator_right (indicator_id, right_id) SELECT ${id}, id FROM "right" WHERE code = ANY(${definition.rights})`,
      );
    }
    placeholders.push(resolved.indicatorIds[ref]!);
    ids.push(id);
    createdIndicators.push(definition.code);
  }
  if (ids.length > 0) {
    await execute(
      queryRunner,
      sql`UPDATE import_indicator SET indicator_id = m.id FROM unnest(${placeholders}::int[], ${ids}::int[]) AS m(placeholder, id)
          WHERE indicator_id = m.placeholder`,
    );
  }

  // Refs differing only in case share a placeholder: each is created once, in order of first use.
  const firsts: number[] = [];
  const seen = new Set<number>();
  names.cities.forEach((_, i) => {
    const placeholder = resolved.cityIds[i]!;
    if (resolved.newCityKeys[i] === null || seen.has(placeholder)) return;
    seen.add(placeholder);
    firsts.push(i);
  });
  const slugs = await assignSlugs(
    queryRunner,
    firsts.map((i) => {
      const ref = names.cities[i];
      return slugify([ref.city, ref.region ?? '', ref.country].filter(Boolean).join(' '));
    }),
  );
  const picks = firsts.map((i) => resolved.newCityPlaces.get(resolved.newCityKeys[i]!));
  const places: PlacesReport = { matched: [], largestChoices: [], notInGazetteer: [] };
  picks.forEach((pick, k) => {
    const slug = slugs[k];
    if (!pick) places.notInGazetteer.push(slug);
    else if (pick.candidates === 1) places.matched.push(slug);
    else {
      places.largestChoices.push({
        city: slug,
        name: pick.place.name,
        country: pick.place.countryCode,
        region: pick.place.region,
        population: pick.place.population,
        geonamesId: pick.place.geonamesId,
        candidates: pick.candidates,
      });
    }
  });
  if (firsts.length > 0) {
    // One INSERT for all the new cities and one UPDATE for their placeholders, however many
    // cities the file creates (a global file creates thousands).
    const refs = firsts.map((i) => names.cities[i]);
    const inserted = await query<{ id: number; slug: string }>(
      queryRunner,
      sql`-- sql
       INSERT INTO city (slug, name, ascii_name, country_code, region, geonames_id, latitude, longitude, population)
       SELECT * FROM unnest(
         ${slugs}::text[],
         ${refs.map((ref) => ref.city)}::text[],
         ${refs.map((ref) => stripAccents(ref.city))}::text[],
         ${refs.map((ref) => ref.country)}::text[],
         ${refs.map((ref, k) => ref.region ?? picks[k]?.place.region ?? null)}::text[],
         ${picks.map((pick) => pick?.place.geonamesId ?? null)}::text[],
         ${picks.map((pick) => pick?.place.latitude ?? null)}::float8[],
         ${picks.map((pick) => pick?.place.longitude ?? null)}::float8[],
         ${picks.map((pick) => pick?.place.population ?? null)}::int[])
       RETURNING id, slug`,
    );
    // RETURNING's order is not promised; the slug (unique) says which row is which.
    const idOf = new Map(inserted.map((r) => [r.slug, r.id]));
    const cityPlaceholders = firsts.map((i) => resolved.cityIds[i]!);
    const cityIds = slugs.map((slug) => idOf.get(slug)!);
    await execute(
      queryRunner,
      sql`UPDATE import_city SET city_id = m.id FROM unnest(${cityPlaceholders}::int[], ${cityIds}::int[]) AS m(placeholder, id)
          WHERE city_id = m.placeholder`,
    );
  }
  return { cities: slugs, places, indicators: createdIndicators };
}
