import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource, QueryRunner } from 'typeorm';
import type { CityMatcher } from './cityMatcher';
import type { ImportMetadata } from './datapackage';
import { ambiguousPlace, Gazetteer, type PlacePick } from './gazetteer';
import { type ImportProblem, problem, ProblemList } from './importErrors';
import { cityMatcherFor, resolveCountries, unknownCountries, upsertSource } from './resolution';
import { type ParsedRow, readObservations } from './parseObservations';
import { slugify, stripAccents } from '../common/text';

export interface ImportOptions {
  metadata: ImportMetadata;
  /**
   * Create cities the file names that do not exist (never picks among cities that exist). A
   * created city takes its GeoNames id, coordinates, region and population from the gazetteer
   * when the gazetteer knows one place of that name in the country (and region, when given).
   */
  createCities?: boolean;
  /** Several places of one name in the gazetteer: 'largest' takes the most populous (reported); otherwise a problem. */
  resolve?: 'largest';
  /** false: create cities from the rows alone, without the gazetteer. */
  gazetteer?: boolean;
  /** Validate and count, then roll back. */
  dryRun?: boolean;
  description?: string;
  onProgress?: (message: string) => void;
}

export interface ImportReport {
  ok: boolean;
  problems: ImportProblem[];
  /** Problems beyond the first MAX_PROBLEMS are counted, not listed. */
  problemCount: number;
  records: number;
  missing: number;
  added: number;
  changed: number;
  unchanged: number;
  createdCities: string[];
  /** How the created cities were placed: for the curator to review. */
  places: PlacesReport;
  createdIndicators: string[];
  releaseId: number | null;
  dryRun: boolean;
  message: string;
}

/** A created city for which the gazetteer had several places and the most populous was taken. */
export interface PlaceChoice {
  city: string;
  name: string;
  country: string;
  region: string | null;
  population: number;
  geonamesId: string;
  /** Places of that name in the country the choice was made among. */
  candidates: number;
}

export interface PlacesReport {
  /** Created cities placed by the gazetteer's single match. */
  matched: string[];
  /** Created cities placed by `resolve: 'largest'`, with what was chosen. */
  largestChoices: PlaceChoice[];
  /** Created cities the gazetteer does not know (or was not asked about): made from the rows alone. */
  notInGazetteer: string[];
}

const NO_PLACES: PlacesReport = { matched: [], largestChoices: [], notInGazetteer: [] };

export const MAX_PROBLEMS = 1000;

/** Rows per INSERT on embedded PGlite, whose socket does not speak COPY. */
const BATCH_ROWS = 10_000;

/**
 * Imports a tidy observations CSV all-or-nothing, in one transaction and one pass over the file:
 * each record is parsed, checked and streamed into a temporary staging table (COPY; batched
 * inserts on embedded PGlite, whose socket does not speak COPY) while it is read, so memory
 * holds counts and the distinct city and indicator names of the file, never its rows. The
 * checks that need the database (countries, cities, indicators, duplicate keys) then run once
 * per distinct name and set-based over the staging table, and every problem is reported; with
 * any problem the transaction is rolled back and nothing is written. A valid file is merged
 * set-based: changed values supersede the current row (the old row stays, for `asOf`), new ones
 * are added, identical ones counted, and one new Release records it. A file that changes
 * nothing creates no release and says so.
 */
