import DataLoader from 'dataloader';
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { DataSource } from 'typeorm';
import { selectedFields, selectedProperties } from '../common/lookahead';
import { entityJsonArray, fromJsonArrays } from '../common/entityRows';
import { query, type Sql, sql } from '../common/sqlTag';
import { UnknownReference } from '../reference/unknownReference';
import { Observation } from './observation.entity';
import { MAX_YEAR, MIN_YEAR } from '../common/years';
import { visibleAsOf } from '../source/visibility';

/** (city, indicator code) plus the parameters of one nested observation field. */
export interface ObservationKey {
  cityId: number;
  indicatorCode: string;
  yearFrom?: number | null;
  yearTo?: number | null;
  /** The exact year, for City.value. */
  year?: number | null;
  /** Release id: the data as it stood then; absent for the current data. */
  asOf?: number | null;
  /** The columns the query's fields read (`observationColumns`); absent for all of them. */
  columns?: string;
}

/**
 * The entity properties each field of the Observation type reads. `id` is always read (so a
 * selection of `__typename` alone still reads a column). A field not listed here (one added to the type and
 * not to this table) reads every column, so an omission costs time, never a wrong answer;
 * test/integration/observationColumns.test.ts holds this table to the schema.
 */
export const OBSERVATION_FIELD_COLUMNS: Readonly<Record<string, readonly (keyof Observation)[]>> = {
  __typename: [],
  id: [],
  year: ['year'],
  value: ['value'],
  disaggregation: ['disaggregation'],
  lower: ['lower'],
  upper: ['upper'],
  status: ['status'],
  note: ['note'],
  city: ['cityId'],
  indicator: ['indicatorId'],
  source: ['sourceId'],
  release: ['releaseId'],
};

const ALL_COLUMNS = '*';
const columnsByField = new WeakMap<readonly FieldNode[], string>();

/**
 * The columns an observation field's selection reads, as a sorted list (`id,value,year`), or `*`
 * for all. A 25-city dashboard asking `{ year value }` decoded 13 columns of 250 rows where it
 * needed 3 (issue 15). graphql-js hands every item of a list the same field nodes, so this is
 * worked out once per field of the query.
 */
export function observationColumns(info: GraphQLResolveInfo): string {
  let columns = columnsByField.get(info.fieldNodes);
  if (columns === undefined) {
    columns = columnsOf(selectedFields(info, []));
    columnsByField.set(info.fieldNodes, columns);
  }
  return columns;
}

export function columnsOf(fields: Iterable<string>): string {
  const properties = selectedProperties(fields, OBSERVATION_FIELD_COLUMNS, ['id']);
  return properties ? [...properties].sort().join(',') : ALL_COLUMNS;
}

/** The properties a batch reads: every key's, or undefined (all) when any key wants all. */
export function batchColumns(keys: readonly Pick<ObservationKey, 'columns'>[]): ReadonlySet<string> | undefined {
  const properties = new Set<string>();
  for (const key of keys) {
    if (key.columns === undefined || key.columns === ALL_COLUMNS) return undefined;
    for (const property of key.columns.split(',')) properties.add(property);
  }
  return properties;
}

export type Mode = 'series' | 'latest' | 'value';

/** One key of a nested observation field, as SQL: columns of a statement's key rows, or parameters. */
export interface KeySql {
  cityId: Sql;
  indicatorId: Sql;
  yearFrom: Sql;
  yearTo: Sql;
  year: Sql;
  asOf: Sql;
}

// The rule functions (rg_latest_city_value, rg_city_totals) return no `note`; joining them back to observation by id
// for it doubled the buffers read (100 keys on 4,000 cities: latest 0.8 -> 1.0 ms, value 0.4 -> 0.6 ms), so these stay
// inline. `series` is every source's value per year, not one per year; latest and value take the lowest source id.
function choice(mode: Mode, k: KeySql): Sql {
  switch (mode) {
    case 'series':
      return sql`AND o.year BETWEEN coalesce(${k.yearFrom}, ${sql.raw(String(MIN_YEAR))}) AND coalesce(${k.yearTo}, ${sql.raw(String(MAX_YEAR))})`;
    case 'latest':
      return sql`ORDER BY o.year DESC, o.source_id LIMIT 1`;
    case 'value':
      return sql`AND o.year = ${k.year} ORDER BY o.source_id LIMIT 1`;
  }
}

