/**
 * Integration tests run against real Postgres: TEST_DATABASE_URL, else 127.0.0.1:5432, else
 * embedded PGlite (see test/helpers/globalSetup.ts). Each test file gets its own database.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/helpers/globalSetup.ts',
  globalTeardown: '<rootDir>/test/helpers/globalTeardown.ts',
  testTimeout: 60000,
};
