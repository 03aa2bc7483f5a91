import type { DataSource } from 'typeorm';

/** Per-request loaders of the comparative queries (e.g. a city's rank in a list view). */
export function analyticsLoaders(_dataSource: DataSource) {
  return {};
}
