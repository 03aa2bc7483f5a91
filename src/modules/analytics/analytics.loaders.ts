import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { rankingTable, rankingTableCacheKey, type RankingTableKey } from './ranking.sql';
import type { CityRank } from './ranking.types';

/** Per-request loaders of the comparative queries (e.g. a city's rank in a list view). */
export function analyticsLoaders(dataSource: DataSource) {
  return {
    /**
     * The full ranking for one (indicator, year, scope as of a release), by city id. Every row
     * of a list asks with the same key, so DataLoader's cache makes it one statement per distinct
     * parameter set per request, whatever the number of rows; each row then reads its city.
     */
    rankingTable: new DataLoader<RankingTableKey, Map<number, CityRank>, string>(
      (keys) => Promise.all(keys.map((key) => rankingTable(dataSource, key).catch((error: Error) => error))),
      { cacheKeyFn: rankingTableCacheKey },
    ),
  };
}
