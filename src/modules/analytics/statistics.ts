import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { City } from '../city/city.entity';
import type { CityFilter } from '../city/city.args';
import { query, type Sql, sql } from '../common/sqlTag';
import { checkYear } from '../common/validate';
import { Indicator } from '../indicator/indicator.entity';
import type { ObservationStatus } from '../indicator/observation.entity';
import { Instrument } from '../instrument/instrument.entity';
import { Citation, Warning } from './analytics.types';
import { buildCitation } from './citation';
import { fewObservations, noData, observationScope, statusWarnings } from './scope';
import { inForceAsOf, releaseParameter } from '../source/visibility';
import { resolveIndicator, resolveInstrument, resolveRelease } from '../reference/references';
import { loadAll } from '../common/loadAll';

export enum StatisticsGroupBy {
  NONE = 'NONE',
  COUNTRY = 'COUNTRY',
  NETWORK = 'NETWORK',
  COMMITMENT = 'COMMITMENT',
}
registerEnumType(StatisticsGroupBy, {
  name: 'StatisticsGroupBy',
  description: 'How statistics split the cities with a value',
  valuesConfig: {
    NONE: { description: 'One group, key "all"' },
    COUNTRY: { description: 'One group per country (key: ISO alpha-2 code)' },
    NETWORK: {
      description:
        'One group per network (key: network code); a city in several networks counts in each, a city in none in no group',
    },
    COMMITMENT: {
      description:
        'Two groups, "adopted" and "not adopted": an ADOPTED or IMPLEMENTED commitment to `instrument` adopted on or before the end of `year`, or not',
    },
  },
});

/** Fewer values than this and a group's statistics get a FEW_OBSERVATIONS warning. */
export const FEW = 3;

@ObjectType({ description: 'Summary statistics of the values of one group of cities' })
export class StatisticsGroup {
  @Field(() => String, {
    description: 'Country code, network code, "adopted" / "not adopted", or "all" (groupBy NONE)',
  })
  key: string;

  @Field(() => String)
  label: string;

  @Field(() => Int, { description: 'Number of cities with a value (one value per city)' })
  count: number;

  @Field(() => Float, { nullable: true, description: 'Arithmetic mean; null when the group is empty' })
  mean: number | null;

  @Field(() => Float, { nullable: true, description: 'percentile_cont(0.5)' })
  median: number | null;

  @Field(() => Float, { nullable: true })
  min: number | null;

  @Field(() => Float, { nullable: true })
  max: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Sample standard deviation (n - 1 in the denominator, stddev_samp); null below 2 values',
  })
  stddev: number | null;

  @Field(() => Float, { nullable: true, description: '25th percentile, continuous (percentile_cont(0.25))' })
  p25: number | null;

  @Field(() => Float, { nullable: true, description: '75th percentile, continuous (percentile_cont(0.75))' })
  p75: number | null;

  /** Resolved by StatisticsResolver.cities through the city loader. */
  cityIds: number[];
}

@ObjectType({ description: 'Summary statistics of one indicator in one year, per group of cities' })
export class StatisticsResult {
  @Field(() => Indicator)
  indicator: Indicator;

  @Field(() => Int)
  year: number;

  @Field(() => StatisticsGroupBy)
  groupBy: StatisticsGroupBy;

  @Field(() => Instrument, { nullable: true, description: 'The instrument of groupBy COMMITMENT' })
  instrument: Instrument | null;

  @Field(() => Int, { description: 'Cities with a value in that year (each counted once, whatever the groups)' })
  count: number;

  @Field(() => Int, {
    description: 'Cities with a value that are in no group (groupBy NETWORK: members of no network); 0 otherwise',
  })
  ungrouped: number;

  @Field(() => [StatisticsGroup], {
    description: 'Ordered by key; empty when there are no values (NO_DATA)',
  })
  groups: StatisticsGroup[];

  /** Unset when the query does not select it (see citationSelected). */
  @Field(() => Citation)
  citation?: Citation;

  @Field(() => [Warning])
  warnings: Warning[];
}

export interface StatisticsArgs {
  indicator: string;
  year: number;
  groupBy?: StatisticsGroupBy | null;
  instrument?: string | null;
  filter?: CityFilter | null;
  asOf?: string | null;
}

/**
 * Each city's value of the indicator in the year, one per city: totals as of the release
 * within the filter (the scope), and when several sources give one, the lowest source id (a
 * fixed, documented choice; averaging sources would create a value nobody published).
 */
