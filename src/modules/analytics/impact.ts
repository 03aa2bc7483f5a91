import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { City } from '../city/city.entity';
import type { CityFilter } from '../city/city.args';
import { cityFilterCondition } from '../city/city.filter';
import { hydrate } from '../common/loaders';
import { runSql } from '../common/sql';
import type { ObservationStatus } from '../indicator/observation.entity';
import { Citation, Warning, WarningCode } from './analytics.types';
import { buildCitation } from './citation';
import { fewObservations, noData, observationScope, statusWarnings } from './scope';
import { resolveIndicator, resolveInstrument, resolveRelease } from '../reference/references';
import { inForceAsOf } from '../source/visibility';

export const MIN_WINDOW = 1;
export const MAX_WINDOW = 20;
export const DEFAULT_WINDOW = 3;

export enum ImpactExclusionReason {
  NO_DATA_BEFORE = 'NO_DATA_BEFORE',
  NO_DATA_AFTER = 'NO_DATA_AFTER',
  NO_DATA_EITHER = 'NO_DATA_EITHER',
  NO_CONTROLS = 'NO_CONTROLS',
  NO_ADOPTION_DATE = 'NO_ADOPTION_DATE',
}
registerEnumType(ImpactExclusionReason, {
  name: 'ImpactExclusionReason',
  description: 'Why an adopter does not enter the means and the difference-in-differences',
  valuesConfig: {
    NO_DATA_BEFORE: { description: 'No value in [A - window, A - 1]' },
    NO_DATA_AFTER: { description: 'No value in [A + 1, A + window]' },
    NO_DATA_EITHER: { description: 'No value on either side' },
    NO_CONTROLS: {
      description: 'Values on both sides, but no control city has values on both sides of the same years',
    },
    NO_ADOPTION_DATE: { description: 'The adopted commitments have no date, so there is no adoption year' },
  },
});

@ObjectType({ description: 'One city that adopted the instrument locally, with its before/after comparison' })
export class ImpactAdopter {
  @Field(() => City)
  city: City;

  @Field(() => Int, {
    nullable: true,
    description: 'A: year of the earliest ADOPTED or IMPLEMENTED commitment to the instrument (null: undated)',
  })
  adoptionYear: number | null;

  @Field(() => Int, { nullable: true, description: 'A - window' })
  beforeFrom: number | null;

  @Field(() => Int, { nullable: true, description: 'A - 1' })
  beforeTo: number | null;

  @Field(() => Int, { nullable: true, description: 'A + 1' })
  afterFrom: number | null;

  @Field(() => Int, { nullable: true, description: 'A + window' })
  afterTo: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean of the city’s values in [A - window, A - 1]' })
  before: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean of the city’s values in [A + 1, A + window]' })
  after: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'after - before, in the indicator’s unit (direction not applied)',
  })
  change: number | null;

  @Field(() => Int, { description: 'Years with a value in the before window' })
  nBefore: number;

  @Field(() => Int, { description: 'Years with a value in the after window' })
  nAfter: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean of the controls’ changes (after - before) over this adopter’s windows',
  })
  controlMeanChange: number | null;

  @Field(() => Int, { description: 'Control cities with data on both sides of this adopter’s windows' })
  nControls: number;

  @Field(() => Float, { nullable: true, description: 'change - controlMeanChange' })
  differenceInDifferences: number | null;

  @Field(() => Boolean, { description: 'Whether this adopter enters the means and the difference-in-differences' })
  used: boolean;

  @Field(() => ImpactExclusionReason, { nullable: true, description: 'Why it is not used (null when used)' })
  reason: ImpactExclusionReason | null;
}

@ObjectType({ description: 'Before/after change of adopters of an instrument against non-adopting controls' })
export class ImpactResult {
  @Field(() => String)
  instrument: string;

  @Field(() => String)
  indicator: string;

  @Field(() => Int)
  window: number;

  @Field(() => [ImpactAdopter], {
    description: 'Every adopter (used or not), by adoption year (undated last), then city name',
  })
  adopters: ImpactAdopter[];

  @Field(() => [ImpactAdopter], { description: 'The adopters that are not used, each with its reason' })
  excluded: ImpactAdopter[];

  @Field(() => Float, { nullable: true, description: 'Mean of change over the used adopters' })
  meanChangeAdopters: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean of controlMeanChange over the used adopters' })
  meanChangeControls: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Mean over the used adopters of (change - controlMeanChange) = meanChangeAdopters - meanChangeControls',
  })
  differenceInDifferences: number | null;

  @Field(() => Int, { description: 'Adopters used' })
  nAdopters: number;

  @Field(() => Int, { description: 'Distinct control cities used in the window of at least one used adopter' })
  nControls: number;

  @Field(() => Citation)
  citation: Citation;

  @Field(() => [Warning])
  warnings: Warning[];
}