export async function importObservations(
  dataSource: DataSource,
  csv: Readable | string | Buffer,
  options: ImportOptions,
): Promise<ImportReport> {
  const progress = options.onProgress ?? (() => undefined);
  const problems = new ProblemList(MAX_PROBLEMS);
  const names = new FileNames();
  const tally = { records: 0, missing: 0, staged: 0 };
  const report = (fields: Partial<ImportReport> & { message: string }): ImportReport => ({
    ok: false,
    problems: problems.first(),
    problemCount: problems.count,
    records: tally.records,
    missing: tally.missing,
    added: 0,
    changed: 0,
    unchanged: 0,
    createdCities: [],
    places: NO_PLACES,
    createdIndicators: [],
    releaseId: null,
    dryRun: Boolean(options.dryRun),
    ...fields,
  });

  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    await queryRunner.startTransaction();
    // An import may take minutes: the API's statement timeout does not apply to it.
    await queryRunner.query(`SET LOCAL statement_timeout = 0`);
    const rows = readObservations(csv, {
      disaggregations: options.metadata.disaggregations,
      onProgress: (n) => progress(`read ${n.toLocaleString('en')} rows`),
      onProblem: (p) => problems.add(p),
      onMissing: () => {
        tally.missing += 1;
      },
      tally,
    });
    await stage(queryRunner, rows, names, tally);
    // One import at a time from here: two imports may read and stage their files at once, but
    // checking names against the database, creating the missing ones and merging must not
    // interleave, or both would create the same new city (a second one under a "-2" slug) or
    // indicator (a unique violation), and two merges of the same keys would race for the
    // current row. (The trigger on observation takes the same lock; it is re-entrant.)
    await queryRunner.query(`SELECT pg_advisory_xact_lock(hashtext('rightsgraph import'))`);
    const source = options.metadata.source;
    if (!source) {
      problems.add(
        problem(
          0,
          null,
          null,
          'no source: give a datapackage.json with a title and publisher, or --source-title and --source-publisher',
        ),
      );
    }
    progress(`read ${tally.records.toLocaleString('en')} rows; checking ${tally.staged.toLocaleString('en')} values`);
    // Rows that failed parsing were never staged; the staged ones are still checked against
    // the database so that one run reports every problem in the file.
    const resolved = await resolveReferences(queryRunner, names, options);
    await reportReferenceProblems(queryRunner, resolved, problems);
    await reportDuplicates(queryRunner, problems);
    if (problems.count > 0) {
      await queryRunner.rollbackTransaction();
      return report({ message: `${problems.count} problem(s); nothing was imported` });
    }

    progress(`validated ${tally.staged.toLocaleString('en')} values; loading`);
    const created = await createMissing(queryRunner, names, resolved, options);
    const sourceId = await upsertSource(queryRunner, source!);
    const counts = await merge(queryRunner, sourceId, options.description ?? `Import from ${source!.title}`, progress);
    const summary = {
      added: counts.added,
      changed: counts.changed,
      unchanged: counts.unchanged,
      createdCities: created.cities,
      places: created.places,
      createdIndicators: created.indicators,
    };
    if (options.dryRun || counts.added + counts.changed === 0) {
      await queryRunner.rollbackTransaction();
      const message = options.dryRun
        ? `dry run: would add ${counts.added}, change ${counts.changed}, leave ${counts.unchanged} unchanged; nothing was written`
        : `nothing to import: all ${counts.unchanged} values are already current; no release was created`;
      return report({ ...summary, ok: true, createdCities: [], places: NO_PLACES, createdIndicators: [], message });
    }
    await queryRunner.query(
      `UPDATE release SET rows_added = $2, rows_changed = $3, rows_unchanged = $4 WHERE id = $1`,
      [counts.releaseId, counts.added, counts.changed, counts.unchanged],
    );
    await queryRunner.commitTransaction();
    return report({
      ...summary,
      ok: true,
      releaseId: counts.releaseId,
      message: `release ${counts.releaseId}: added ${counts.added}, changed ${counts.changed}, unchanged ${counts.unchanged}, missing ${tally.missing}`,
    });
  } catch (error) {
    // The first error says what went wrong: a rollback that fails too (the session killed, the
    // connection cut) must not hide it; the server rolls back a dead session's transaction.
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await queryRunner.release();
  }
}

/** A city as the file names it; the staging table holds its index, never the text. */
interface CityRef {
  city: string;
  country: string;
  region: string | null;
}

/**
 * The distinct city references and indicator codes of the staged rows, numbered in order of
 * first appearance: what the database checks need, in memory bounded by the distinct names.
 */
class FileNames {
  readonly cities: CityRef[] = [];
  readonly indicators: string[] = [];
  private readonly cityIndex = new Map<string, number>();
  private readonly indicatorIndex = new Map<string, number>();

