import { badUserInput } from '../../errors';
import { echo, MAX_LISTED } from '../reference/referenceLimits';
import { closestCodes } from '../reference/suggest';
import { ObservationStatus } from '../indicator/observation.entity';

export type ExportLayout = 'long' | 'wide';

/**
 * What an export selects, as the HTTP query string (and the CLI flags) state it. The filters
 * are those of the `observations` query, plus `sources` so that one source can be taken out
 * with its own provenance (see docs/export.md).
 */
export interface ExportParameters {
  indicators?: string[];
  /** City ids or slugs. */
  cities?: string[];
  countries?: string[];
  yearFrom?: number;
  yearTo?: number;
  statuses?: ObservationStatus[];
  /** Source ids. */
  sources?: string[];
  /** Release id. */
  asOf?: string;
  layout: ExportLayout;
  /** Adds `source` and `release` columns to the long layout (the import does not read them back). */
  provenance: boolean;
}

export const EXPORT_PARAMETER_NAMES = [
  'indicators',
  'cities',
  'countries',
  'yearFrom',
  'yearTo',
  'statuses',
  'sources',
  'asOf',
  'layout',
  'provenance',
] as const;

type ParameterName = (typeof EXPORT_PARAMETER_NAMES)[number];

/** Comma-separated, blanks dropped; an empty list is the same as leaving the parameter out. */
function list(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const items = [...new Set(raw.split(',').map((item) => item.trim()))].filter((item) => item !== '');
  return items.length > 0 ? items : undefined;
}

function integer(name: ParameterName, raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^[+-]?\d{1,9}$/.test(raw.trim())) {
    throw badUserInput(`${name} must be an integer, got "${echo(raw)}"`, { argument: name, value: echo(raw) });
  }
  return Number(raw.trim());
}

/**
 * Reads the parameters of an export from strings, checking everything that needs no database
 * (`resolveExport` checks codes, ids and releases). An unknown parameter is an error rather
 * than ignored: `?indicator=homicide-rate` (singular) would otherwise export everything.
 */
export function parseExportParameters(raw: Record<string, string | undefined>): ExportParameters {
  for (const name of Object.keys(raw)) {
    if (!(EXPORT_PARAMETER_NAMES as readonly string[]).includes(name)) {
      const suggestions = closestCodes(name, [...EXPORT_PARAMETER_NAMES]).slice(0, 1);
      throw badUserInput(
        `Unknown parameter "${echo(name)}"; did you mean "${suggestions[0]}"? The export takes ${EXPORT_PARAMETER_NAMES.join(', ')}`,
        { argument: echo(name), value: echo(raw[name] ?? ''), suggestions },
      );
    }
  }
  const layout = (raw.layout ?? '').trim().toLowerCase() || 'long';
  if (layout !== 'long' && layout !== 'wide') {
    throw badUserInput(`layout must be long or wide, got "${echo(raw.layout ?? '')}"`, {
      argument: 'layout',
      value: echo(raw.layout ?? ''),
    });
  }
  const statuses = list(raw.statuses)?.map((s) => s.toUpperCase().replace(/[\s-]+/g, '_'));
  const unknownStatuses = statuses?.filter((s) => !(s in ObservationStatus)) ?? [];
  if (unknownStatuses.length > 0) {
    throw badUserInput(
      `Unknown status ${unknownStatuses
        .slice(0, MAX_LISTED)
        .map((s) => `"${echo(s)}"`)
        .join(', ')}; statuses are ${Object.keys(ObservationStatus).join(', ')}`,
      { argument: 'statuses', value: unknownStatuses.slice(0, MAX_LISTED).map(echo) },
    );
  }
  const countries = list(raw.countries)?.map((c) => c.toUpperCase());
  const badCountries = countries?.filter((c) => !/^[A-Z]{2,3}$/.test(c)) ?? [];
  if (badCountries.length > 0) {
    throw badUserInput(
      `countries takes ISO 3166-1 alpha-2 or alpha-3 codes such as US or USA, got ${badCountries
        .slice(0, MAX_LISTED)
        .map((c) => `"${echo(c)}"`)
        .join(', ')}`,
      { argument: 'countries', value: badCountries.slice(0, MAX_LISTED).map(echo) },
    );
  }
  const provenanceText = (raw.provenance ?? '').trim().toLowerCase();
  if (!['', 'true', 'false', '1', '0'].includes(provenanceText)) {
    throw badUserInput(`provenance must be true or false, got "${raw.provenance}"`, {
      argument: 'provenance',
      value: raw.provenance,
    });
  }
  const provenance = provenanceText === 'true' || provenanceText === '1';
  if (provenance && layout === 'wide') {
    // A wide line spans years that may come from different releases: one release column cannot say it.
    throw badUserInput('provenance columns are written in the long layout only', {
      argument: 'provenance',
      value: raw.provenance,
    });
  }
  const asOf = raw.asOf?.trim();
  return {
    indicators: list(raw.indicators),
    cities: list(raw.cities),
    countries,
    yearFrom: integer('yearFrom', raw.yearFrom),
    yearTo: integer('yearTo', raw.yearTo),
    statuses: statuses as ObservationStatus[] | undefined,
    sources: list(raw.sources),
    asOf: asOf ? asOf : undefined,
    layout,
    provenance,
  };
}

/**
 * The parameters as a query string, in a fixed order, with `asOf` pinned to the release the
 * export was made from: the URL a datapackage.json points at returns the same rows later.
 */
export function exportQueryString(parameters: ExportParameters, releaseId: number | null): string {
  const pairs: string[] = [];
  // Commas stay literal between items (each item is encoded), so the URL reads as it was typed.
  const add = (name: ParameterName, value: string | number | string[] | undefined) => {
    if (value === undefined) return;
    const items = Array.isArray(value) ? value : [String(value)];
    pairs.push(`${name}=${items.map(encodeURIComponent).join(',')}`);
  };
  add('indicators', parameters.indicators);
  add('cities', parameters.cities);
  add('countries', parameters.countries);
  add('yearFrom', parameters.yearFrom);
  add('yearTo', parameters.yearTo);
  add('statuses', parameters.statuses);
  add('sources', parameters.sources);
  add('asOf', releaseId === null ? parameters.asOf : String(releaseId));
  if (parameters.layout !== 'long') add('layout', parameters.layout);
  if (parameters.provenance) add('provenance', 'true');
  return pairs.join('&');
}
