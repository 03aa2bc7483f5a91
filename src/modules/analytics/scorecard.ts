import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { loadAll } from '../common/loadAll';
import { Direction, Indicator } from '../indicator/indicator.entity';
import { resolveCities, resolveRelease } from '../reference/references';
import { type Warning, WarningCode } from './analytics.types';
import { buildCitation } from './citation';
import { countStatuses, fewObservations, noData, statusWarnings } from './scope';
import { defaultPeers, type IndicatorFigures, scorecardFigures, scorecardRights } from './scorecard.sql';
import {
  type ScorecardIndicator,
  type ScorecardResult,
  type ScorecardRight,
  TREND_MIN_POINTS,
  TREND_YEARS,
} from './scorecard.types';

/** Explicit peers are capped like compare's cities; the default peer set is not (it is computed in SQL). */
export const SCORECARD_MAX_PEERS = 100;
export interface ScorecardArgs {
  cityId: string;
  peerCityIds?: string[] | null;
  asOf?: string | null;
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
  const indicatorById = new Map(indicators.filter((i): i is Indicator => i !== null).map((i) => [i.id, i]));

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
