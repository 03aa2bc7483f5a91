import type { GraphQLError } from 'graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { City } from '../city/city.entity';
import { citySearchSql } from '../city/citySearch';
import { loadAll } from '../common/loadAll';
import { entityColumns } from '../common/entityRows';
import { query, queryOne, sql } from '../common/sqlTag';
import { parseId } from '../common/validate';
import type { Indicator } from '../indicator/indicator.entity';
import type { Instrument } from '../instrument/instrument.entity';
import { Release } from '../source/release.entity';
import { CODE_TABLES, type CodeKind } from './reference.loaders';
import { checkReference, checkReferences, echo, MAX_LISTED } from './referenceLimits';
import { closestCodes, SUGGEST_MAX_LENGTH } from './suggest';
import { type ReferenceKind, UnknownReference } from './unknownReference';

/**
 * The one place that turns what a client typed (indicator, instrument, country, network and
 * right codes, city ids and slugs, release ids) into rows, batched per request, with one error
 * shape: BAD_USER_INPUT naming the argument, a short prefix of each unknown value and the
 * closest known ones. docs/api.md states the rules.
 */

/** Postgres text cannot hold NUL: such a value names nothing and is never sent. */
const storable = (value: string) => !value.includes('\u0000');
const isNumeric = (value: string) => /^\d+$/.test(value);

function candidates(context: Context, kind: ReferenceKind): Promise<string[]> {
  const memo = context.loaders.referenceMemo.candidates;
  let known = memo.get(kind);
  if (!known) {
    // Table and column names come from CODE_TABLES, written in code.
    const text =
      kind === 'indicator'
        ? 'SELECT code AS value FROM indicator'
        : kind === 'city'
          ? 'SELECT slug AS value FROM city'
          : CODE_TABLES[kind].alternate
            ? `SELECT ${CODE_TABLES[kind].column}::text AS value FROM ${CODE_TABLES[kind].table}
               UNION ALL SELECT ${CODE_TABLES[kind].alternate}::text FROM ${CODE_TABLES[kind].table}`
            : `SELECT ${CODE_TABLES[kind].column}::text AS value FROM ${CODE_TABLES[kind].table}`;
    known = query<{ value: string }>(context.dataSource, sql.raw(text)).then((rows) => rows.map((r) => r.value));
    memo.set(kind, known);
  }
  return known;
}

/**
 * The closest known codes (edit distance); for cities first those whose name, ASCII name or an
 * alternate name contains the value, so "Pittsburgh" suggests pittsburgh-us. Once per kind and
 * distinct value per request; nothing for values too long to be a misspelling.
 */
function suggestionsFor(context: Context, kind: ReferenceKind, value: string): Promise<string[]> {
  if (value.length > SUGGEST_MAX_LENGTH || !storable(value) || (kind === 'city' && isNumeric(value))) {
    return Promise.resolve([]);
  }
  const memo = context.loaders.referenceMemo.suggestions;
  const key = `${kind}\u0000${value}`;
  let suggestions = memo.get(key);
  if (!suggestions) {
    suggestions = (async () => {
      const close = closestCodes(value, await candidates(context, kind));
      if (kind !== 'city' || value.trim() === '') return close;
      const byName = await query<{ slug: string }>(
        context.dataSource,
        sql`SELECT c.slug FROM city c WHERE ${citySearchSql(value.trim())} ORDER BY c.slug LIMIT 3`,
      );
      return [...new Set([...byName.map((r) => r.slug), ...close])].slice(0, 3);
    })();
    memo.set(key, suggestions);
  }
  return suggestions;
}

function noun(kind: ReferenceKind, values: string[]): string {
  if (kind === 'city') return values.every(isNumeric) ? 'city id' : 'city';
  if (kind === 'indicator' || kind === 'instrument') return kind;
  return `${kind} code${values.length > 1 ? 's' : ''}`;
}

/**
 * BAD_USER_INPUT for unknown values of one argument: at most MAX_LISTED of them, each cut to a
 * short prefix, and the closest known values of the first. The same error object for every
 * parent row that asks, so suggestions are computed once.
 */
