import type { Context } from '../../context';
import type { City } from '../city/city.entity';
import type { CityFilter } from '../city/city.args';
import { pageSize } from '../common/connection';
import { loadAll } from '../common/loadAll';
import { checkYear } from '../common/validate';
import { Direction } from '../indicator/indicator.entity';
import { resolveCities, resolveIndicator, resolveRelease } from '../reference/references';
import { UnknownReference } from '../reference/unknownReference';
import type { Source } from '../source/source.entity';
import { type Warning, WarningCode } from './analytics.types';
import { buildCitation } from './citation';
import { type RankedTable, rankingPage } from './ranking.sql';
import type { RankingResult } from './ranking.types';
import { fewObservations, noData, observationScope, statusWarnings } from './scope';

export interface RankingArgs {
  indicator: string;
  year?: number | null;
  filter?: CityFilter | null;
  first?: number | null;
  asOf?: string | null;
}

/** What the query selects beyond the entries' values: the citation, each entry's city and source. */
export interface RankingSelection {
  citation: boolean;
  entryCities: boolean;
  entrySources: boolean;
}

export async function ranking(
  context: Context,
  args: RankingArgs,
  selection: RankingSelection = { citation: true, entryCities: true, entrySources: true },
): Promise<RankingResult> {
  checkYear('year', args.year);
  const limit = pageSize(args.first, context.config);
  const indicator = await resolveIndicator(context, args.indicator);
  if (args.filter?.ids) await resolveCities(context, args.filter.ids, 'filter.ids');
  const release = await resolveRelease(context, args.asOf, { newest: selection.citation });
  const scope = await observationScope(context, { filter: args.filter, releaseId: release?.id ?? null });
  const year = args.year ?? null;
  const table = await rankingPage(context.dataSource, context.loaders.references.rankings<RankedTable>(), {
    indicatorCode: indicator.code,
    indicatorId: indicator.id,
    year,
    scope,
    limit,
    cityLimit: selection.entryCities ? limit : 0,
  });
  // Only if the indicator was deleted since it was resolved above.
  if (!table) throw new UnknownReference('indicator', indicator.code);
  // Read with the ranking: the loader below then finds them without a statement.
  for (const city of table.cities ?? []) context.loaders.cityById.prime(city.id, city);

  const citation = selection.citation
    ? await buildCitation(context, { query: 'ranking', args, sourceIds: table.sourceIds, release })
    : undefined;
  // Unread when not selected: GraphQL resolves only the fields asked for.
  const [cities, sources] = await Promise.all([
    selection.entryCities
      ? loadAll(
          context.loaders.cityById,
          table.rows.map((r) => r.cityId),
        )
      : [],
    selection.entrySources
      ? loadAll(
          context.loaders.sourceById,
          table.rows.map((r) => r.sourceId),
        )
      : [],
  ]);
  const entries = table.rows.map((r, i) => ({
    city: cities[i] as City | undefined,
    rank: r.rank,
    value: r.value,
    lower: r.lower,
    upper: r.upper,
    year: r.year,
    status: r.status,
    percentile: r.percentile,
    tier: r.tier,
    source: sources[i] as Source | undefined,
  }));

  const warnings: Warning[] = [];
  if (indicator.direction === Direction.NEUTRAL) {
    warnings.push({
      code: WarningCode.NEUTRAL_DIRECTION,
      message: `${indicator.code} has no better direction; cities are ordered highest value first`,
    });
  }
  if (table.total === 0) {
    warnings.push(
      noData(`No values for ${indicator.code}${year === null ? '' : ` in ${year}`} in the cities asked for`),
    );
  } else if (table.total < 3) {
    warnings.push(fewObservations(`Only ${table.total} cit${table.total === 1 ? 'y has' : 'ies have'} a value`));
  }
  warnings.push(...statusWarnings(table.statusCounts));

  return { entries, totalCount: table.total, indicator, year, citation, warnings };
}
