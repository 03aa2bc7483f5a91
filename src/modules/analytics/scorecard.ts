import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { City } from '../city/city.entity';
import { Commitment } from '../commitment/commitment.entity';
import { hydrate } from '../common/loaders';
import { runSql } from '../common/sql';
import { Direction, Indicator } from '../indicator/indicator.entity';
import { Observation } from '../indicator/observation.entity';
import { oneValuePerCityYear } from '../indicator/oneValuePerCityYear';
import { Right } from '../right/right.entity';
import { Citation, Warning, WarningCode } from './analytics.types';
import { buildCitation } from './citation';
import { countStatuses, fewObservations, noData, observationScope, statusWarnings } from './scope';
import { resolveCities, resolveRelease } from '../reference/references';
import { loadAll } from '../common/loadAll';
import { inForceAsOf } from '../source/visibility';

/** Explicit peers are capped like compare's cities; the default peer set is not (it is computed in SQL). */
export const SCORECARD_MAX_PEERS = 100;
/** The trend is fitted over the city's values in the years (latest - TREND_YEARS, latest]. */
export const TREND_YEARS = 10;
/** Fewer points than this and the slope is null (two points always fit a line exactly). */
export const TREND_MIN_POINTS = 3;

@ObjectType({ description: "One indicator of a right in a city's scorecard" })
export class ScorecardIndicator {
  @Field(() => Indicator)
  indicator: Indicator;

  @Field(() => Observation, {
    nullable: true,
    description:
      "The city's latest value (total, as of the release; lowest source id if two sources report that year), with its bounds, status and source; null when it has none",
  })
  latest: Observation | null;

  @Field(() => Float, { nullable: true, description: 'latest.value' })
  value: number | null;

  @Field(() => Int, { nullable: true, description: 'latest.year' })
  year: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Competition rank (1224) of the city's latest value among the latest values of the city and its peers, best first by the indicator's direction (NEUTRAL: highest first); null when the city has no value",
  })
  rank: number | null;

  @Field(() => Int, { description: 'Cities ranked: the city (when it has a value) and the peers with a value' })
  rankedCount: number;

  @Field(() => Float, {
    nullable: true,
    description: `Least-squares slope per year (regr_slope(value, year)) over the city's values in the ${TREND_YEARS} years up to its latest year; null with fewer than ${TREND_MIN_POINTS} points`,
  })
  trend: number | null;

  @Field(() => Int, { description: 'Number of yearly values the trend is fitted on' })
  trendPoints: number;

  @Field(() => Int, { nullable: true, description: 'First year with a value in the trend window' })
  trendFirstYear: number | null;

  @Field(() => Int, { nullable: true, description: 'Last year with a value in the trend window (= year)' })
  trendLastYear: number | null;
}

@ObjectType({ description: "One right in a city's scorecard: what the city committed to, and how it does" })
export class ScorecardRight {
  @Field(() => Right)
  right: Right;

  @Field(() => [Commitment], {
    description:
      "The city's commitments covering this right, directly (the commitment's rights) or through their instrument (the instrument's rights); any status; by adoption date",
  })
  commitments: Commitment[];

  @Field(() => [ScorecardIndicator], { description: 'Every indicator measuring this right, by code' })
  indicators: ScorecardIndicator[];
}

@ObjectType()
export class ScorecardResult {
  @Field(() => City)
  city: City;

  @Field(() => [City], {
    description:
      'The cities ranked against: those asked for, else the other cities of the same country, else (when it has none) all other cities',
  })
  peers: City[];

  @Field(() => [ScorecardRight], {
    description: 'Every right that some indicator measures or some commitment of the city covers, by code',
  })
  rights: ScorecardRight[];

  @Field(() => [Commitment], {
    description: "The city's commitments that cover no right (e.g. a human rights city declaration), by adoption date",
  })
  otherCommitments: Commitment[];

  @Field(() => Citation)
  citation: Citation;

  @Field(() => [Warning])
  warnings: Warning[];
}

export interface ScorecardArgs {
  cityId: string;
  peerCityIds?: string[] | null;
  asOf?: string | null;
}

