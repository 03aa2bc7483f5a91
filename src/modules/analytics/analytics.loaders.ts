import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { RequestReferences } from '../../cache/referenceCache';
import {
  type RankedTable,
  type RankLookup,
  rankingTable,
  rankingTableCacheKey,
  type RankingTableKey,
} from './ranking.sql';

/** Per-request loaders of the comparative queries (e.g. a city's rank in a list view). */
export function analyticsLoaders(dataSource: DataSource, references: RequestReferences) {
  return {
    /**
     * The full ranking for one (indicator, year, scope as of a release), by city id. Every row
     * of a list asks with the same key, so DataLoader's cache makes it one statement per distinct
     * parameter set per request, whatever the number of rows (none when the server holds that
     * ranking: src/cache/rankingCache.ts); each row then reads its city.
     */
    rankingTable: new DataLoader<RankingTableKey, RankLookup, string>(
      (keys) =>
        Promise.all(
          keys.map((key) =>
            rankingTable(dataSource, references.rankings<RankedTable>(), key).catch((error: Error) => error),
          ),
        ),
      { cacheKeyFn: rankingTableCacheKey },
    ),
  };
}
