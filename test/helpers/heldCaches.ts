import type { FormattedExecutionResult } from 'graphql';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../src/config';
import { createContext } from '../../src/context';
import { createDataSource, sqlCounterOf } from '../../src/db/dataSource';
import { authenticate } from '../../src/modules/auth/apiKeys';
import { type AppServer, createServer } from '../../src/server';
import { createTestDatabase, type TestDatabase } from './testDatabase';
import { TEST_ENV } from './testEnv';

/**
 * What the tests of the caches held in process (src/cache/referenceCache.ts, rankingCache.ts)
 * share: a server whose operations report the statements they sent, and a database served twice,
 * by a server that holds what it may and by one that holds nothing, with another connection
 * writing as the import CLI or psql would.
 */

export interface Harness {
  server: AppServer;
  config: Config;
  /** One operation in process; `statements` are the SQL texts it sent, in order. */
  run(
    query: string,
    variables?: Record<string, unknown>,
    authorization?: string,
  ): Promise<{ result: FormattedExecutionResult; statements: string[] }>;
}

export async function harness(dataSource: DataSource, env: NodeJS.ProcessEnv): Promise<Harness> {
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const server = await createServer(dataSource, config);
  const counter = sqlCounterOf(dataSource);
  return {
    server,
    config,
    async run(query, variables, authorization) {
      const auth = await authenticate(dataSource, authorization);
      const { result: response, sent } = await counter.record(() =>
        server.apollo.executeOperation({ query, variables }, { contextValue: createContext(dataSource, config, auth) }),
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return { result: response.body.singleResult, statements: sent.map((s) => s.query) };
    },
  };
}

export async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The listener needs a second connection to the database, which the test's embedded PGlite (one
 * connection per database) cannot give; embedded mode never listens anyway.
 */
export const describeOnServer = process.env[TEST_ENV.kind] !== 'embedded' ? describe : describe.skip;

export interface HeldAndPlain {
  db: TestDatabase;
  /** With DATABASE_URL, so it listens: holds reference rows and rankings. */
  cached: Harness;
  /** On a data source of its own, holding nothing. */
  uncached: Harness;
  /** The uncached server's data source. */
  plain: DataSource;
  /** Another writer. */
  other: DataSource;
}

/** The two servers and the other writer for the enclosing describe (beforeAll/afterAll registered here). */
export function heldAndPlain(): HeldAndPlain {
  const state = {} as HeldAndPlain;
  beforeAll(async () => {
    state.db = await createTestDatabase();
    state.cached = await harness(state.db.dataSource, { DATABASE_URL: state.db.url });
    state.plain = createDataSource({ url: state.db.url });
    await state.plain.initialize();
    state.uncached = await harness(state.plain, {
      DATABASE_URL: state.db.url,
      REFERENCE_CACHE: 'false',
      RANKING_CACHE_MB: '0',
    });
    state.other = createDataSource({ url: state.db.url });
    await state.other.initialize();
  });
  afterAll(async () => {
    await state.other?.destroy();
    await state.cached?.server.stop();
    await state.uncached?.server.stop();
    await state.plain?.destroy();
    await state.db?.close();
  });
  return state;
}
