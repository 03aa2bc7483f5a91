import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource, QueryRunner } from 'typeorm';
import { type CityCandidate, CityMatcher } from './cityMatcher';
import type { ImportMetadata } from './datapackage';
import { type ImportProblem, problem } from './importErrors';
import { type ParsedRow, parseObservations } from './parseObservations';
import { slugify } from './values';

export interface ImportOptions {
  metadata: ImportMetadata;
  /** Create cities the file names that do not exist (never picks among ambiguous ones). */
  createCities?: boolean;
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
  createdIndicators: string[];
  releaseId: number | null;
  dryRun: boolean;
  message: string;
}

export const MAX_PROBLEMS = 1000;

interface ResolvedRow extends ParsedRow {
  cityKey: string;
  cityId: number | null;
  indicatorId: number | null;
}

/**
 * Imports a tidy observations CSV all-or-nothing. Every row is checked first and every problem
 * reported; with any problem nothing is written. A valid file is loaded in one transaction:
 * COPY into a temporary staging table (batched inserts on embedded PGlite, whose socket does
 * not speak COPY), then a set-based merge that supersedes changed values (the old row stays,
 * for `asOf`), adds new ones and counts unchanged ones, and one new Release. A file that
 * changes nothing creates no release and says so.
 */
export async function importObservations(
  dataSource: DataSource,
  csv: Readable | string | Buffer,
  options: ImportOptions,
): Promise<ImportReport> {
  const progress = options.onProgress ?? (() => undefined);
  const parsed = await parseObservations(csv, {
    disaggregations: options.metadata.disaggregations,
    onProgress: (n) => progress(`read ${n.toLocaleString('en')} rows`),
  });
  const problems = parsed.problems;
  const report = (fields: Partial<ImportReport> & { message: string }): ImportReport => ({
    ok: false,
    problems: problems.slice(0, MAX_PROBLEMS),
    problemCount: problems.length,
    records: parsed.records,
    missing: parsed.missing.length,
    added: 0,
    changed: 0,
    unchanged: 0,
    createdCities: [],
    createdIndicators: [],
    releaseId: null,
    dryRun: Boolean(options.dryRun),
    ...fields,
  });
  const source = options.metadata.source;
  if (!source) {
    problems.push(
      problem(
        0,
        null,
        null,
        'no source: give a datapackage.json with a title and publisher, or --source-title and --source-publisher',
      ),
    );
  }
  // Rows that failed parsing are already out; the others are still checked against the
  // database so that one run reports every problem in the file.
  const rows = await resolveReferences(dataSource, parsed.rows, options, problems);
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    return report({ message: `${problems.length} problem(s); nothing was imported` });
  }

  progress(`validated ${rows.length.toLocaleString('en')} values; loading`);
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    await queryRunner.startTransaction();
    // An import may take minutes: the API's statement timeout does not apply to it.
    await queryRunner.query(`SET LOCAL statement_timeout = 0`);
    // One import at a time: two merges of the same keys would race for the current row.
    await queryRunner.query(`SELECT pg_advisory_xact_lock(hashtext('rightsgraph import'))`);
    const created = await createMissing(queryRunner, rows, options);
    const sourceId = await upsertSource(queryRunner, source!);
    await stage(queryRunner, rows);
    const counts = await merge(queryRunner, sourceId, options.description ?? `Import from ${source!.title}`);
    const summary = {
      added: counts.added,
      changed: counts.changed,
      unchanged: counts.unchanged,
      createdCities: created.cities,
      createdIndicators: created.indicators,
    };
    if (options.dryRun || counts.added + counts.changed === 0) {
      await queryRunner.rollbackTransaction();
      const message = options.dryRun
        ? `dry run: would add ${counts.added}, change ${counts.changed}, leave ${counts.unchanged} unchanged; nothing was written`
        : `nothing to import: all ${counts.unchanged} values are already current; no release was created`;
      return report({ ...summary, ok: true, createdCities: [], createdIndicators: [], message });
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
      message: `release ${counts.releaseId}: added ${counts.added}, changed ${counts.changed}, unchanged ${counts.unchanged}, missing ${parsed.missing.length}`,
    });
  } catch (error) {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
    throw error;
  } finally {
    await queryRunner.release();
  }
}

