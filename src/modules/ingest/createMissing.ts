import type { QueryRunner } from 'typeorm';
import type { FileNames } from './fileNames';
import type { ImportOptions, PlacesReport } from './importTypes';
import type { Resolved } from './resolveReferences';
import { slugify, stripAccents } from '../common/text';

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

  const createdCities: string[] = [];
  const places: PlacesReport = { matched: [], largestChoices: [], notInGazetteer: [] };
  const cityPlaceholders: number[] = [];
  const cityIds: number[] = [];
  // Refs differing only in case share a placeholder: each is created once. A set, as a file
  // may name many thousands of new cities.
  const created = new Set<number>();
  for (let i = 0; i < names.cities.length; i += 1) {
    const placeholder = resolved.cityIds[i]!;
    if (resolved.newCityKeys[i] === null || created.has(placeholder)) continue;
    created.add(placeholder);
    const ref = names.cities[i];
    const base = slugify([ref.city, ref.region ?? '', ref.country].filter(Boolean).join(' '));
    const [{ taken }] = await queryRunner.query(
      `SELECT count(*)::int AS taken FROM city WHERE slug = $1 OR slug LIKE $2`,
      [base, `${base}-%`],
    );
    const slug = taken === 0 ? base : `${base}-${taken + 1}`;
    const pick = resolved.newCityPlaces.get(resolved.newCityKeys[i]!);
    const place = pick?.place;
    const [{ id }] = await queryRunner.query(
      `INSERT INTO city (slug, name, ascii_name, country_code, region, geonames_id, latitude, longitude, population)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        slug,
        ref.city,
        stripAccents(ref.city),
        ref.country,
        ref.region ?? place?.region ?? null,
        place?.geonamesId ?? null,
        place?.latitude ?? null,
        place?.longitude ?? null,
        place?.population ?? null,
      ],
    );
    cityPlaceholders.push(placeholder);
    cityIds.push(id);
    createdCities.push(slug);
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
  }
  if (cityIds.length > 0) {
    await queryRunner.query(
      `UPDATE import_city SET city_id = m.id FROM unnest($1::int[], $2::int[]) AS m(placeholder, id) WHERE city_id = m.placeholder`,
      [cityPlaceholders, cityIds],
    );
  }
  return { cities: createdCities, places, indicators: createdIndicators };
}