  city(row: ParsedRow): number {
    // NUL never reaches here (the parser refuses it), so it separates the parts safely.
    const key = `${row.country}\u0000${row.region ?? ''}\u0000${row.city}`;
    let i = this.cityIndex.get(key);
    if (i === undefined) {
      i = this.cities.length;
      this.cities.push({ city: row.city, country: row.country, region: row.region });
      this.cityIndex.set(key, i);
    }
    return i;
  }

  indicator(code: string): number {
    let i = this.indicatorIndex.get(code);
    if (i === undefined) {
      i = this.indicators.length;
      this.indicators.push(code);
      this.indicatorIndex.set(code, i);
    }
    return i;
  }
}

/**
 * The staging table: each row that passed parsing, with its line, the indices of its city
 * reference and indicator code (resolved to ids set-based afterwards), and its values.
 */
const STAGING_COLUMNS = 'line, city_ref, indicator_ref, year, disaggregation, value, lower, upper, status, note';

/** COPY text format: tab-separated, \N for NULL, backslash escapes for tabs, newlines and backslashes. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (ch) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[ch]!);
}

const copyNumber = (value: number | null): string => (value === null ? '\\N' : String(value));

/** Streams the rows into the staging table while they are parsed, and numbers their names. */
async function stage(
  queryRunner: QueryRunner,
  rows: AsyncIterable<ParsedRow>,
  names: FileNames,
  tally: { staged: number },
): Promise<void> {
  await queryRunner.query(
    `CREATE TEMP TABLE import_staging (
       line int NOT NULL, city_ref int NOT NULL, indicator_ref int NOT NULL, year smallint NOT NULL,
       disaggregation varchar(200) NOT NULL, value float8 NOT NULL, lower float8, upper float8,
       status varchar(20) NOT NULL, note text
     ) ON COMMIT DROP`,
  );
  const [{ version }] = await queryRunner.query(`SELECT version()`);
  if (!String(version).includes('PGlite')) {
    const client = (await queryRunner.connect()) as PoolClient;
    // Lines are sent in chunks of about 64 KB: one stream write per row costs more than the row.
    const chunks = async function* () {
      let chunk = '';
      for await (const r of rows) {
        tally.staged += 1;
        chunk += `${r.line}\t${names.city(r)}\t${names.indicator(r.indicator)}\t${r.year}\t${copyText(r.disaggregation)}\t${r.value}\t${copyNumber(r.lower)}\t${copyNumber(r.upper)}\t${r.status}\t${copyText(r.note)}\n`;
        if (chunk.length >= 65_536) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk !== '') yield chunk;
    };
    await pipeline(
      Readable.from(chunks()),
      client.query(copyFrom(`COPY import_staging (${STAGING_COLUMNS}) FROM STDIN`)),
    );
  } else {
    let batch: unknown[][] = Array.from({ length: 10 }, () => []);
    const flush = async () => {
      if (batch[0].length === 0) return;
      await queryRunner.query(
        `INSERT INTO import_staging (${STAGING_COLUMNS})
         SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::smallint[], $5::varchar[], $6::float8[], $7::float8[], $8::float8[], $9::varchar[], $10::text[])`,
        batch,
      );
      batch = Array.from({ length: 10 }, () => []);
    };
    for await (const r of rows) {
      tally.staged += 1;
      const values = [
        r.line,
        names.city(r),
        names.indicator(r.indicator),
        r.year,
        r.disaggregation,
        r.value,
        r.lower,
        r.upper,
        r.status,
        r.note,
      ];
      values.forEach((v, i) => batch[i].push(v));
      if (batch[0].length >= BATCH_ROWS) await flush();
    }
    await flush();
  }
  // Temporary tables are never analyzed automatically; the checks and the merge join on them.
  await queryRunner.query(`ANALYZE import_staging`);
}

