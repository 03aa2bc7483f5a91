import type DataLoader from 'dataloader';

/**
 * `loader.loadMany`, but a failed batch throws instead of hiding Error objects among the
 * values: a database outage must surface as an error (SERVICE_UNAVAILABLE), never as a city
 * "not found" or a half-built answer. Misses stay null, as the loader returns them.
 */
export async function loadAll<K, V>(loader: DataLoader<K, V, unknown>, keys: readonly K[]): Promise<V[]> {
  const values = await loader.loadMany(keys);
  const failure = values.find((v): v is Error => v instanceof Error);
  if (failure) throw failure;
  return values as V[];
}
