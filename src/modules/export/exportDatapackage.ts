import type { Context } from '../../context';
import { buildCitation } from '../analytics/citation';
import { query, sql } from '../common/sqlTag';
import { ObservationStatus } from '../indicator/observation.entity';
import type { Source } from '../source/source.entity';
import { csvColumns } from './observationCsv';
import type { ExportSelection } from './resolveExport';
import { loadAll } from '../common/loadAll';

/** A Frictionless table schema field. */
interface SchemaField {
  name: string;
  type: 'string' | 'integer' | 'number';
  description: string;
  constraints?: { required?: boolean; enum?: string[] };
}

const LONG_FIELDS: Record<string, Omit<SchemaField, 'name'>> = {
  city: { type: 'string', description: 'City slug, e.g. pittsburgh-us', constraints: { required: true } },
  country: { type: 'string', description: 'ISO 3166-1 alpha-2 country code', constraints: { required: true } },
  region: { type: 'string', description: 'First-level administrative region' },
  indicator: {
    type: 'string',
    description: 'Indicator code: see rightsgraph.indicators for its name and unit',
    constraints: { required: true },
  },
  year: { type: 'integer', description: 'Year the value is for', constraints: { required: true } },
  value: { type: 'number', description: "The value, in the indicator's unit", constraints: { required: true } },
  lower: { type: 'number', description: 'Lower bound of the uncertainty interval' },
  upper: { type: 'number', description: 'Upper bound of the uncertainty interval' },
  status: {
    type: 'string',
    description: 'How the value was obtained',
    constraints: { required: true, enum: Object.keys(ObservationStatus) },
  },
  note: { type: 'string', description: 'Note on the value' },
  source: {
    type: 'string',
    description: 'Title of the source of the value (see sources)',
    constraints: { required: true },
  },
  release: { type: 'integer', description: 'Id of the release that loaded the value', constraints: { required: true } },
};

function schemaFields(selection: ExportSelection): SchemaField[] {
  const dimensions = new Set(selection.summary.dimensions);
  return csvColumns(selection).map((name): SchemaField => {
    if (dimensions.has(name)) {
      return { name, type: 'string', description: `Disaggregation by ${name}; empty for the total` };
    }
    if (/^\d{4}$/.test(name)) return { name, type: 'number', description: `The value in ${name}; empty when missing` };
    return { name, ...LONG_FIELDS[name] };
  });
}

interface IndicatorRow {
  id: number;
  code: string;
  name: string;
  unit: string;
  direction: string;
  kind: string;
  description: string | null;
  methodology: string | null;
  rights: string[];
}

function licenseOf(license: string): { name: string } | { title: string } {
  // The package's `name` is meant for an Open Definition id (CC-BY-4.0); free text goes in `title`.
  return /^[A-Za-z0-9.+-]+$/.test(license) ? { name: license } : { title: license };
}

/**
 * A source without a licence says so: a reader of the package must not take an empty list for
 * "no restrictions". Re-importing the package stores the words, which say the same.
 */
export const LICENSE_NOT_STATED = 'not stated';

function licenseText(source: Source): string {
  return source.license?.trim() || LICENSE_NOT_STATED;
}

/** Drops null members, so a source without a URL has no `path` rather than `"path": null`. */
function present<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/**
 * The Frictionless Data Package (https://datapackage.org) describing an export: the CSV as a
 * resource with its schema, the sources and licences of the rows, the release and the
 * citation. `rightsgraph.publisher`, `rightsgraph.citation`, `rightsgraph.indicators` and
 * `rightsgraph.disaggregations` are what src/modules/ingest/datapackage.ts reads, so the CSV
 * and this file re-import as they are. When the rows come from one source, the package *is*
 * that source (title, publisher, licence, citation), so a re-import attributes them to it
 * again; from several, the package describes the export as a compilation citing them all.
 */
