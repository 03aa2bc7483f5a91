import type { DataSource } from 'typeorm';
import { rowsByKeys } from '../common/entityRows';
import { entityColumns } from '../common/entityRows';
import { groupLoader, uniqueLoader } from '../common/loaders';
import { query, sql } from '../common/sqlTag';
import { inForceNow } from '../source/visibility';
import { Country } from './country.entity';
import { Ratification } from './ratification.entity';
import { RatificationHistory } from './ratificationHistory.entity';

export function countryLoaders(dataSource: DataSource) {
  return {
    countryByCode: uniqueLoader<string, Country>(
      (codes) => rowsByKeys(dataSource, Country, 'code', codes),
      (c) => c.code,
    ),
    countryByAlpha3: uniqueLoader<string, Country>(
      (codes) => rowsByKeys(dataSource, Country, 'alpha3', codes),
      (c) => c.alpha3,
    ),
    ratificationHistoryByCountry: groupLoader<string, RatificationHistory>(
      (codes) =>
        query<RatificationHistory>(
          dataSource,
          sql`SELECT ${entityColumns(dataSource, RatificationHistory, 'h')} FROM ratification_history h
              WHERE h.country_code = ANY(${codes}) ORDER BY h.instrument_id, h.as_of, h.id`,
        ),
      (r) => r.countryCode,
    ),
    ratificationsByCountry: groupLoader<string, Ratification>(
      (codes) =>
        query<Ratification>(
          dataSource,
          sql`SELECT ${entityColumns(dataSource, Ratification, 'r')} FROM ratification r
              WHERE r.country_code = ANY(${codes}) AND ${inForceNow('r')}
              ORDER BY r.instrument_id, r.id`,
        ),
      (r) => r.countryCode,
    ),
  };
}