export function cityValuesSql(scope: Sql, indicatorId: number, year: number): Sql {
  // Not rg_one_value_per_city_year per city: one (indicator, year) index scan beats a probe per city (4,000 cities: 7 -> 16 ms).
  return sql`SELECT DISTINCT ON (o.city_id) o.city_id, o.value, o.status, o.source_id
    FROM observation o
    WHERE o.indicator_id = ${indicatorId} AND o.year = ${year} AND ${scope}
    ORDER BY o.city_id, o.source_id`;
}

/** What a grouping reads besides `v`: the release of the scope, the year, the instrument of COMMITMENT. */
interface GroupingParams {
  releaseId: number | null;
  year: number;
  instrumentId: number | null;
}

/** The groups of each grouping: `g` has (city_id, value, key, label); `keys` the groups to report. */
const GROUPING: Record<StatisticsGroupBy, (p: GroupingParams) => { g: Sql; keys: Sql }> = {
  NONE: () => ({
    g: sql`SELECT v.city_id, v.value, 'all'::text AS key, NULL::text AS label FROM v`,
    keys: sql`SELECT 'all'::text AS key`,
  }),
  COUNTRY: () => ({
    g: sql`SELECT v.city_id, v.value, gc.country_code::text AS key, co.name::text AS label
        FROM v JOIN city gc ON gc.id = v.city_id JOIN country co ON co.code = gc.country_code`,
    keys: sql`SELECT DISTINCT key FROM g`,
  }),
  NETWORK: (p) => ({
    g: sql`SELECT v.city_id, v.value, n.code::text AS key, n.name::text AS label
        FROM v JOIN network_membership nm ON nm.city_id = v.city_id AND ${inForceAsOf('nm', releaseParameter(p.releaseId))}
        JOIN network n ON n.id = nm.network_id`,
    keys: sql`SELECT DISTINCT key FROM g`,
  }),
  // Both groups are always reported (an empty "adopted" group is itself an answer). The
  // commitment counts as it stood at the release asked for.
  COMMITMENT: (p) => ({
    g: sql`SELECT v.city_id, v.value,
               CASE WHEN EXISTS (
                 SELECT 1 FROM commitment m
                 WHERE m.city_id = v.city_id AND m.instrument_id = ${p.instrumentId}
                   AND m.status IN ('ADOPTED', 'IMPLEMENTED')
                   AND m.adopted_on < make_date(CAST(${p.year} AS int) + 1, 1, 1)
                   AND ${inForceAsOf('m', releaseParameter(p.releaseId))}
               ) THEN 'adopted' ELSE 'not adopted' END AS key,
               NULL::text AS label
        FROM v`,
    keys: sql`SELECT key FROM (VALUES ('adopted'), ('not adopted')) AS k(key)`,
  }),
};

interface StatisticsRow {
  total: number;
  ungrouped: number;
  source_ids: number[];
  statuses: Partial<Record<ObservationStatus, number>> | null;
  key: string | null;
  label: string | null;
  n: number | null;
  mean: number | null;
  /** percentile_cont at 0.25, 0.5, 0.75 (one sort for the three); null for an empty group. */
  quartiles: [number, number, number] | null;
  min: number | null;
  max: number | null;
  stddev: number | null;
  city_ids: number[] | null;
}

function groupLabel(groupBy: StatisticsGroupBy, row: StatisticsRow, year: number, instrument: Instrument | null) {
  if (groupBy === StatisticsGroupBy.NONE) return 'All cities';
  if (groupBy === StatisticsGroupBy.COMMITMENT) {
    return row.key === 'adopted'
      ? `Adopted ${instrument?.code} by the end of ${year}`
      : `Had not adopted ${instrument?.code} by the end of ${year}`;
  }
  return row.label ?? (row.key as string);
}

