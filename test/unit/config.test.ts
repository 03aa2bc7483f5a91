import path from 'node:path';
import { loadConfig } from '../../src/config';

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
});