/** The other cities of the city's country, or every other city when the country has no other. */
async function defaultPeers(context: Context, city: City): Promise<City[]> {
  const rows = await runSql(
    context.dataSource,
    `SELECT c.* FROM city c
     WHERE c.id <> :cityId
       AND (c.country_code = :country
            OR NOT EXISTS (SELECT 1 FROM city x WHERE x.country_code = :country AND x.id <> :cityId))
     ORDER BY c.name, c.id`,
    { cityId: city.id, country: city.countryCode },
  );
  const peers = rows.map((row) => hydrate(context.dataSource, City, row));
  for (const peer of peers) context.loaders.cityById.prime(peer.id, peer);
  return peers;
}

const IN_FORCE = inForceAsOf('m', 'CAST(:releaseId AS int)');

/**
 * The rights of the scorecard with their indicators and the city's commitments covering them.
 * A commitment covers a right when it lists the right itself (commitment_right) or when its
 * instrument does (instrument_right): a CEDAW ordinance covers what CEDAW covers, even if the
 * ordinance's own record names only gender equality.
 */
async function scorecardRights(context: Context, cityId: number, releaseId: number | null) {
  const rows = await runSql(
    context.dataSource,
    `WITH covers AS (
       SELECT cr.commitment_id, cr.right_id
       FROM commitment_right cr JOIN commitment m ON m.id = cr.commitment_id
       WHERE m.city_id = :cityId AND ${IN_FORCE}
       UNION
       SELECT m.id, ir.right_id
       FROM commitment m JOIN instrument_right ir ON ir.instrument_id = m.instrument_id
       WHERE m.city_id = :cityId AND ${IN_FORCE}
     )
     SELECT r.*,
            ARRAY(SELECT ir.indicator_id FROM indicator_right ir JOIN indicator i ON i.id = ir.indicator_id
                  WHERE ir.right_id = r.id ORDER BY i.code) AS sc_indicator_ids,
            ARRAY(SELECT cv.commitment_id FROM covers cv WHERE cv.right_id = r.id) AS sc_commitment_ids
     FROM "right" r
     WHERE EXISTS (SELECT 1 FROM indicator_right ir WHERE ir.right_id = r.id)
        OR EXISTS (SELECT 1 FROM covers cv WHERE cv.right_id = r.id)
     ORDER BY r.code`,
    { cityId, releaseId },
  );
  return rows.map((row) => ({
    right: hydrate(context.dataSource, Right, row),
    indicatorIds: row.sc_indicator_ids as number[],
    commitmentIds: new Set(row.sc_commitment_ids as number[]),
  }));
}

interface IndicatorFigures {
  latest: Observation | null;
  rank: number | null;
  rankedCount: number;
  trend: number | null;
  trendPoints: number;
  trendFirstYear: number | null;
  trendLastYear: number | null;
  statuses: string[];
  sourceIds: number[];
}

/**
 * Every number of the scorecard in one statement, for all indicators at once:
 * - `latest`: each ranked city's (the city's and its peers') latest value per indicator, one row
 *   per city (the lowest source id when two sources report the latest year). One index probe
 *   per (city, indicator) pair: with 30 years per series, sorting every row of the pairs
 *   (DISTINCT ON) read 30 times as many rows and spilled to disk on a country of 100 cities;
 * - `ranked`: competition rank (rank(), ties share the better rank) best-first: ascending for
 *   LOWER_IS_BETTER, descending otherwise (negating the value keeps one ORDER BY for both);
 * - `yearly`: the city's values, one per year, in (latest year - 10, latest year], by the rule
 *   the trend analytic reads its points with (oneValuePerCityYear), so the slopes agree;
 * - `trend`: regr_slope(value, year) of those, null below 3 points.
 */