/**
 * One key's observations (totals only, no disaggregation) as one JSON array of `array`s, oldest
 * first, or NULL when there are none: the subquery behind every nested observation field, for
 * the batch below and for a page of cities that reads its cities' series in its own statement
 * (nestedSeries.ts). It finds the rows through one range of IDX_observation_latest (indicator,
 * city, year); `prune` names the indicator ids once more for the planner (HeldIndicatorIds).
 */
export function observationsJson(mode: Mode, k: KeySql, array: Sql, prune: Sql = sql.empty): Sql {
  return sql`(SELECT json_agg(${array} ORDER BY o.year, o.source_id)
          FROM (SELECT o.* FROM observation o
                 WHERE o.city_id = ${k.cityId} AND o.indicator_id = ${k.indicatorId} AND o.disaggregation = ''
                   ${prune}
                   AND ${visibleAsOf('o', k.asOf)}
                   ${choice(mode, k)}) o)`;
}

const BATCH_KEY: KeySql = {
  cityId: sql.raw('k.city_id'),
  indicatorId: sql.raw('i.id'),
  yearFrom: sql.raw('k.year_from'),
  yearTo: sql.raw('k.year_to'),
  year: sql.raw('k.year'),
  asOf: sql.raw('k.as_of'),
};

/**
 * One statement per batch for any mix of keys: the keys travel as parallel arrays, `unnest ...
 * WITH ORDINALITY` turns them back into rows, and `observationsJson` finds each key's
 * observations. The indicator is joined by code so that an unknown code is detected in the same
 * statement.
 *
 * Each key's observations come back as one JSON array of arrays (`entityJsonArray`), not as a row
 * each: a 25-city dashboard of 10 years read 250 rows of 5 columns that pg decoded one by one, and
 * Postgres sent, where now it reads 25 (issue 15: 1.13x the dashboard's requests per second;
 * docs/performance.md).
 */
async function lookupIn(
  dataSource: DataSource,
  heldIndicatorIds: HeldIndicatorIds,
  mode: Mode,
  keys: readonly ObservationKey[],
): Promise<(Observation[] | Error)[]> {
  const ids = await heldIndicatorIds([...new Set(keys.map((k) => k.indicatorCode))]);
  const { properties, array } = entityJsonArray(dataSource, Observation, 'o', batchColumns(keys));
  const prune = ids ? sql`AND o.indicator_id = ANY(CAST(${ids} AS int[]))` : sql.empty;
  const rows = await query<{ keyOrdinal: string; foundIndicatorId: number | null; observations: unknown[][] | null }>(
    dataSource,
    sql`SELECT k.ord AS "keyOrdinal", i.id AS "foundIndicatorId", ${observationsJson(mode, BATCH_KEY, array, prune)} AS observations
     FROM unnest(${keys.map((k) => k.cityId)}::int[], ${keys.map((k) => k.indicatorCode)}::text[],
                 ${keys.map((k) => k.yearFrom ?? null)}::int[], ${keys.map((k) => k.yearTo ?? null)}::int[],
                 ${keys.map((k) => k.year ?? null)}::int[], ${keys.map((k) => k.asOf ?? null)}::int[])
          WITH ORDINALITY AS k(city_id, code, year_from, year_to, year, as_of, ord)
     LEFT JOIN indicator i ON i.code = k.code
     ORDER BY k.ord`,
    { prepare: true },
  );
  const results: (Observation[] | Error)[] = keys.map(() => []);
  for (const { keyOrdinal, foundIndicatorId, observations } of rows) {
    const index = Number(keyOrdinal) - 1;
    if (foundIndicatorId === null) {
      // The resolver turns it into the request's one error for this code, with suggestions.
      results[index] = new UnknownReference('indicator', keys[index].indicatorCode);
    } else if (observations !== null) {
      results[index] = fromJsonArrays<Observation>(properties, observations);
    }
  }
  return results;
}

