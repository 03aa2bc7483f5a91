import { Direction, IndicatorKind } from '../indicator/indicator.entity';
import { type ImportProblem, problem } from './importErrors';
import { defaultCitation } from '../source/citationText';

/** What an import needs to know beyond the CSV: where the data comes from and what it measures. */
export interface ImportMetadata {
  source: {
    title: string;
    publisher: string;
    url: string | null;
    license: string | null;
    citation: string;
    synthetic: boolean;
  } | null;
  indicators: IndicatorDefinition[];
  /** Extra CSV columns that split a value (e.g. sex), declared so a typo is not read as one. */
  disaggregations: string[];
  /**
   * The package's `rightsgraph` block as written: a format's reader reads its own settings from
   * it (`sdmx`, the SDMX-CSV code mapping, read by sdmxMapping.ts).
   */
  rightsgraph?: Record<string, unknown>;
}

export interface IndicatorDefinition {
  code: string;
  name: string;
  unit: string;
  direction: Direction;
  kind: IndicatorKind;
  description: string | null;
  methodology: string | null;
  rights: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** "not stated" is what an export writes for a source without a licence: re-imported, it is still none. */
const statedLicense = (license: string | null): string | null =>
  license !== null && license.toLowerCase() === 'not stated' ? null : license;

/**
 * Reads a Frictionless Data Package (datapackage.json). Standard properties give the source:
 * `title`, `sources[0]` (title, path), `licenses[0]` (name), `contributors` with role
 * "publisher". rightsgraph's own properties sit under `rightsgraph`: `publisher`, `citation`,
 * `synthetic`, `indicators` (code, name, unit, direction, kind, rights, description,
 * methodology) and `disaggregations` (column names); a format's own settings (`sdmx`) are kept
 * for its reader.
 */
export function readDatapackage(json: unknown, problems: ImportProblem[]): ImportMetadata {
  const fail = (reason: string) => problems.push(problem(0, 'datapackage.json', null, reason));
  const empty: ImportMetadata = { source: null, indicators: [], disaggregations: [] };
  if (!isObject(json)) {
    fail('is not a JSON object');
    return empty;
  }
  const own = isObject(json.rightsgraph) ? json.rightsgraph : {};
  const sources = Array.isArray(json.sources) ? json.sources.filter(isObject) : [];
  const licenses = Array.isArray(json.licenses) ? json.licenses.filter(isObject) : [];
  const contributors = Array.isArray(json.contributors) ? json.contributors.filter(isObject) : [];
  const publisher =
    text(own.publisher) ?? text(contributors.find((c) => c.role === 'publisher')?.title) ?? text(sources[0]?.title);
  const title = text(json.title) ?? text(sources[0]?.title);
  const url = text(sources[0]?.path) ?? text(json.homepage);
  let source: ImportMetadata['source'] = null;
  if (title || publisher) {
    if (!title) fail('has no title (or sources[0].title) for the source');
    if (!publisher) fail('has no publisher (rightsgraph.publisher or a contributor with role "publisher")');
    if (title && publisher) {
      source = {
        title,
        publisher,
        url,
        license: statedLicense(text(licenses[0]?.name) ?? text(licenses[0]?.title)),
        citation: text(own.citation) ?? defaultCitation({ publisher, title, url }),
        synthetic: own.synthetic === true,
      };
    }
  }
  const indicators: IndicatorDefinition[] = [];
  const rawIndicators = Array.isArray(own.indicators) ? own.indicators : [];
  rawIndicators.forEach((raw, i) => {
    const where = `rightsgraph.indicators[${i}]`;
    if (!isObject(raw)) return fail(`${where} is not an object`);
    const code = text(raw.code);
    const name = text(raw.name);
    const unit = text(raw.unit);
    const direction = text(raw.direction)?.toUpperCase();
    const kind = (text(raw.kind) ?? 'OUTCOME').toUpperCase();
    if (!code || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(code))
      return fail(`${where}.code must be lowercase words joined by hyphens, e.g. homicide-rate`);
    if (!name) return fail(`${where} (${code}) has no name`);
    if (!unit) return fail(`${where} (${code}) has no unit`);
    if (!direction || !(direction in Direction))
      return fail(`${where} (${code}).direction must be one of ${Object.keys(Direction).join(', ')}`);
    if (!(kind in IndicatorKind))
      return fail(`${where} (${code}).kind must be one of ${Object.keys(IndicatorKind).join(', ')}`);
    const rights = Array.isArray(raw.rights) ? raw.rights.filter((r): r is string => typeof r === 'string') : [];
    indicators.push({
      code,
      name,
      unit,
      direction: direction as Direction,
      kind: kind as IndicatorKind,
      description: text(raw.description),
      methodology: text(raw.methodology),
      rights,
    });
  });
  const disaggregations = Array.isArray(own.disaggregations)
    ? own.disaggregations.filter((d): d is string => typeof d === 'string').map((d) => d.trim().toLowerCase())
    : [];
  return { source, indicators, disaggregations, ...(isObject(json.rightsgraph) ? { rightsgraph: own } : {}) };
}