/** `cite`: whether the query selects the citation (citationSelected); only then are the release and sources read. */
export async function statistics(context: Context, args: StatisticsArgs, cite = true): Promise<StatisticsResult> {
  const groupBy = args.groupBy ?? StatisticsGroupBy.NONE;
  checkYear('year', args.year);
  if (groupBy === StatisticsGroupBy.COMMITMENT && !args.instrument) {
    throw badUserInput('groupBy: COMMITMENT needs an instrument code, e.g. instrument: "CEDAW"', {
      argument: 'instrument',
    });
  }
  if (groupBy !== StatisticsGroupBy.COMMITMENT && args.instrument) {
    throw badUserInput('instrument is only used with groupBy: COMMITMENT', {
      argument: 'instrument',
      value: args.instrument,
    });
  }
  const indicator = await resolveIndicator(context, args.indicator);
  const instrument = args.instrument ? await resolveInstrument(context, args.instrument) : null;
  const release = await resolveRelease(context, args.asOf, { newest: cite });
  const scope = await observationScope(context, { filter: args.filter, releaseId: release?.id ?? null });
  const grouping = GROUPING[groupBy]({
    releaseId: scope.releaseId,
    year: args.year,
    instrumentId: instrument?.id ?? null,
  });
  // Mean and stddev are summed in numeric: in float8, ten values of 0.1 average to
  // 0.09999999999999999 and equal values get a stddev of 1e-17 instead of 0. float8 to numeric
  // keeps 15 significant digits (the decimals a source publishes), so equal values take their
  // own value as the mean rather than its 15-digit rounding.
  const rows = await query<StatisticsRow>(
    context.dataSource,
    sql`WITH v AS (${cityValuesSql(scope.where, indicator.id, args.year)}),
     g AS (${grouping.g}),
     keys AS (${grouping.keys}),
     stats AS (
       SELECT k.key,
              max(g.label) AS label,
              count(g.value)::int AS n,
              CASE WHEN min(g.value) = max(g.value) THEN min(g.value) ELSE avg(g.value::numeric)::float8 END AS mean,
              percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY g.value) AS quartiles,
              min(g.value) AS min,
              max(g.value) AS max,
              stddev_samp(g.value::numeric)::float8 AS stddev,
              coalesce(array_agg(g.city_id ORDER BY sc.name, sc.id) FILTER (WHERE g.city_id IS NOT NULL), '{}') AS city_ids
       FROM keys k
       LEFT JOIN g ON g.key = k.key
       LEFT JOIN city sc ON sc.id = g.city_id
       GROUP BY k.key
     ),
     overall AS (
       SELECT count(*)::int AS total,
              (SELECT count(*)::int FROM v WHERE v.city_id NOT IN (SELECT g.city_id FROM g)) AS ungrouped,
              coalesce(array_agg(DISTINCT v.source_id), '{}') AS source_ids,
              (SELECT json_object_agg(s.status, s.n)
               FROM (SELECT v.status, count(*)::int AS n FROM v GROUP BY v.status) s) AS statuses
       FROM v
     )
     SELECT overall.*, stats.*
     FROM overall LEFT JOIN stats ON true
     ORDER BY stats.key COLLATE "C"`,
  );
  const overall = rows[0];
  const total = overall?.total ?? 0;
  const groups: StatisticsGroup[] =
    total === 0
      ? []
      : rows
          .filter((row) => row.key !== null)
          .map((row) => ({
            key: row.key as string,
            label: groupLabel(groupBy, row, args.year, instrument),
            count: row.n ?? 0,
            mean: row.mean,
            median: row.quartiles?.[1] ?? null,
            min: row.min,
            max: row.max,
            stddev: row.stddev,
            p25: row.quartiles?.[0] ?? null,
            p75: row.quartiles?.[2] ?? null,
            cityIds: row.city_ids ?? [],
          }));

  const warnings: Warning[] = [];
  if (total === 0) {
    warnings.push(
      noData(`No values of ${indicator.code} in ${args.year}${args.filter ? ' for the cities asked for' : ''}`),
    );
  } else {
    const few = groups.filter((g) => g.count < FEW);
    if (few.length > 0) {
      warnings.push(
        fewObservations(
          `Fewer than ${FEW} values in ${few.length === 1 ? 'group' : `${few.length} groups`} ${few
            .map((g) => `${g.key} (${g.count})`)
            .join(', ')}: statistics of so few values say little (stddev needs at least 2)`,
        ),
      );
    }
    warnings.push(...statusWarnings(overall.statuses ?? {}));
  }
  return {
    indicator,
    year: args.year,
    groupBy,
    instrument,
    count: total,
    ungrouped: total === 0 ? 0 : overall.ungrouped,
    groups,
    warnings,
    citation: cite
      ? await buildCitation(context, {
          query: 'statistics',
          args: { ...args, groupBy },
          sourceIds: overall?.source_ids ?? [],
          release,
        })
      : undefined,
  };
}

/** The cities of a group, in the group's order (name, id); one statement for all groups. */
export async function groupCities(context: Context, group: StatisticsGroup): Promise<City[]> {
  const cities = await loadAll(context.loaders.cityById, group.cityIds);
  return cities.filter((c): c is City => c !== null);
}