async function resolveReferences(
  dataSource: DataSource,
  parsedRows: ParsedRow[],
  options: ImportOptions,
  problems: ImportProblem[],
): Promise<ResolvedRow[]> {
  const countries = [...new Set(parsedRows.map((r) => r.country))];
  const knownCountries = new Set(
    ((await dataSource.query(`SELECT code FROM country WHERE code = ANY($1)`, [countries])) as { code: string }[]).map(
      (r) => r.code.trim(),
    ),
  );
  const cities: CityCandidate[] = (
    await dataSource.query(
      `SELECT id, slug, name, ascii_name, alternate_names, country_code, region FROM city WHERE country_code = ANY($1) ORDER BY id`,
      [countries],
    )
  ).map((r: Record<string, unknown>) => ({
    id: r.id as number,
    slug: r.slug as string,
    name: r.name as string,
    asciiName: r.ascii_name as string,
    alternateNames: r.alternate_names as string[],
    countryCode: (r.country_code as string).trim(),
    region: r.region as string | null,
  }));
  const matcher = new CityMatcher(cities);
  const codes = [...new Set(parsedRows.map((r) => r.indicator))];
  const indicatorIds = new Map<string, number>(
    (
      (await dataSource.query(`SELECT code, id FROM indicator WHERE code = ANY($1)`, [codes])) as {
        code: string;
        id: number;
      }[]
    ).map((r) => [r.code, r.id]),
  );
  const defined = new Set(options.metadata.indicators.map((i) => i.code));
  const seen = new Map<string, number>();
  const resolved: ResolvedRow[] = [];
  for (const row of parsedRows) {
    const before = problems.length;
    if (!knownCountries.has(row.country))
      problems.push(problem(row.line, 'country', row.country, 'unknown country code'));
    if (!indicatorIds.has(row.indicator) && !defined.has(row.indicator)) {
      problems.push(
        problem(
          row.line,
          'indicator',
          row.indicator,
          'unknown indicator: define it in datapackage.json (rightsgraph.indicators)',
        ),
      );
    }
    let cityId: number | null = null;
    let cityKey = '';
    if (knownCountries.has(row.country)) {
      const match = matcher.match(row);
      if (match.kind === 'found') {
        cityId = match.id;
        cityKey = `id:${match.id}`;
      } else if (match.kind === 'unknown' && options.createCities && !/^\d+$/.test(row.city)) {
        cityKey = `new:${row.country}|${row.region ?? ''}|${row.city.toLowerCase()}`;
      } else {
        problems.push(
          problem(
            row.line,
            'city',
            row.city,
            match.reason + (match.kind === 'unknown' ? ' (use --create-cities to add it)' : ''),
          ),
        );
      }
    }
    if (problems.length > before) continue;
    const key = `${cityKey}|${row.indicator}|${row.year}|${row.disaggregation}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(
        problem(
          row.line,
          null,
          null,
          `duplicates line ${first}: same city, indicator, year${row.disaggregation ? ' and disaggregation' : ''}`,
        ),
      );
      continue;
    }
    seen.set(key, row.line);
    resolved.push({ ...row, cityKey, cityId, indicatorId: indicatorIds.get(row.indicator) ?? null });
  }
  return resolved;
}

async function createMissing(
  queryRunner: QueryRunner,
  rows: ResolvedRow[],
  options: ImportOptions,
): Promise<{ cities: string[]; indicators: string[] }> {
  const createdIndicators: string[] = [];
  const indicatorIds = new Map<string, number>();
  for (const definition of options.metadata.indicators) {
    if (!rows.some((r) => r.indicatorId === null && r.indicator === definition.code)) continue;
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
    indicatorIds.set(definition.code, id);
    createdIndicators.push(definition.code);
  }
  const createdCities: string[] = [];
  const newCities = new Map<string, number>();
  for (const row of rows) {
    if (row.indicatorId === null) row.indicatorId = indicatorIds.get(row.indicator)!;
    if (row.cityId !== null) continue;
    let id = newCities.get(row.cityKey);
    if (id === undefined) {
      const base = slugify([row.city, row.region ?? '', row.country].filter(Boolean).join(' '));
      const [{ taken }] = await queryRunner.query(
        `SELECT count(*)::int AS taken FROM city WHERE slug = $1 OR slug LIKE $2`,
        [base, `${base}-%`],
      );
      const slug = taken === 0 ? base : `${base}-${taken + 1}`;
      [{ id }] = await queryRunner.query(
        `INSERT INTO city (slug, name, ascii_name, country_code, region) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [slug, row.city, row.city.normalize('NFKD').replace(/\p{M}/gu, ''), row.country, row.region],
      );
      newCities.set(row.cityKey, id as number);
      createdCities.push(slug);
    }
    row.cityId = id as number;
  }
  return { cities: createdCities, indicators: createdIndicators };
}