export async function buildDatapackage(
  context: Context,
  selection: ExportSelection,
  resourcePath: string,
): Promise<Record<string, unknown>> {
  const { summary, release, parameters } = selection;
  const [loaded, indicators] = await Promise.all([
    loadAll(context.loaders.sourceById, summary.sourceIds),
    query<IndicatorRow>(
      context.dataSource,
      sql`SELECT i.id, i.code, i.name, i.unit, i.direction, i.kind, i.description, i.methodology,
              coalesce(array_agg(r.code::text ORDER BY r.code) FILTER (WHERE r.code IS NOT NULL), '{}') AS rights
       FROM indicator i
       LEFT JOIN indicator_right ir ON ir.indicator_id = i.id
       LEFT JOIN "right" r ON r.id = ir.right_id
       WHERE i.id = ANY(CAST(${summary.indicatorIds} AS int[]))
       GROUP BY i.id
       ORDER BY i.code`,
    ),
  ]);
  const sources = loaded.filter((s): s is Source => s !== null && !(s instanceof Error));
  const { asOf: _asOf, ...question } = parameters;
  const citation = await buildCitation(context, {
    query: 'export',
    args: question,
    sourceIds: summary.sourceIds,
    release,
  });
  const codeOf = new Map(indicators.map((i) => [i.id, i.code]));
  const single = sources.length === 1 ? sources[0] : null;
  const releaseText = release ? `release ${release.id} (${release.createdAt.toISOString().slice(0, 10)})` : null;
  // An export without rows has no source, and so no licence anyone stated either.
  const licenses = sources.length > 0 ? [...new Set(sources.map(licenseText))] : [LICENSE_NOT_STATED];
  return {
    profile: 'tabular-data-package',
    name: 'rightsgraph-observations',
    title: single
      ? single.title
      : `rightsgraph observations export${release ? `, release ${release.id}` : ''} (query ${selection.queryHash})`,
    description:
      `${summary.rows} observation${summary.rows === 1 ? '' : 's'} of ${indicators.length} indicator${indicators.length === 1 ? '' : 's'} ` +
      `from ${sources.length} source${sources.length === 1 ? '' : 's'}, exported from rightsgraph` +
      `${releaseText ? ` as of ${releaseText}` : ''} in the ${parameters.layout} layout.`,
    licenses: licenses.map(licenseOf),
    sources: sources.map((s) =>
      present({
        // rightsgraph's id of the source: `sources=<id>` exports its rows alone.
        id: String(s.id),
        title: s.title,
        path: s.url,
        publisher: s.publisher,
        license: licenseText(s),
        citation: s.citation,
        indicators: summary.sourceIndicators
          .filter(([source]) => source === s.id)
          .map(([, indicator]) => codeOf.get(indicator))
          .filter((code): code is string => code !== undefined)
          .sort(),
      }),
    ),
    resources: [
      {
        name: 'observations',
        path: resourcePath,
        profile: 'tabular-data-resource',
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        dialect: { delimiter: ',', lineTerminator: '\n', quoteChar: '"', doubleQuote: true, header: true },
        schema: { fields: schemaFields(selection), missingValues: [''] },
      },
    ],
    rightsgraph: {
      publisher: single ? single.publisher : 'rightsgraph',
      citation: single ? single.citation : citation.text,
      synthetic: sources.some((s) => s.synthetic),
      indicators: indicators.map((i) =>
        present({
          code: i.code,
          name: i.name,
          unit: i.unit,
          direction: i.direction,
          kind: i.kind,
          rights: i.rights,
          description: i.description,
          methodology: i.methodology,
        }),
      ),
      disaggregations: summary.dimensions,
      release: release
        ? { id: release.id, date: release.createdAt.toISOString(), description: release.description }
        : null,
      export: {
        citation: citation.text,
        queryHash: selection.queryHash,
        layout: parameters.layout,
        rows: summary.rows,
        parameters: present({ ...question, asOf: release ? String(release.id) : undefined }),
      },
    },
  };
}