export interface ImpactArgs {
  instrument: string;
  indicator: string;
  window?: number | null;
  filter?: CityFilter | null;
  asOf?: string | null;
}

interface ImpactRow {
  n_adopters: number;
  n_controls_total: number;
  mean_change_adopters: number | null;
  mean_change_controls: number | null;
  did_total: number | null;
  source_ids: number[];
  statuses: Record<string, number> | null;
  adopter_id: number | null;
  adoption_year: number | null;
  before_mean: number | null;
  after_mean: number | null;
  n_before: number | null;
  n_after: number | null;
  control_mean_change: number | null;
  n_controls: number | null;
  reason: ImpactExclusionReason | null;
  [cityColumn: string]: unknown;
}

/**
 * The whole analysis in one statement, so the number of statements does not depend on the
 * number of cities.
 *
 * - `obs`: one value per (city, year): totals in scope, the lowest source id when several
 *   sources give the year.
 * - `adoption`: per city, the year of its earliest dated ADOPTED/IMPLEMENTED commitment to the
 *   instrument, and how many such commitments are undated.
 * - `adopter_value` / `adopter_side`: each adopter's values in [A-w, A-1] and [A+1, A+w].
 * - `control_value` / `control_change`: per distinct adoption year A (the controls depend only
 *   on A, and an adopter is never its own control since it adopted by A+w), every city with
 *   values in [A-w, A+w] that had not adopted by A+w (a city with an undated adopted commitment
 *   might have, so it is never a control); a control counts only with data on both sides.
 *   Grouping by year rather than by adopter keeps the rows at years x cities x 2w, and the
 *   window years are joined by equality (adoption year + offset), so the join hashes.
 * - `result`: per adopter, the mean control change for its year and why it is not used, if it
 *   is not.
 * - `summary`: the means over used adopters, distinct controls, sources and statuses of the
 *   values that entered the answer (each city-year once). Sources are found by asking, for each
 *   of the few sources of the indicator, whether any used value has it (EXISTS stops at the
 *   first), and statuses from the values not MEASURED only: collecting every used value (a
 *   few hundred thousand rows on 2,000 cities) to keep one or two source ids cost more than
 *   the analysis itself.
 * - The control windows are the adoption year plus the offsets -w..-1, 1..w (an array
 *   parameter whose length the planner sees): generate_series over a column is estimated at
 *   1,000 rows, which inflated the plan's cost past Postgres's JIT threshold, and compiling
 *   the plan took a second.
 *
 * `summary LEFT JOIN result` always yields a row, even with no adopter.
 */