async function upsertSource(queryRunner: QueryRunner, source: NonNullable<ImportMetadata['source']>): Promise<number> {
  const existing = await queryRunner.query(`SELECT id FROM source WHERE title = $1`, [source.title]);
  if (existing.length > 0) return existing[0].id;
  const [{ id }] = await queryRunner.query(
    `INSERT INTO source (publisher, title, url, license, citation, synthetic) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [source.publisher, source.title, source.url, source.license, source.citation, source.synthetic],
  );
  return id;
}

const STAGING_COLUMNS = 'city_id, indicator_id, year, disaggregation, value, lower, upper, status, note';

/** COPY text format: tab-separated, \N for NULL, backslash escapes for tabs, newlines and backslashes. */
function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (ch) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[ch]!);
}

async function stage(queryRunner: QueryRunner, rows: ResolvedRow[]): Promise<void> {
  await queryRunner.query(
    `CREATE TEMP TABLE import_staging (
       city_id int NOT NULL, indicator_id int NOT NULL, year smallint NOT NULL, disaggregation varchar(200) NOT NULL,
       value float8 NOT NULL, lower float8, upper float8, status varchar(20) NOT NULL, note text
     ) ON COMMIT DROP`,
  );
  const [{ version }] = await queryRunner.query(`SELECT version()`);
  if (!String(version).includes('PGlite')) {
    const client = (await queryRunner.connect()) as PoolClient;
    const lines = (function* () {
      for (const r of rows) {
        yield (
          [r.cityId, r.indicatorId, r.year, r.disaggregation, r.value, r.lower, r.upper, r.status, r.note]
            .map(copyField)
            .join('\t') + '\n'
        );
      }
    })();
    await pipeline(Readable.from(lines), client.query(copyFrom(`COPY import_staging (${STAGING_COLUMNS}) FROM STDIN`)));
    return;
  }
  for (let start = 0; start < rows.length; start += 10_000) {
    const chunk = rows.slice(start, start + 10_000);
    await queryRunner.query(
      `INSERT INTO import_staging (${STAGING_COLUMNS})
       SELECT * FROM unnest($1::int[], $2::int[], $3::smallint[], $4::varchar[], $5::float8[], $6::float8[], $7::float8[], $8::varchar[], $9::text[])`,
      [
        chunk.map((r) => r.cityId),
        chunk.map((r) => r.indicatorId),
        chunk.map((r) => r.year),
        chunk.map((r) => r.disaggregation),
        chunk.map((r) => r.value),
        chunk.map((r) => r.lower),
        chunk.map((r) => r.upper),
        chunk.map((r) => r.status),
        chunk.map((r) => r.note),
      ],
    );
  }
}

/**
 * The set-based merge. A staged value whose current row (same city, indicator, year,
 * disaggregation and source) differs in value, bounds, status or note supersedes it; a staged
 * value with no current row is added; an identical one is left alone.
 */
async function merge(
  queryRunner: QueryRunner,
  sourceId: number,
  description: string,
): Promise<{ releaseId: number; added: number; changed: number; unchanged: number }> {
  const [{ id: releaseId }] = await queryRunner.query(
    `INSERT INTO release (description, source_id) VALUES ($1, $2) RETURNING id`,
    [description, sourceId],
  );
  const key = `o.city_id = s.city_id AND o.indicator_id = s.indicator_id AND o.year = s.year
    AND o.disaggregation = s.disaggregation AND o.source_id = $2 AND o.superseded_in_release_id IS NULL`;
  const different = `(o.value, o.lower, o.upper, o.status, o.note) IS DISTINCT FROM (s.value, s.lower, s.upper, s.status, s.note)`;
  const [{ count: unchanged }] = await queryRunner.query(
    `SELECT count(*)::int AS count FROM import_staging s JOIN observation o ON ${key.replace('$2', '$1')} WHERE NOT ${different}`,
    [sourceId],
  );
  const superseded = await queryRunner.query(
    `UPDATE observation o SET superseded_in_release_id = $1 FROM import_staging s WHERE ${key} AND ${different}`,
    [releaseId, sourceId],
    true,
  );
  // After the update a changed key has no current row, so this inserts the changed and the new values.
  const inserted = await queryRunner.query(
    `INSERT INTO observation (city_id, indicator_id, year, disaggregation, value, lower, upper, status, note, source_id, release_id)
     SELECT s.city_id, s.indicator_id, s.year, s.disaggregation, s.value, s.lower, s.upper, s.status, s.note, $2, $1
     FROM import_staging s
     WHERE NOT EXISTS (SELECT 1 FROM observation o WHERE ${key})`,
    [releaseId, sourceId],
    true,
  );
  const changed = superseded.affected ?? 0;
  return { releaseId, changed, added: (inserted.affected ?? 0) - changed, unchanged };
}