/** What the database says about each distinct name of the file. */
interface Resolved {
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
async function resolveReferences(
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
      (await queryRunner.query(`SELECT code, id FROM indicator WHERE code = ANY($1)`, [names.indicators])) as {
        code: string;
        id: number;
      }[]
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
        if (places.length > 1 && options.resolve !== 'largest') {
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
  await queryRunner.query(
    `CREATE TEMP TABLE import_city (city_ref int PRIMARY KEY, city_id int NOT NULL) ON COMMIT DROP`,
  );
  await queryRunner.query(
    `INSERT INTO import_city (city_ref, city_id) SELECT * FROM unnest($1::int[], $2::int[])`,
    pairs(resolved.cityIds),
  );
  await queryRunner.query(
    `CREATE TEMP TABLE import_indicator (indicator_ref int PRIMARY KEY, indicator_id int NOT NULL) ON COMMIT DROP`,
  );
  await queryRunner.query(
    `INSERT INTO import_indicator (indicator_ref, indicator_id) SELECT * FROM unnest($1::int[], $2::int[])`,
    pairs(resolved.indicatorIds),
  );
  await queryRunner.query(`ANALYZE import_city, import_indicator`);
  return resolved;
}

/**
 * The rows naming an unknown country, city or indicator, or an ambiguous city: each gets the
 * problems of its names, in the order country, indicator, city. Only the first MAX_PROBLEMS
 * rows are fetched (each has at least one problem); the rest are counted.
 */
async function reportReferenceProblems(
  queryRunner: QueryRunner,
  resolved: Resolved,
  problems: ProblemList,
): Promise<void> {
  if (!resolved.cityProblems.some(Boolean) && !resolved.indicatorProblems.some(Boolean)) return;
  // The reference tables hold only the names without a problem.
  const where = `NOT EXISTS (SELECT 1 FROM import_city c WHERE c.city_ref = s.city_ref)
    OR NOT EXISTS (SELECT 1 FROM import_indicator i WHERE i.indicator_ref = s.indicator_ref)`;
  const rowProblems = (cityRef: number, indicatorRef: number): ImportProblem[] => {
    const city = resolved.cityProblems[cityRef];
    const indicator = resolved.indicatorProblems[indicatorRef];
    // An unknown country comes before the indicator's problem, a city's problem after it.
    const ordered = city?.column === 'country' ? [city, indicator] : [indicator, city];
    return ordered.filter((p): p is ImportProblem => p !== null);
  };
  const rows: { line: number; city_ref: number; indicator_ref: number }[] = await queryRunner.query(
    `SELECT line, city_ref, indicator_ref FROM import_staging s WHERE ${where} ORDER BY line LIMIT $1`,
    [MAX_PROBLEMS],
  );
  let listed = 0;
  for (const row of rows) {
    for (const p of rowProblems(row.city_ref, row.indicator_ref)) {
      problems.add({ ...p, line: row.line });
      listed += 1;
    }
  }
  const groups: { city_ref: number; indicator_ref: number; rows: number }[] = await queryRunner.query(
    `SELECT city_ref, indicator_ref, count(*)::int AS rows FROM import_staging s WHERE ${where} GROUP BY 1, 2`,
  );
  const total = groups.reduce((n, g) => n + g.rows * rowProblems(g.city_ref, g.indicator_ref).length, 0);
  problems.countMore(total - listed);
}

/**
 * Rows with the same city, indicator, year and disaggregation as an earlier row that has no
 * problem of its own; rows with a problem are not in the two reference tables, so the joins
 * leave them out.
 */
async function reportDuplicates(queryRunner: QueryRunner, problems: ProblemList): Promise<void> {
  const duplicates = `SELECT s.line, s.disaggregation,
           min(s.line) OVER (PARTITION BY c.city_id, i.indicator_id, s.year, s.disaggregation) AS first
         FROM import_staging s
         JOIN import_city c ON c.city_ref = s.city_ref
         JOIN import_indicator i ON i.indicator_ref = s.indicator_ref`;
  // Cheap first: a hash aggregate says whether there is any duplicate at all.
  const [{ any }] = await queryRunner.query(
    `SELECT EXISTS (SELECT 1 FROM import_staging s
       JOIN import_city c ON c.city_ref = s.city_ref
       JOIN import_indicator i ON i.indicator_ref = s.indicator_ref
       GROUP BY c.city_id, i.indicator_id, s.year, s.disaggregation HAVING count(*) > 1) AS any`,
  );
  if (!any) return;
  const rows: { line: number; first: number; split: boolean; total: number }[] = await queryRunner.query(
    `SELECT line, first, disaggregation <> '' AS split, count(*) OVER ()::int AS total
     FROM (${duplicates}) d WHERE line <> first ORDER BY line LIMIT $1`,
    [MAX_PROBLEMS],
  );
  for (const row of rows) {
    problems.add(
      problem(
        row.line,
        null,
        null,
        `duplicates line ${row.first}: same city, indicator, year${row.split ? ' and disaggregation' : ''}`,
      ),
    );
  }
  problems.countMore(rows[0].total - rows.length);
}

/**
 * Creates the defined indicators and the cities the file uses that do not exist yet, in order
 * of first use, and replaces their placeholders in the reference tables by the new ids.
 */
async function createMissing(
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

/**
 * The set-based merge. A staged value whose current row (same city, indicator, year,
 * disaggregation and source) differs in value, bounds, status or note supersedes it; a staged
 * value with no current row is added; an identical one is left alone.
 *
 * Each staged row is first paired with its current row, if any, in one join: the update and the
 * insert then never read the observation table they write. (An insert that looked for current
 * rows itself was planned, on a freshly vacuumed empty table, as a nested loop scanning the
 * table once per row while filling it: quadratic, minutes for 60,000 rows.)
 */
async function merge(
  queryRunner: QueryRunner,
  sourceId: number,
  description: string,
  progress: (message: string) => void,
): Promise<{ releaseId: number; added: number; changed: number; unchanged: number }> {
  const [{ id: releaseId }] = await queryRunner.query(
    `INSERT INTO release (description, source_id) VALUES ($1, $2) RETURNING id`,
    [description, sourceId],
  );
  await queryRunner.query(
    `CREATE TEMP TABLE import_merge (
       city_id int NOT NULL, indicator_id int NOT NULL, year smallint NOT NULL, disaggregation varchar(200) NOT NULL,
       value float8 NOT NULL, lower float8, upper float8, status varchar(20) NOT NULL, note text,
       current_id int, unchanged boolean NOT NULL
     ) ON COMMIT DROP`,
  );
  await queryRunner.query(
    `INSERT INTO import_merge
     SELECT c.city_id, i.indicator_id, s.year, s.disaggregation, s.value, s.lower, s.upper, s.status, s.note,
            o.id AS current_id,
            o.id IS NOT NULL AND (o.value, o.lower, o.upper, o.status, o.note)
              IS NOT DISTINCT FROM (s.value, s.lower, s.upper, s.status, s.note) AS unchanged
     FROM import_staging s
     JOIN import_city c ON c.city_ref = s.city_ref
     JOIN import_indicator i ON i.indicator_ref = s.indicator_ref
     LEFT JOIN observation o ON o.city_id = c.city_id AND o.indicator_id = i.indicator_id AND o.year = s.year
       AND o.disaggregation = s.disaggregation AND o.source_id = $1 AND o.superseded_in_release_id IS NULL`,
    [sourceId],
  );
  await queryRunner.query(`ANALYZE import_merge`);
  const [{ unchanged, writing }] = await queryRunner.query(
    `SELECT count(*) FILTER (WHERE unchanged)::int AS unchanged, count(*) FILTER (WHERE NOT unchanged)::int AS writing
     FROM import_merge`,
  );
  progress(`${unchanged.toLocaleString('en')} values unchanged; writing ${writing.toLocaleString('en')}`);
  const superseded = await queryRunner.query(
    `UPDATE observation o SET superseded_in_release_id = $1 FROM import_merge m WHERE o.id = m.current_id AND NOT m.unchanged`,
    [releaseId],
    true,
  );
  // The changed and the new values.
  const inserted = await queryRunner.query(
    `INSERT INTO observation (city_id, indicator_id, year, disaggregation, value, lower, upper, status, note, source_id, release_id)
     SELECT city_id, indicator_id, year, disaggregation, value, lower, upper, status, note, $2, $1
     FROM import_merge WHERE NOT unchanged`,
    [releaseId, sourceId],
    true,
  );
  const changed = superseded.affected ?? 0;
  return { releaseId, changed, added: (inserted.affected ?? 0) - changed, unchanged };
}
