import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { Context } from '../../context';
import { City } from '../city/city.entity';
import type { CityFilter } from '../city/city.args';
import { entityColumns } from '../common/entityRows';
import { query, sql } from '../common/sqlTag';
import { checkYear } from '../common/validate';
import { Indicator } from '../indicator/indicator.entity';
import { Citation, Warning } from './analytics.types';
import { buildCitation } from './citation';
import { countStatuses, fewObservations, noData, observationScope, statusWarnings } from './scope';
import { resolveIndicators, resolveRelease } from '../reference/references';
import { cityValuesSql, FEW } from './statistics';

@ObjectType({ description: "One city's pair of values" })
export class CorrelationPoint {
  @Field(() => City)
  city: City;

  @Field(() => Float)
  x: number;

  @Field(() => Float)
  y: number;

  @Field(() => Float, {
    description: 'Average rank of x among the points (1 = smallest; tied values share the mean of their ranks)',
  })
  xRank: number;

  @Field(() => Float, { description: 'Average rank of y among the points' })
  yRank: number;
}

@ObjectType({ description: 'How two indicators move together across cities in one year' })
export class CorrelationResult {
  @Field(() => Indicator)
  xIndicator: Indicator;

  @Field(() => Indicator)
  yIndicator: Indicator;

  @Field(() => Int)
  year: number;

  @Field(() => Int, { description: 'Cities with a value of both indicators in the year' })
  n: number;

  @Field(() => Float, {
    nullable: true,
    description: "Pearson's r (Postgres corr); null below 3 cities or when x or y has no variance",
  })
  pearson: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "Spearman's rho: Pearson's r of the average ranks; null below 3 cities or when x or y has no variance",
  })
  spearman: number | null;

  @Field(() => [CorrelationPoint], { description: 'The pairs used, by city name' })
  points: CorrelationPoint[];

  @Field(() => Citation)
  citation: Citation;

  @Field(() => [Warning])
  warnings: Warning[];
}

export interface CorrelationArgs {
  x: string;
  y: string;
  year: number;
  filter?: CityFilter | null;
  asOf?: string | null;
}

interface PointRow extends City {
  x: number;
  y: number;
  x_rank: number;
  y_rank: number;
  x_status: string;
  y_status: string;
  x_source: number;
  y_source: number;
  n: number;
  pearson: number | null;
  spearman: number | null;
  x_constant: boolean;
  y_constant: boolean;
}

export async function correlation(context: Context, args: CorrelationArgs): Promise<CorrelationResult> {
  checkYear('year', args.year);
  const [xIndicator, yIndicator] = await resolveIndicators(context, [args.x, args.y], 'x, y');
  const release = await resolveRelease(context, args.asOf);
  const scope = await observationScope(context, { filter: args.filter, releaseId: release?.id ?? null });
  // Average ranks: rank() is the lowest rank of a run of ties; adding (ties - 1) / 2 gives the
  // mean of the ranks the run occupies. Spearman's rho is Pearson's r of these ranks. The
  // aggregates are window functions over the points, so points and coefficients come in one
  // statement.
  const rows = await query<PointRow>(
    context.dataSource,
    sql`WITH vx AS (${cityValuesSql(scope.where, xIndicator.id, args.year)}),
     vy AS (${cityValuesSql(scope.where, yIndicator.id, args.year)}),
     p AS (
       SELECT vx.city_id, vx.value AS x, vy.value AS y,
              vx.status AS x_status, vy.status AS y_status, vx.source_id AS x_source, vy.source_id AS y_source,
              (rank() OVER (ORDER BY vx.value) + (count(*) OVER (PARTITION BY vx.value) - 1) / 2.0)::float8 AS x_rank,
              (rank() OVER (ORDER BY vy.value) + (count(*) OVER (PARTITION BY vy.value) - 1) / 2.0)::float8 AS y_rank
       FROM vx JOIN vy ON vy.city_id = vx.city_id
     )
     SELECT ${entityColumns(context.dataSource, City, 'c')}, p.x, p.y, p.x_rank, p.y_rank, p.x_status, p.y_status, p.x_source, p.y_source,
            (count(*) OVER ())::int AS n,
            corr(p.y, p.x) OVER () AS pearson,
            corr(p.y_rank, p.x_rank) OVER () AS spearman,
            (min(p.x) OVER () = max(p.x) OVER ()) AS x_constant,
            (min(p.y) OVER () = max(p.y) OVER ()) AS y_constant
     FROM p JOIN city c ON c.id = p.city_id
     ORDER BY c.name, c.id`,
  );
  const points = rows.map((row) => {
    // The row is the city's columns plus the point's: the rest after the point's is the city.
    const { x, y, x_rank, y_rank, x_status, x_source, y_status, y_source, n, pearson, spearman, ...rest } = row;
    const { x_constant, y_constant, ...city } = rest;
    context.loaders.cityById.prime(city.id, city);
    return { city, x, y, xRank: x_rank, yRank: y_rank };
  });
  const n = rows.length;
  const first = rows[0];
  const warnings: Warning[] = [];
  let defined = n >= FEW;
  if (n === 0) {
    warnings.push(
      noData(
        `No city has values of both ${xIndicator.code} and ${yIndicator.code} in ${args.year}${args.filter ? ' among the cities asked for' : ''}`,
      ),
    );
  } else if (n < FEW) {
    warnings.push(
      fewObservations(
        `Only ${n} ${n === 1 ? 'city has' : 'cities have'} values of both indicators in ${args.year}: a correlation needs at least ${FEW}`,
      ),
    );
  } else {
    // Postgres corr() is NULL when a variable has no variance; checking min = max as well
    // keeps rounding in its sums of squares from turning "undefined" into a spurious number.
    const constant = [
      first.x_constant ? `${xIndicator.code} (x)` : null,
      first.y_constant ? `${yIndicator.code} (y)` : null,
    ].filter((s): s is string => s !== null);
    if (constant.length > 0) {
      defined = false;
      warnings.push(
        fewObservations(
          `All ${n} values of ${constant.join(' and of ')} are equal: with no variance the correlation is undefined`,
        ),
      );
    }
  }
  if (n > 0) warnings.push(...statusWarnings(countStatuses(rows.flatMap((r) => [r.x_status, r.y_status]))));
  return {
    xIndicator,
    yIndicator,
    year: args.year,
    n,
    pearson: defined ? (first.pearson ?? null) : null,
    spearman: defined ? (first.spearman ?? null) : null,
    points,
    warnings,
    citation: await buildCitation(context, {
      query: 'correlation',
      args,
      sourceIds: rows.flatMap((r) => [r.x_source, r.y_source]),
      release,
    }),
  };
}