// A string built by hand, not JSON.stringify (2% of a dashboard request's CPU, which builds a key per
// city twice). The code goes last: the fields before it never hold a `|`, so a key reads back one way only.
export const observationKey = (k: ObservationKey): string =>
  `${k.cityId}|${k.yearFrom ?? ''}|${k.yearTo ?? ''}|${k.year ?? ''}|${k.asOf ?? ''}|${k.columns ?? ALL_COLUMNS}|${k.indicatorCode}`;

/**
 * The ids of indicator codes when the server holds them (src/cache/referenceCache.ts), else null.
 * Observation is partitioned by indicator: the LATERAL probe's `o.indicator_id = i.id` prunes
 * only at run time, after all eight partitions were planned, so the held ids are named once more
 * as a parameter the planner sees (redundant in meaning, as in compare). Without a cache the
 * statement does without: a statement more per batch would cost what pruning saves. With one, the
 * first batch after a change (and any batch with an unknown code, which is never held) reads the
 * indicators once through the request's `indicatorByCode`, which the resolvers share.
 */
export type HeldIndicatorIds = (codes: string[]) => Promise<number[] | null>;

/**
 * Series read ahead for one request, by the field nodes they were read for and the city. The
 * field nodes (the AST nodes merged under one response key, graphql-js's `info.fieldNodes`) stand
 * for the arguments and the selected columns: the same nodes in one request have the same
 * arguments and the same selection, wherever the city object turns up. Nodes merged differently
 * elsewhere (a fragment spread in two places beside other fields) do not match, and the field is
 * resolved as usual.
 */
export class SeriesReadAhead {
  private readonly byFirstNode = new Map<
    FieldNode,
    { nodes: readonly FieldNode[]; byCity: Map<number, Observation[]> }
  >();

  set(nodes: readonly FieldNode[], cityId: number, series: Observation[]): void {
    let entry = this.byFirstNode.get(nodes[0]);
    if (entry === undefined || !sameNodes(entry.nodes, nodes)) {
      entry = { nodes, byCity: new Map() };
      this.byFirstNode.set(nodes[0], entry);
    }
    entry.byCity.set(cityId, series);
  }

  get(nodes: readonly FieldNode[], cityId: number): Observation[] | undefined {
    const entry = this.byFirstNode.get(nodes[0]);
    return entry !== undefined && sameNodes(entry.nodes, nodes) ? entry.byCity.get(cityId) : undefined;
  }
}

function sameNodes(a: readonly FieldNode[], b: readonly FieldNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

export function observationLoaders(dataSource: DataSource, heldIndicatorIds: HeldIndicatorIds) {
  const lookup = (mode: Mode, keys: readonly ObservationKey[]) => lookupIn(dataSource, heldIndicatorIds, mode, keys);
  return {
    /**
     * Series read ahead by a page's statement (nestedSeries.ts): the field answers from here
     * without a promise, so a page of cities completes its series synchronously instead of
     * through a DataLoader promise per city.
     */
    seriesReadAhead: new SeriesReadAhead(),
    observationSeries: new DataLoader<ObservationKey, Observation[], string>((keys) => lookup('series', keys), {
      cacheKeyFn: observationKey,
    }),
    latestObservation: new DataLoader<ObservationKey, Observation | null, string>(
      async (keys) => (await lookup('latest', keys)).map((r) => (r instanceof Error ? r : (r[0] ?? null))),
      { cacheKeyFn: observationKey },
    ),
    observationInYear: new DataLoader<ObservationKey, Observation | null, string>(
      async (keys) => (await lookup('value', keys)).map((r) => (r instanceof Error ? r : (r[0] ?? null))),
      { cacheKeyFn: observationKey },
    ),
  };
}