function impactSql(scopeSql: string, cityCondition: string | null): string {
  return `
WITH obs AS (
  SELECT DISTINCT ON (o.city_id, o.year) o.city_id, o.year, o.value, o.status, o.source_id
  FROM observation o
  WHERE o.indicator_id = :indicatorId AND ${scopeSql}
  ORDER BY o.city_id, o.year, o.source_id
),
adoption AS (
  SELECT m.city_id,
         min(CAST(extract(year FROM m.adopted_on) AS int)) AS adoption_year,
         CAST(count(*) FILTER (WHERE m.adopted_on IS NULL) AS int) AS undated
  FROM commitment m
  WHERE m.instrument_id = :instrumentId AND m.status IN ('ADOPTED', 'IMPLEMENTED')
    AND ${inForceAsOf('m', 'CAST(:releaseId AS int)')}
  GROUP BY m.city_id
),
adopter AS (
  SELECT a.city_id, a.adoption_year AS y
  FROM adoption a
  JOIN city c ON c.id = a.city_id
  ${cityCondition ? `WHERE ${cityCondition}` : ''}
),
adopter_value AS (
  SELECT ad.city_id AS adopter_id, o.city_id, o.year, o.value, o.status, o.source_id, o.year < ad.y AS is_before
  FROM adopter ad
  JOIN obs o ON o.city_id = ad.city_id
   AND o.year BETWEEN ad.y - :w AND ad.y + :w AND o.year <> ad.y
),
adopter_side AS (
  SELECT ad.city_id, ad.y,
         avg(v.value) FILTER (WHERE v.is_before) AS before_mean,
         avg(v.value) FILTER (WHERE NOT v.is_before) AS after_mean,
         CAST(count(v.year) FILTER (WHERE v.is_before) AS int) AS n_before,
         CAST(count(v.year) FILTER (WHERE NOT v.is_before) AS int) AS n_after
  FROM adopter ad
  LEFT JOIN adopter_value v ON v.adopter_id = ad.city_id
  GROUP BY ad.city_id, ad.y
),
adoption_year AS (
  SELECT DISTINCT y FROM adopter WHERE y IS NOT NULL
),
control_value AS (
  SELECT ay.y, o.city_id, o.year, o.value, o.status, o.source_id, o.year < ay.y AS is_before
  FROM adoption_year ay
  CROSS JOIN unnest(CAST(:offsets AS int[])) AS d(offset_years)
  JOIN obs o ON o.year = ay.y + d.offset_years
  LEFT JOIN adoption x ON x.city_id = o.city_id
  WHERE x.city_id IS NULL OR (x.undated = 0 AND x.adoption_year > ay.y + :w)
),
control_change AS (
  SELECT y, city_id, avg(value) FILTER (WHERE NOT is_before) - avg(value) FILTER (WHERE is_before) AS change
  FROM control_value
  GROUP BY y, city_id
  HAVING count(*) FILTER (WHERE is_before) > 0 AND count(*) FILTER (WHERE NOT is_before) > 0
),
control_mean AS (
  SELECT y, avg(change) AS mean_change, CAST(count(*) AS int) AS n
  FROM control_change
  GROUP BY y
),
result AS (
  SELECT s.city_id, s.y, s.before_mean, s.after_mean, s.n_before, s.n_after,
         cm.mean_change AS control_mean_change, coalesce(cm.n, 0) AS n_controls,
         CASE
           WHEN s.y IS NULL THEN 'NO_ADOPTION_DATE'
           WHEN s.n_before = 0 AND s.n_after = 0 THEN 'NO_DATA_EITHER'
           WHEN s.n_before = 0 THEN 'NO_DATA_BEFORE'
           WHEN s.n_after = 0 THEN 'NO_DATA_AFTER'
           WHEN cm.n IS NULL THEN 'NO_CONTROLS'
         END AS reason
  FROM adopter_side s
  LEFT JOIN control_mean cm ON cm.y = s.y
),
used AS (
  SELECT * FROM result WHERE reason IS NULL
),
used_year AS (
  SELECT DISTINCT y FROM used
),
used_control AS (
  SELECT cc.y, cc.city_id FROM control_change cc JOIN used_year uy ON uy.y = cc.y
),
flagged_value AS (
  SELECT v.city_id, v.year, v.status
  FROM adopter_value v JOIN used u ON u.city_id = v.adopter_id
  WHERE v.status <> 'MEASURED'
  UNION ALL
  SELECT v.city_id, v.year, v.status
  FROM control_value v JOIN used_control uc ON uc.y = v.y AND uc.city_id = v.city_id
  WHERE v.status <> 'MEASURED'
),
summary AS (
  SELECT
    (SELECT CAST(count(*) AS int) FROM used) AS n_adopters,
    (SELECT avg(after_mean - before_mean) FROM used) AS mean_change_adopters,
    (SELECT avg(control_mean_change) FROM used) AS mean_change_controls,
    (SELECT avg((after_mean - before_mean) - control_mean_change) FROM used) AS did_total,
    (SELECT CAST(count(DISTINCT city_id) AS int) FROM used_control) AS n_controls_total,
    (SELECT coalesce(array_agg(d.source_id ORDER BY d.source_id), '{}')
       FROM (SELECT DISTINCT source_id FROM obs) d
       WHERE EXISTS (SELECT 1 FROM adopter_value v JOIN used u ON u.city_id = v.adopter_id
                     WHERE v.source_id = d.source_id)
          OR EXISTS (SELECT 1 FROM control_value v JOIN used_control uc ON uc.y = v.y AND uc.city_id = v.city_id
                     WHERE v.source_id = d.source_id)) AS source_ids,
    (SELECT jsonb_object_agg(status, n)
       FROM (SELECT status, CAST(count(*) AS int) AS n
             FROM (SELECT DISTINCT city_id, year, status FROM flagged_value) d
             GROUP BY status) s) AS statuses
)
SELECT summary.*, c.*,
       r.city_id AS adopter_id, r.y AS adoption_year, r.before_mean, r.after_mean, r.n_before, r.n_after,
       r.control_mean_change, r.n_controls, r.reason
FROM summary
LEFT JOIN result r ON true
LEFT JOIN city c ON c.id = r.city_id
ORDER BY r.y NULLS LAST, c.name, c.id`;
}

