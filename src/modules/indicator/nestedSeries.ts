import { type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema, getArgumentValues } from 'graphql';
import type { Context } from '../../context';
import { entityJsonArray, fromJsonArrays } from '../common/entityRows';
import { selectedFieldNodes } from '../common/lookahead';
import type { PageColumn } from '../common/connection';
import { type Sql, sql } from '../common/sqlTag';
import { checkYearRange } from '../common/validate';
import { checkReference } from '../reference/referenceLimits';
import { Observation } from './observation.entity';
import { batchColumns, columnsOf, type ObservationKey, observationsJson } from './observation.loaders';

/** At most this many series are read in a page's statement; more go through the loader as before. */
const MAX_SERIES = 8;

/**
 * The `observations` series a query selects on each city of a page, read in the page's own
 * statement: `path` is where the cities are below the list field (`edges.node` for a
 * connection), `cityId` the page's column of the city id. One subquery per series and city
 * (`observationsJson`, the loader's own), whose value the field then finds by its field nodes
 * and city (`seriesReadAhead`, `answerReadAhead`) and answers without a statement or a promise.
 * The dashboard shape (a page of cities, each with a series) then costs one statement instead of
 * two, as PostGraphile's does (issue 15).
 *
 * Only what the resolver would read with the same rule is read ahead: a series whose arguments
 * the resolver would refuse (a bad year range, an over-long or unknown code, a code the server
 * does not hold) or that asks for an older release is left to it, so its errors and their wording
 * stay in one place. A key read ahead that the resolver does not ask for (a field under
 * `@include(if: false)`, or a selection split across aliases of the list) costs a subquery, never
 * a wrong answer: every value read ahead is what the loader would return for its key.
 */
export async function nestedSeries(
  context: Context,
  info: GraphQLResolveInfo,
  path: string[],
  cityId: Sql,
): Promise<PageColumn<{ id: number }>[]> {
  const references = context.loaders.references;
  if (!references.holdsRows) return [];
  const nodes = selectedFieldNodes(info.fieldNodes, info.fragments, path).filter(
    (node) => node.name.value === 'observations',
  );
  const byResponseKey = new Map<string, typeof nodes>();
  for (const node of nodes) {
    const key = node.alias?.value ?? node.name.value;
    byResponseKey.set(key, [...(byResponseKey.get(key) ?? []), node]);
  }
  if (byResponseKey.size === 0 || byResponseKey.size > MAX_SERIES) return [];
  const field = (info.schema.getType('City') as GraphQLObjectType).getFields().observations;
  const columns: PageColumn<{ id: number }>[] = [];
  for (const group of byResponseKey.values()) {
    // Fields merged under one response key have equal arguments (the validation rule
    // OverlappingFieldsCanBeMerged), so the first node's are the group's.
    const args = getArgumentValues(field, group[0], info.variableValues) as {
      indicator: string;
      yearFrom?: number | null;
      yearTo?: number | null;
      asOf?: string | null;
    };
    if (args.asOf !== null && args.asOf !== undefined) continue;
    try {
      checkYearRange(args.yearFrom, args.yearTo);
      checkReference('indicator', args.indicator);
    } catch {
      continue;
    }
    const indicator = await context.loaders.indicatorByCode.load(args.indicator);
    if (!indicator) continue;
    const key: Omit<ObservationKey, 'cityId'> = {
      indicatorCode: args.indicator,
      yearFrom: args.yearFrom,
      yearTo: args.yearTo,
      // What observationColumns(info) gives the resolver for these field nodes.
      columns: columnsOf(selectedFieldNodes(group, info.fragments, []).map((node) => node.name.value)),
    };
    const { properties, array } = entityJsonArray(context.dataSource, Observation, 'o', batchColumns([key]));
    const expression = observationsJson(
      'series',
      {
        cityId,
        // Written into the text: the page's statement is named (query's `prepare`), and with the
        // indicator as a literal its generic plan reads one partition, so Postgres settles on it
        // instead of planning every run (issue 15).
        indicatorId: sql.int(indicator.id),
        yearFrom: sql`CAST(${args.yearFrom ?? null} AS int)`,
        yearTo: sql`CAST(${args.yearTo ?? null} AS int)`,
        year: sql.raw('NULL'),
        asOf: sql.raw('NULL::int'),
      },
      array,
    );
    columns.push({
      expression,
      take: (city, value) =>
        context.loaders.seriesReadAhead.set(
          group,
          city.id,
          value === null ? [] : fromJsonArrays<Observation>(properties, value as unknown[][]),
        ),
    });
  }
  return columns;
}

/**
 * `City.observations` answers a series read ahead before type-graphql's wrapper runs: the wrapper
 * builds the resolver's parameters (seven, four of them arguments converted one by one) for every
 * city of the page, about 4% of the dashboard's CPU, and the resolver then only looked the series
 * up. The read-ahead holds only series whose arguments the resolver accepts (checked above, by
 * its own rules), so answering them here skips no check. Anything else goes to the resolver.
 */
export function answerReadAhead(schema: GraphQLSchema): void {
  const field = (schema.getType('City') as GraphQLObjectType).getFields().observations;
  const resolve = field.resolve;
  if (!resolve) throw new Error('answerReadAhead: City.observations has no resolver');
  field.resolve = (city: { id: number }, args, context: Context, info) =>
    context.loaders.seriesReadAhead.get(info.fieldNodes, city.id) ?? resolve(city, args, context, info);
}
