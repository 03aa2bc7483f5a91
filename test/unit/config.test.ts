import path from 'node:path';
import { listenProblem, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('defaults to embedded mode on port 4000 with pages of 25 up to 100', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      databaseUrl: undefined,
      seedOnStart: true,
      defaultPageSize: 25,
      maxPageSize: 100,
      isProduction: false,
      embeddedDataDir: path.resolve('.data/pglite'),
    });
  });

  it('does not seed a DATABASE_URL database unless asked', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y' }).seedOnStart).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y', SEED_ON_START: 'true' }).seedOnStart).toBe(true);
  });

  it('rejects malformed values with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ MAX_PAGE_SIZE: '0' })).toThrow(/MAX_PAGE_SIZE/);
    expect(() => loadConfig({ DEFAULT_PAGE_SIZE: '50', MAX_PAGE_SIZE: '10' })).toThrow(/DEFAULT_PAGE_SIZE/);
    expect(() => loadConfig({ SEED_ON_START: 'maybe' })).toThrow(/SEED_ON_START/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ CORS_ORIGINS: 'a.example' })).toThrow(/CORS_ORIGINS/);
  });

  it('reads CORS_ORIGINS as * or a list of origins', () => {
    expect(loadConfig({}).corsOrigins).toBe('*');
    expect(loadConfig({ CORS_ORIGINS: ' * ' }).corsOrigins).toBe('*');
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://b.example:8080' }).corsOrigins).toEqual([
      'https://a.example',
      'http://b.example:8080',
    ]);
  });

  it('keeps the response cache in memory unless RESPONSE_CACHE=redis, on REDIS_URL or the local Redis', () => {
    expect(loadConfig({})).toMatchObject({ responseCache: 'memory', responseCachePrefix: 'rightsgraph:rc:' });
    expect(loadConfig({ RESPONSE_CACHE: 'redis' })).toMatchObject({
      responseCache: 'redis',
      responseCacheRedisUrl: 'redis://127.0.0.1:6379',
      responseCacheMaxEntryBytes: 1024 * 1024,
      // The rate limiter stays in process: REDIS_URL was not given.
      redisUrl: undefined,
    });
    expect(loadConfig({ RESPONSE_CACHE: 'redis', REDIS_URL: 'redis://r:6380' }).responseCacheRedisUrl).toBe(
      'redis://r:6380',
    );
    expect(() => loadConfig({ RESPONSE_CACHE: 'disk' })).toThrow(/RESPONSE_CACHE must be one of memory, redis/);
  });

  it('behind a pooler, needs a direct URL for LISTEN unless the cache is off', () => {
    const pooled = { DATABASE_URL: 'postgres://pgbouncer:6432/rg', DATABASE_POOLED: 'true' };
    expect(listenProblem(loadConfig(pooled))).toMatch(/set DATABASE_LISTEN_URL/);
    expect(listenProblem(loadConfig({ ...pooled, RESPONSE_CACHE: 'redis', RESPONSE_CACHE_MB: '0' }))).toMatch(
      /DATABASE_LISTEN_URL/,
    );
    const cacheOff = loadConfig({ ...pooled, RESPONSE_CACHE_MB: '0' });
    expect(cacheOff).toMatchObject({ databasePooled: true, databaseListenUrl: 'postgres://pgbouncer:6432/rg' });
    expect(listenProblem(cacheOff)).toBeNull();
    const direct = loadConfig({ ...pooled, DATABASE_LISTEN_URL: 'postgres://db:5432/rg' });
    expect(direct.databaseListenUrl).toBe('postgres://db:5432/rg');
    expect(listenProblem(direct)).toBeNull();
    expect(loadConfig({ DATABASE_URL: 'postgres://db/rg' }).databaseListenUrl).toBe('postgres://db/rg');
    expect(() => loadConfig({ DATABASE_POOLED: 'true' })).toThrow(/DATABASE_POOLED=true needs DATABASE_URL/);
  });
});