export function unknownReference(
  context: Context,
  kind: ReferenceKind,
  argument: string,
  values: readonly string[],
): Promise<GraphQLError> {
  const distinct = [...new Set(values)];
  const memo = context.loaders.referenceMemo.errors;
  const key = JSON.stringify([kind, argument, distinct.slice(0, MAX_LISTED), distinct.length]);
  let error = memo.get(key);
  if (!error) {
    error = (async () => {
      const listed = distinct.slice(0, MAX_LISTED).map(echo);
      const suggestions = await suggestionsFor(context, kind, distinct[0]);
      const more = distinct.length > listed.length ? ` and ${distinct.length - listed.length} more` : '';
      const hint = kind === 'city' && !distinct.every(isNumeric) ? ` (${argument} takes city ids or slugs)` : '';
      return badUserInput(
        `Unknown ${noun(kind, distinct)} ${listed.map((v) => `"${v}"`).join(', ')}${more}${hint}${
          suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ''
        }`,
        { argument, value: listed, suggestions },
      );
    })();
    memo.set(key, error);
  }
  return error;
}

/** Awaits a batched lookup and turns an UnknownReference it failed with into the shared error. */
export async function explainUnknown<T>(context: Context, argument: string, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof UnknownReference) throw await unknownReference(context, error.kind, argument, [error.value]);
    throw error;
  }
}

/** Throws BAD_USER_INPUT naming every unknown code among those given (one statement per request). */
export async function assertKnownCodes(
  context: Context,
  argument: string,
  kind: CodeKind,
  codes: readonly string[] | null | undefined,
): Promise<void> {
  checkReferences(argument, codes);
  if (!codes || codes.length === 0) return;
  const asked = [...new Set(codes)].filter(storable);
  const known = await loadAll(
    context.loaders.knownCodes,
    asked.map((code) => `${kind}:${code}`),
  );
  const found = new Set(asked.filter((_, i) => known[i] === true));
  const unknown = codes.filter((code) => !found.has(code));
  if (unknown.length > 0) throw await unknownReference(context, kind, argument, unknown);
}

/** The indicators with these codes, in the order asked; BAD_USER_INPUT naming unknown codes and the closest known ones. */
export async function resolveIndicators(
  context: Context,
  codes: readonly string[],
  argument: string,
): Promise<Indicator[]> {
  checkReferences(argument, codes);
  const asked = [...new Set(codes)].filter(storable);
  const rows = await loadAll(context.loaders.indicatorByCode, asked);
  const byCode = new Map<string, Indicator>();
  for (const indicator of rows) {
    if (!indicator) continue;
    byCode.set(indicator.code, indicator);
    context.loaders.indicatorById.prime(indicator.id, indicator);
  }
  const unknown = codes.filter((code) => !byCode.has(code));
  if (unknown.length > 0) throw await unknownReference(context, 'indicator', argument, unknown);
  return codes.map((code) => byCode.get(code) as Indicator);
}

export async function resolveIndicator(context: Context, code: string, argument = 'indicator'): Promise<Indicator> {
  const [indicator] = await resolveIndicators(context, [code], argument);
  return indicator;
}

export async function resolveInstrument(context: Context, code: string, argument = 'instrument'): Promise<Instrument> {
  checkReference(argument, code);
  const instrument = storable(code) ? await context.loaders.instrumentByCode.load(code) : null;
  if (!instrument) throw await unknownReference(context, 'instrument', argument, [code]);
  return instrument;
}

/** Cities named by id or slug, each looked up once (ids through cityById, slugs through cityBySlug). */
async function lookUpCities(context: Context, refs: readonly string[], argument: string): Promise<(City | null)[]> {
  checkReferences(argument, refs);
  const distinct = [...new Set(refs)];
  const ids = distinct.filter(isNumeric).map((ref) => parseId(argument, ref) as number);
  const slugs = distinct.filter((ref) => !isNumeric(ref) && storable(ref));
  const [byId, bySlug] = await Promise.all([
    ids.length ? loadAll(context.loaders.cityById, ids) : [],
    slugs.length ? loadAll(context.loaders.cityBySlug, slugs) : [],
  ]);
  const found = new Map<string, City>();
  byId.forEach((city, i) => city !== null && found.set(String(ids[i]), city));
  bySlug.forEach((city, i) => {
    if (city === null) return;
    found.set(slugs[i], city);
    context.loaders.cityById.prime(city.id, city);
  });
  return refs.map((ref) => found.get(isNumeric(ref) ? String(Number(ref)) : ref) ?? null);
}