/** -w..-1 and 1..w: the years of both windows relative to the adoption year. */
function windowOffsets(window: number): number[] {
  return Array.from({ length: window }, (_, k) => k + 1).flatMap((k) => [-k, k]);
}

function checkWindow(window: number): void {
  if (!Number.isInteger(window) || window < MIN_WINDOW || window > MAX_WINDOW) {
    throw badUserInput(`window must be between ${MIN_WINDOW} and ${MAX_WINDOW} years, got ${window}`, {
      argument: 'window',
      value: window,
    });
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * commitmentImpact: before/after means around each adopter's adoption year A, the same
 * calendar windows for cities that had not adopted by A + window, and the
 * difference-in-differences. Definitions in docs/analytics/impact.md.
 */
export async function commitmentImpact(context: Context, args: ImpactArgs): Promise<ImpactResult> {
  const window = args.window ?? DEFAULT_WINDOW;
  checkWindow(window);
  const indicator = await resolveIndicator(context, args.indicator);
  const instrument = await resolveInstrument(context, args.instrument);
  const release = await resolveRelease(context, args.asOf);
  const scope = await observationScope(context, { filter: args.filter, releaseId: release?.id ?? null });
  // The same condition (same parameter names and values) as inside the scope, over `c`, to
  // list adopters in the filter that have no data at all.
  const cities = cityFilterCondition(args.filter, 'cf_', release?.id ?? null);
  const rows = await runSql<ImpactRow>(context.dataSource, impactSql(scope.sql, cities?.sql ?? null), {
    ...scope.params,
    ...(cities?.params ?? {}),
    indicatorId: indicator.id,
    instrumentId: instrument.id,
    w: window,
    offsets: windowOffsets(window),
  });
  const summary = rows[0];
  const adopters: ImpactAdopter[] = rows
    .filter((row) => row.adopter_id !== null)
    .map((row) => {
      const city = hydrate(context.dataSource, City, row);
      context.loaders.cityById.prime(city.id, city);
      const a = row.adoption_year;
      const change = row.before_mean !== null && row.after_mean !== null ? row.after_mean - row.before_mean : null;
      return {
        city,
        adoptionYear: a,
        beforeFrom: a === null ? null : a - window,
        beforeTo: a === null ? null : a - 1,
        afterFrom: a === null ? null : a + 1,
        afterTo: a === null ? null : a + window,
        before: row.before_mean,
        after: row.after_mean,
        change,
        nBefore: row.n_before ?? 0,
        nAfter: row.n_after ?? 0,
        controlMeanChange: row.control_mean_change,
        nControls: row.n_controls ?? 0,
        differenceInDifferences:
          change !== null && row.control_mean_change !== null ? change - row.control_mean_change : null,
        used: row.reason === null,
        reason: row.reason,
      };
    });

  const warnings: Warning[] = [];
  const label = `${instrument.code} and ${indicator.code} (window ${window})`;
  if (summary.n_adopters === 0) {
    warnings.push(
      noData(
        adopters.length === 0
          ? `No city${args.filter ? ' in the filter' : ''} has an adopted or implemented ${instrument.code} commitment`
          : `No adopter of ${instrument.code} has ${indicator.code} values on both sides of its adoption year and controls to compare with`,
      ),
    );
  } else if (summary.n_adopters < 3 || summary.n_controls_total < 3) {
    warnings.push(
      fewObservations(
        `Only ${plural(summary.n_adopters, 'adopter', 'adopters')} and ${plural(summary.n_controls_total, 'control city', 'control cities')} for ${label}: the difference-in-differences means little`,
      ),
    );
  }
  const undated = adopters.filter((a) => a.adoptionYear === null).length;
  if (undated > 0) {
    warnings.push({
      code: WarningCode.UNDATED_COMMITMENTS,
      message: `${plural(undated, 'city has', 'cities have')} an adopted ${instrument.code} commitment without an adoption date: skipped, neither adopter nor control`,
    });
  }
  warnings.push(...statusWarnings((summary.statuses ?? {}) as Partial<Record<ObservationStatus, number>>));

  return {
    instrument: instrument.code,
    indicator: indicator.code,
    window,
    adopters,
    excluded: adopters.filter((a) => !a.used),
    meanChangeAdopters: summary.mean_change_adopters,
    meanChangeControls: summary.mean_change_controls,
    differenceInDifferences: summary.did_total,
    nAdopters: summary.n_adopters,
    nControls: summary.n_controls_total,
    warnings,
    citation: await buildCitation(context, {
      query: 'commitmentImpact',
      args: { ...args, window },
      sourceIds: summary.source_ids,
      release,
    }),
  };
}