async function scorecardFigures(
  context: Context,
  input: { cityId: number; rankedIds: number[]; indicatorIds: number[]; releaseId: number | null },
): Promise<Map<number, IndicatorFigures>> {
  const scope = await observationScope(context, { releaseId: input.releaseId });
  const rows = await runSql(
    context.dataSource,
    `WITH latest AS (
       SELECT v.*
       FROM unnest(CAST(:rankedIds AS int[])) AS rc(city_id)
       CROSS JOIN unnest(CAST(:indicatorIds AS int[])) AS ri(indicator_id)
       CROSS JOIN LATERAL (
         SELECT o.id, o.indicator_id, o.city_id, o.year, o.value, o.status, o.source_id
         FROM observation o
         WHERE o.city_id = rc.city_id AND o.indicator_id = ri.indicator_id AND ${scope.sql}
         ORDER BY o.year DESC, o.source_id
         LIMIT 1
       ) v
     ),
     ranked AS (
       SELECT l.*,
              rank() OVER (PARTITION BY l.indicator_id
                           ORDER BY CASE WHEN i.direction = :lower THEN l.value ELSE -l.value END) AS rank
       FROM latest l JOIN indicator i ON i.id = l.indicator_id
     ),
     counts AS (SELECT indicator_id, count(*) AS n FROM latest GROUP BY indicator_id),
     mine AS (SELECT * FROM ranked WHERE city_id = :cityId),
     yearly AS (
       SELECT y.id, y.indicator_id, y.year, y.value, y.status, y.source_id
       FROM mine m
       CROSS JOIN LATERAL (${oneValuePerCityYear({
         cityId: 'CAST(:cityId AS int)',
         indicatorId: 'm.indicator_id',
         yearFrom: 'm.year - CAST(:trendYears AS int) + 1',
         yearTo: 'm.year',
         releaseId: 'CAST(:releaseId AS int)',
       })}) y
     ),
     trend AS (
       SELECT indicator_id, count(*) AS points, min(year) AS first_year, max(year) AS last_year,
              CASE WHEN count(*) >= :minPoints THEN regr_slope(value, year) END AS slope
       FROM yearly GROUP BY indicator_id
     ),
     used AS (
       SELECT indicator_id, id, status, source_id FROM latest
       UNION
       SELECT indicator_id, id, status, source_id FROM yearly
     ),
     used_by_indicator AS (
       SELECT indicator_id, array_agg(status) AS statuses, array_agg(DISTINCT source_id) AS source_ids
       FROM used GROUP BY indicator_id
     )
     SELECT k.id AS sc_indicator_id, CAST(m.rank AS int) AS sc_rank, CAST(coalesce(n.n, 0) AS int) AS sc_ranked_count,
            CAST(coalesce(t.points, 0) AS int) AS sc_points, t.first_year AS sc_first_year, t.last_year AS sc_last_year,
            t.slope AS sc_slope, coalesce(u.statuses, '{}') AS sc_statuses, coalesce(u.source_ids, '{}') AS sc_source_ids,
            o.*
     FROM unnest(CAST(:indicatorIds AS int[])) AS k(id)
     LEFT JOIN mine m ON m.indicator_id = k.id
     LEFT JOIN observation o ON o.id = m.id
     LEFT JOIN counts n ON n.indicator_id = k.id
     LEFT JOIN trend t ON t.indicator_id = k.id
     LEFT JOIN used_by_indicator u ON u.indicator_id = k.id`,
    {
      ...scope.params,
      cityId: input.cityId,
      rankedIds: input.rankedIds,
      indicatorIds: input.indicatorIds,
      lower: Direction.LOWER_IS_BETTER,
      trendYears: TREND_YEARS,
      minPoints: TREND_MIN_POINTS,
    },
  );
  return new Map(
    rows.map((row) => [
      Number(row.sc_indicator_id),
      {
        latest: row.id === null ? null : hydrate(context.dataSource, Observation, row),
        rank: row.sc_rank as number | null,
        rankedCount: row.sc_ranked_count as number,
        trend: row.sc_slope as number | null,
        trendPoints: row.sc_points as number,
        trendFirstYear: row.sc_first_year as number | null,
        trendLastYear: row.sc_last_year as number | null,
        statuses: row.sc_statuses as string[],
        sourceIds: row.sc_source_ids as number[],
      },
    ]),
  );
}

function checkPeers(peerCityIds: string[]): void {
  if (peerCityIds.length > SCORECARD_MAX_PEERS) {
    throw badUserInput(`peerCityIds is limited to ${SCORECARD_MAX_PEERS} cities, got ${peerCityIds.length}`, {
      argument: 'peerCityIds',
      value: peerCityIds.length,
    });
  }
}

