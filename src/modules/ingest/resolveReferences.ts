import type { QueryRunner } from 'typeorm';
import type { CityMatcher } from './cityMatcher';
import type { FileNames } from './fileNames';
import { ambiguousPlace, Gazetteer, type PlacePick } from './gazetteer';
import { type ImportProblem, problem } from './importErrors';
import type { ImportOptions } from './importTypes';
import { cityMatcherFor, resolveCountries, unknownCountries } from './resolution';
import { execute, query, sql } from '../common/sqlTag';

/** What the database says about each distinct name of the file. */
export interface Resolved {
  /** Per city reference: its id, or a negative placeholder for a city to create (same key, same placeholder). */
  cityIds: (number | null)[];
  /** Per city reference: the problem of every row naming it, unknown country or city (line 0 here). */
  cityProblems: (ImportProblem | null)[];
  /** Per city reference to create: the key it is created under (refs differing only in case share one). */
  newCityKeys: (string | null)[];
  /** Per key of a city to create: the gazetteer's place for it, if it has one. */
  newCityPlaces: Map<string, PlacePick>;
  /** Per indicator code: its id, or a negative placeholder for one defined in the datapackage. */
  indicatorIds: (number | null)[];
  indicatorProblems: (ImportProblem | null)[];
}

/**
 * The gazetteer, for the countries of the cities the file names that the database lacks; null
 * when there are none (or `gazetteer: false`), so an import of known cities never reads it.
 */
async function loadGazetteer(
  names: FileNames,
  countryOf: Map<string, string | null>,
  matcher: CityMatcher,
  options: ImportOptions,
): Promise<Gazetteer | null> {
  if (options.gazetteer === false) return null;
  const countries = new Set<string>();
  for (const ref of names.cities) {
    const country = countryOf.get(ref.country) ?? null;
    if (country !== null && matcher.match({ ...ref, country }).kind === 'unknown') countries.add(country);
  }
  if (countries.size === 0) return null;
  options.onProgress?.(
    `looking up new cities in the gazetteer (GeoNames) for ${countries.size} ${countries.size === 1 ? 'country' : 'countries'}`,
  );
  return await Gazetteer.load(countries);
}

/**
 * Checks each distinct country, city reference and indicator code once (the rows that name
 * them are found set-based afterwards), and fills two temporary tables that map the staged
 * references to ids, placeholders for those to create.
 */
export async function resolveReferences(
  queryRunner: QueryRunner,
  names: FileNames,
  options: ImportOptions,
): Promise<Resolved> {
  const countryOf = await resolveCountries(
    queryRunner,
    names.cities.map((r) => r.country),
  );
  const countries = [...new Set(countryOf.values())].filter((code): code is string => code !== null);
  const unknownCountry = unknownCountries(queryRunner);
  const matcher = await cityMatcherFor(queryRunner, countries);
  const existing = new Map<string, number>(
    (
      await query<{ code: string; id: number }>(
        queryRunner,
        sql`SELECT code, id FROM indicator WHERE code = ANY(${names.indicators})`,
      )
    ).map((r) => [r.code, r.id]),
  );
  const defined = new Set(options.metadata.indicators.map((i) => i.code));

  const resolved: Resolved = {
    cityIds: [],
    cityProblems: [],
    newCityKeys: [],
    newCityPlaces: new Map(),
    indicatorIds: [],
    indicatorProblems: [],
  };
  const gazetteer = options.createCities ? await loadGazetteer(names, countryOf, matcher, options) : null;
  const placeholders = new Map<string, number>();
  for (const ref of names.cities) {
    let found: ImportProblem | null = null;
    let id: number | null = null;
    let newKey: string | null = null;
    // The line is filled in per row; 0 here.
    const code = countryOf.get(ref.country) ?? null;
    if (code === null) {
      found = problem(0, 'country', ref.country, await unknownCountry(ref.country));
    } else {
      // From here on (city matching, creating cities) the reference names its country by code.
      ref.country = code;
      const match = matcher.match(ref);
      if (match.kind === 'found') {
        id = match.id;
      } else if (match.kind === 'unknown' && options.createCities && !/^\d+$/.test(ref.city)) {
        const places = gazetteer?.find(ref) ?? [];
        // The region written another way ("Vienna, AT, 09" for the stored Vienna, region
        // "Vienna"): the gazetteer's place is the stored city, not a new one.
        const stored = places.length > 0 ? matcher.samePlace(ref, places) : null;
        if (stored) {
          id = stored.id;
        } else if (places.length > 1 && options.resolve !== 'largest') {
          found = problem(0, 'city', ref.city, ambiguousPlace(ref, places));
        } else {
          newKey = `new:${ref.country}|${ref.region ?? ''}|${ref.city.toLowerCase()}`;
          id = placeholders.get(newKey) ?? -(placeholders.size + 1);
          placeholders.set(newKey, id);
          if (places.length > 0) resolved.newCityPlaces.set(newKey, { place: places[0], candidates: places.length });
        }
      } else {
        found = problem(
          0,
          'city',
          ref.city,
          match.reason + (match.kind === 'unknown' ? ' (use --create-cities to add it)' : ''),
        );
      }
    }
    resolved.cityIds.push(id);
    resolved.cityProblems.push(found);
    resolved.newCityKeys.push(newKey);
  }
  names.indicators.forEach((code, i) => {
    const id = existing.get(code) ?? (defined.has(code) ? -(i + 1) : null);
    resolved.indicatorIds.push(id);
    resolved.indicatorProblems.push(
      id === null
        ? problem(0, 'indicator', code, 'unknown indicator: define it in datapackage.json (rightsgraph.indicators)')
        : null,
    );
  });

  const pairs = (ids: (number | null)[]) => {
    const refs: number[] = [];
    const values: number[] = [];
    ids.forEach((id, ref) => {
      if (id !== null) {
        refs.push(ref);
        values.push(id);
      }
    });
    return [refs, values];
  };
  const [cityRefs, cityIds] = pairs(resolved.cityIds);
  const [indicatorRefs, indicatorIds] = pairs(resolved.indicatorIds);
  await execute(
    queryRunner,
    sql`CREATE TEMP TABLE import_city (city_ref int PRIMARY KEY, city_id int NOT NULL) ON COMMIT DROP`,
  );
  await execute(
    queryRunner,
    sql`INSERT INTO import_city (city_ref, city_id) SELECT * FROM unnest(${cityRefs}::int[], ${cityIds}::int[])`,
  );
  await execute(
    queryRunner,
    sql`CREATE TEMP TABLE import_indicator (indicator_ref int PRIMARY KEY, indicator_id int NOT NULL) ON COMMIT DROP`,
  );
  await execute(
    queryRunner,
    sql`INSERT INTO import_indicator (indicator_ref, indicator_id)
        SELECT * FROM unnest(${indicatorRefs}::int[], ${indicatorIds}::int[])`,
  );
  await execute(queryRunner, sql`ANALYZE import_city, import_indicator`);
  return resolved;
}
