import { ObservationStatus } from '../indicator/observation.entity';

/** Where an SDMX area code puts its values: a city as the tidy CSV's city, country and region columns name it. */
export interface SdmxArea {
  city: string;
  country: string;
  region: string;
}

/**
 * The `rightsgraph.sdmx` block of datapackage.json: how the codes of an SDMX-CSV file become
 * rightsgraph's cities, indicators and statuses (docs/import.md#sdmx-csv). Column names are
 * compared as SDMX IDs, upper case (Eurostat writes its dimensions in lower case); codes as
 * written, but statuses in any case.
 */
export interface SdmxMapping {
  /** The column of the area codes (`REF_AREA` unless named, Eurostat's `cities` or `geo`), upper case. */
  area: string;
  areas: Map<string, SdmxArea>;
  /** The column of the indicator codes (e.g. `INDIC_UR`, or `DATAFLOW` for a file of one indicator), upper case. */
  indicator: string;
  indicators: Map<string, string>;
  /** Status codes (upper case) to statuses: SDMX's CL_OBS_STATUS A, E, P, B, and the package's own. */
  statuses: Map<string, ObservationStatus>;
  /** Codes that stand for "no split" in a dimension: SDMX's `_T` (total) and `_Z` (not applicable), and the package's own. */
  totals: Set<string>;
  /** Further columns (upper case) to leave out: attributes, or a dimension every row has the same code in. */
  ignore: Set<string>;
}

/**
 * The codes of SDMX's cross-domain code list CL_OBS_STATUS that have a status here; Eurostat's
 * OBS_FLAG uses the same letters in lower case (e, p, b). B, a break in the series, is
 * BREAK_IN_SERIES, which the analytics warn about. Every other code is a problem unless the
 * package maps it: D (definition differs), F (forecast), I (imputed), U (low reliability) and the
 * rest each need a curator's decision, not a guess.
 */
export const SDMX_STATUSES: ReadonlyMap<string, ObservationStatus> = new Map([
  ['A', ObservationStatus.MEASURED],
  ['E', ObservationStatus.ESTIMATED],
  ['P', ObservationStatus.PROVISIONAL],
  ['B', ObservationStatus.BREAK_IN_SERIES],
]);

/**
 * Which status a flag of several letters (Eurostat combines them: `bd`, `ep`) takes: the one a
 * reader of the value most needs to know. A break makes earlier values incomparable, a
 * conversion changes the definition, an estimate was not measured, a provisional value may
 * change.
 */
const PRECEDENCE = [
  ObservationStatus.BREAK_IN_SERIES,
  ObservationStatus.CONVERTED,
  ObservationStatus.ESTIMATED,
  ObservationStatus.PROVISIONAL,
  ObservationStatus.MEASURED,
];

/** The status of a flag, or the letter (or code) no status is mapped to. */
export function statusOfFlag(mapping: SdmxMapping, flag: string): { status: ObservationStatus } | { unknown: string } {
  const written = flag.trim();
  if (written === '') return { status: ObservationStatus.MEASURED };
  const whole = mapping.statuses.get(written.toUpperCase());
  if (whole) return { status: whole };
  if (!/^[A-Za-z]{2,}$/.test(written)) return { unknown: written };
  let best = PRECEDENCE.length - 1;
  for (const letter of written) {
    const status = mapping.statuses.get(letter.toUpperCase());
    if (!status) return { unknown: letter };
    best = Math.min(best, PRECEDENCE.indexOf(status));
  }
  return { status: PRECEDENCE[best] };
}

const KEYS = ['area', 'areas', 'indicator', 'indicators', 'statuses', 'totals', 'ignore'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * Reads `rightsgraph.sdmx`, reporting each fault through `fail` (as a reason: the import lists
 * it as a problem of datapackage.json); null when the block is missing or has a fault.
 */
export function readSdmxMapping(
  rightsgraph: Record<string, unknown> | undefined,
  fail: (reason: string) => void,
): SdmxMapping | null {
  const block = rightsgraph?.sdmx;
  if (block === undefined) {
    fail(
      'has no rightsgraph.sdmx: an SDMX-CSV import maps the area and indicator codes of the file to cities and ' +
        'indicators there (docs/import.md, "SDMX-CSV")',
    );
    return null;
  }
  const where = 'rightsgraph.sdmx';
  if (!isObject(block)) {
    fail(`${where} is not an object`);
    return null;
  }
  let faults = 0;
  const problem = (reason: string) => {
    faults += 1;
    fail(`${where}${reason}`);
  };
  for (const key of Object.keys(block)) {
    if (!KEYS.includes(key)) problem(`.${key} is not a setting (the settings are ${KEYS.join(', ')})`);
  }
  const column = (key: 'area' | 'indicator', fallback: string | null): string => {
    if (block[key] === undefined && fallback !== null) return fallback;
    const name = text(block[key]);
    if (name === null) problem(`.${key} must name the column of the ${key} codes, e.g. ${fallback ?? 'INDIC_UR'}`);
    return (name ?? '').toUpperCase();
  };
  const area = column('area', 'REF_AREA');
  const indicator = column('indicator', null);
  if (area !== '' && area === indicator) problem(`.area and .indicator name the same column, ${area}`);
  const entries = (key: string): [string, unknown][] => {
    const value = block[key];
    if (value === undefined) return [];
    if (!isObject(value)) {
      problem(`.${key} is not an object of code: ...`);
      return [];
    }
    return Object.entries(value);
  };
  if (block.areas === undefined) problem('.areas is missing: map each area code to { "city", "country", "region" }');
  const areas = new Map<string, SdmxArea>();
  for (const [code, raw] of entries('areas')) {
    const city = isObject(raw) ? text(raw.city) : null;
    const country = isObject(raw) ? text(raw.country) : null;
    const region = isObject(raw) && raw.region !== undefined ? text(raw.region) : '';
    if (city === null || country === null || region === null) {
      problem(`.areas.${code} must be { "city": ..., "country": ... } with an optional "region", all text`);
    } else areas.set(code, { city, country, region });
  }
  if (block.indicators === undefined) problem('.indicators is missing: map each indicator code to an indicator code');
  const indicators = new Map<string, string>();
  for (const [code, raw] of entries('indicators')) {
    const target = text(raw);
    if (target === null) problem(`.indicators.${code} must be an indicator code, e.g. "population"`);
    else indicators.set(code, target);
  }
  const statuses = new Map(SDMX_STATUSES);
  for (const [code, raw] of entries('statuses')) {
    const status = text(raw)?.toUpperCase();
    if (status === undefined || !(status in ObservationStatus) || text(code) === null) {
      problem(`.statuses.${code} must be one of ${Object.keys(ObservationStatus).join(', ')}`);
    } else statuses.set(code.trim().toUpperCase(), status as ObservationStatus);
  }
  const list = (key: 'totals' | 'ignore'): string[] => {
    const value = block[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((v) => text(v) !== null)) {
      problem(`.${key} must be a list of ${key === 'totals' ? 'codes' : 'column names'}`);
      return [];
    }
    return value.map((v: string) => v.trim());
  };
  const totals = new Set(['_T', '_Z', ...list('totals')]);
  const ignore = new Set(list('ignore').map((c) => c.toUpperCase()));
  if (faults > 0) return null;
  return { area, areas, indicator, indicators, statuses, totals, ignore };
}