export async function scorecard(context: Context, args: ScorecardArgs): Promise<ScorecardResult> {
  const explicitPeers = args.peerCityIds ? [...new Set(args.peerCityIds)] : null;
  if (explicitPeers) checkPeers(explicitPeers);
  // Both lookups go out in one cityById batch.
  const [[city], askedPeers, release] = await Promise.all([
    resolveCities(context, [args.cityId], 'cityId'),
    explicitPeers ? resolveCities(context, explicitPeers, 'peerCityIds') : Promise.resolve(null),
    resolveRelease(context, args.asOf),
  ]);
  // The city itself is always ranked; naming it as its own peer changes nothing.
  const peers = askedPeers
    ? [...new Map(askedPeers.filter((p) => p.id !== city.id).map((p) => [p.id, p])).values()]
    : await defaultPeers(context, city);

  const [rights, commitments] = await Promise.all([
    scorecardRights(context, city.id, release?.id ?? null),
    context.loaders.commitmentsByCity.load({ id: city.id, params: { filter: null, asOf: release?.id ?? null } }),
  ]);
  const indicatorIds = [...new Set(rights.flatMap((r) => r.indicatorIds))];
  const [indicators, figures] = await Promise.all([
    loadAll(context.loaders.indicatorById, indicatorIds),
    scorecardFigures(context, {
      cityId: city.id,
      rankedIds: [city.id, ...peers.map((p) => p.id)],
      indicatorIds,
      releaseId: release?.id ?? null,
    }),
  ]);
  const indicatorById = new Map(indicators.filter((i): i is Indicator => i instanceof Indicator).map((i) => [i.id, i]));

  const lines = new Map<number, ScorecardIndicator>();
  for (const id of indicatorIds) {
    const f = figures.get(id) as IndicatorFigures;
    lines.set(id, {
      indicator: indicatorById.get(id) as Indicator,
      latest: f.latest,
      value: f.latest?.value ?? null,
      year: f.latest?.year ?? null,
      rank: f.rank,
      rankedCount: f.rankedCount,
      trend: f.trend,
      trendPoints: f.trendPoints,
      trendFirstYear: f.trendFirstYear,
      trendLastYear: f.trendLastYear,
    });
  }

  const covering = new Set(rights.flatMap((r) => [...r.commitmentIds]));
  const result: ScorecardRight[] = rights.map((r) => ({
    right: r.right,
    commitments: commitments.filter((m) => r.commitmentIds.has(m.id)),
    indicators: r.indicatorIds.map((id) => lines.get(id) as ScorecardIndicator),
  }));

  const warnings: Warning[] = [];
  const all = [...figures.values()];
  const lineList = [...lines.values()].sort((a, b) => a.indicator.code.localeCompare(b.indicator.code));
  for (const line of lineList) {
    if (!line.latest) warnings.push(noData(`No value of ${line.indicator.code} for ${city.slug}`));
    else if (line.trendPoints < TREND_MIN_POINTS) {
      warnings.push(
        fewObservations(
          `Trend of ${line.indicator.code} for ${city.slug} needs ${TREND_MIN_POINTS} yearly values in the last ${TREND_YEARS} years; it has ${line.trendPoints}`,
        ),
      );
    }
  }
  const neutral = lineList.filter((l) => l.indicator.direction === Direction.NEUTRAL && l.rank !== null);
  if (neutral.length > 0) {
    warnings.push({
      code: WarningCode.NEUTRAL_DIRECTION,
      message: `${neutral.map((l) => l.indicator.code).join(', ')} ha${neutral.length > 1 ? 've' : 's'} no better direction; ranked highest first`,
    });
  }
  warnings.push(...statusWarnings(countStatuses(all.flatMap((f) => f.statuses))));

  return {
    city,
    peers,
    rights: result,
    otherCommitments: commitments.filter((m) => !covering.has(m.id)),
    warnings,
    citation: await buildCitation(context, {
      query: 'scorecard',
      args: { ...args, peerCityIds: explicitPeers },
      sourceIds: all.flatMap((f) => f.sourceIds),
      release,
    }),
  };
}
