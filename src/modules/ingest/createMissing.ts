import type { QueryRunner } from 'typeorm';
import type { FileNames } from './fileNames';
import type { ImportOptions, PlacesReport } from './importTypes';
import type { Resolved } from './resolveReferences';
import { slugify, stripAccents } from '../common/text';
import { assignSlugs } from './assignSlugs';

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
    const [{ id }] = await queryRunner.query(
      `INSERT INTO indicator (code, name, unit, direction, kind, description, methodology) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        definition.code,
        definition.name,
        definition.unit,
        definition.direction,
        definition.kind,
        definition.description,
        definition.methodology,
      ],
    );
    if (definition.rights.length > 0) {
      await queryRunner.query(
        `INSERT INTO indicator_right (indicator_id, right_id) SELECT $1, id FROM "right" WHERE code = ANY($2)`,
        [id, definition.rights],
      );
    }
    placeholders.push(resolved.indicatorIds[ref]!);
    ids.push(id);
    createdIndicators.push(definition.code);
  }
  if (ids.length > 0) {
    await queryRunner.query(
      `UPDATE import_indicator SET indicator_id = m.id FROM unnest($1::int[], $2::int[]) AS m(placeholder, id) WHERE indicator_id = m.placeholder`,
      [placeholders, ids],
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
    const inserted = (await queryRunner.query(
      `-- sql
       INSERT INTO city (slug, name, ascii_name, country_code, region, geonames_id, latitude, longitude, population)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                            $7::float8[], $8::float8[], $9::int[])
       RETURNING id, slug`,
      [
        slugs,
        refs.map((ref) => ref.city),
        refs.map((ref) => stripAccents(ref.city)),
        refs.map((ref) => ref.country),
        refs.map((ref, k) => ref.region ?? picks[k]?.place.region ?? null),
        picks.map((pick) => pick?.place.geonamesId ?? null),
        picks.map((pick) => pick?.place.latitude ?? null),
        picks.map((pick) => pick?.place.longitude ?? null),
        picks.map((pick) => pick?.place.population ?? null),
      ],
    )) as { id: number; slug: string }[];
    // RETURNING's order is not promised; the slug (unique) says which row is which.
    const idOf = new Map(inserted.map((r) => [r.slug, r.id]));
    await queryRunner.query(
      `UPDATE import_city SET city_id = m.id FROM unnest($1::int[], $2::int[]) AS m(placeholder, id) WHERE city_id = m.placeholder`,
      [firsts.map((i) => resolved.cityIds[i]!), slugs.map((slug) => idOf.get(slug)!)],
    );
  }
  return { cities: slugs, places, indicators: createdIndicators };
}