/** The cities with these ids or slugs, in the order asked; BAD_USER_INPUT naming those that match no city. */
export async function resolveCities(context: Context, refs: readonly string[], argument: string): Promise<City[]> {
  const cities = await lookUpCities(context, refs, argument);
  const unknown = refs.filter((_, i) => cities[i] === null);
  if (unknown.length > 0) throw await unknownReference(context, 'city', argument, unknown);
  return cities as City[];
}

/**
 * The ids of cities named by id only, checked as resolveCities checks them but without a
 * statement, so a query can read the cities with its own rows (and report those it did not find
 * with checkCitiesFound); null when a slug is among them, which only a lookup can turn into an id.
 */
export function numericCityIds(refs: readonly string[], argument: string): number[] | null {
  checkReferences(argument, refs);
  if (!refs.every(isNumeric)) return null;
  return refs.map((ref) => parseId(argument, ref) as number);
}

/** BAD_USER_INPUT, worded as resolveCities words it, for the ids of `refs` not among `found`. */
export async function checkCitiesFound(
  context: Context,
  refs: readonly string[],
  argument: string,
  found: ReadonlySet<number>,
): Promise<void> {
  const unknown = refs.filter((ref) => !found.has(Number(ref)));
  if (unknown.length > 0) throw await unknownReference(context, 'city', argument, unknown);
}

/**
 * City ids for a filter: numeric ids pass as they are (a filter on an id nobody has matches
 * nothing, as before), slugs must name a city. No statement unless a slug is given.
 */
export async function resolveCityIds(
  context: Context,
  refs: readonly string[] | null | undefined,
  argument: string,
): Promise<number[] | undefined> {
  if (!refs) return undefined;
  checkReferences(argument, refs);
  const slugs = refs.filter((ref) => !isNumeric(ref));
  if (slugs.length === 0) return refs.map((ref) => parseId(argument, ref) as number);
  const cities = await resolveCities(context, slugs, argument);
  const bySlug = new Map(slugs.map((slug, i) => [slug, cities[i].id]));
  return refs.map((ref) => (isNumeric(ref) ? (parseId(argument, ref) as number) : (bySlug.get(ref) as number)));
}

/** Validates an `asOf` release id; an unknown release is BAD_USER_INPUT rather than silently "current". */
export async function resolveAsOf(context: Context, asOf: string | null | undefined): Promise<number | undefined> {
  const id = parseId('asOf', asOf);
  if (id === undefined) return undefined;
  const release = await context.loaders.releaseById.load(id);
  if (!release) throw badUserInput(`Unknown release ${id}`, { argument: 'asOf', value: String(id) });
  return id;
}

/**
 * The release an answer is as of: the one asked for (which must exist), else the newest.
 * Null on a database with no release at all, and, with `newest: false`, when no release was
 * asked for: the answer then reads the current rows (a null release in the visibility rules),
 * which are the rows as of the newest release, without reading which one that is. An analytic
 * passes `newest: false` when its query does not select the citation, the only part of the
 * answer that names the release.
 */
export async function resolveRelease(
  context: Context,
  asOf: string | null | undefined,
  options: { newest?: boolean } = {},
): Promise<Release | null> {
  const id = await resolveAsOf(context, asOf);
  if (id !== undefined) return context.loaders.releaseById.load(id);
  if (options.newest === false) return null;
  return context.loaders.references.newestRelease(async () => {
    const latest = await queryOne<Release>(
      context.dataSource,
      sql`SELECT ${entityColumns(context.dataSource, Release, 'r')} FROM release r ORDER BY r.id DESC LIMIT 1`,
    );
    return latest ?? null;
  });
}

/**
 * `city(slug:)` for a slug nobody has answers null, as a lookup should, and tells the caller
 * which cities it may have meant in the response's extensions.
 */
export async function cityBySlug(context: Context, slug: string, argument = 'slug'): Promise<City | null> {
  checkReference(argument, slug);
  const city = storable(slug) ? await context.loaders.cityBySlug.load(slug) : null;
  if (city) {
    context.loaders.cityById.prime(city.id, city);
    return city;
  }
  const suggestions = await suggestionsFor(context, 'city', slug);
  context.warnings.push({
    code: 'UNKNOWN_CITY',
    message: `No city has the slug "${echo(slug)}"${
      suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ''
    }`,
    argument,
    value: echo(slug),
    suggestions,
  });
  return null;
}
