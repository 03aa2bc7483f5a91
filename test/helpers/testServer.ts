import type { FormattedExecutionResult } from 'graphql';
import { loadConfig, type Config } from '../../src/config';
import { createContext } from '../../src/context';
import { authenticate } from '../../src/modules/auth/apiKeys';
import { sqlCounterOf } from '../../src/db/dataSource';
import { type AppServer, createServer } from '../../src/server';
import { sqlSnapshot } from './sqlSnapshot';
import { createTestDatabase, type TestDatabase } from './testDatabase';

export interface TestServer {
  db: TestDatabase;
  server: AppServer;
  config: Config;
  /** Runs an operation through Apollo (parsing, validation, execution, error formatting). */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { authorization?: string },
  ): Promise<FormattedExecutionResult<T>>;
  /**
   * Like `query`, and counts the SQL statements the operation sent; `sql` is their text as
   * snapshots pin it (normalised and sorted, see sqlSnapshot.ts).
   */
  countStatements(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ result: FormattedExecutionResult; statements: number; sql: string[] }>;
  close(): Promise<void>;
}

export async function createTestServer(options: { seed?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<TestServer> {
  const db = await createTestDatabase({ seed: options.seed ?? true });
  const config = loadConfig({ NODE_ENV: 'test', ...options.env });
  const server = await createServer(db.dataSource, config);
  const counter = sqlCounterOf(db.dataSource);

  async function query<T>(
    text: string,
    variables?: Record<string, unknown>,
    options: { authorization?: string } = {},
  ): Promise<FormattedExecutionResult<T>> {
    const auth = await authenticate(db.dataSource, options.authorization);
    const response = await server.apollo.executeOperation<T>(
      { query: text, variables },
      { contextValue: createContext(db.dataSource, config, auth) },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  }

  return {
    db,
    server,
    config,
    query,
    async countStatements(text, variables) {
      const { result, sent } = await counter.record(() => query<Record<string, unknown>>(text, variables));
      return { result, statements: sent.length, sql: sqlSnapshot(sent.map((s) => s.query)) };
    },
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

/** The data of a result that must have no errors (fails the test with the errors otherwise). */
export function dataOf<T>(result: FormattedExecutionResult<T>): T {
  if (result.errors?.length) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
  return result.data as T;
}

export function errorCodes(result: FormattedExecutionResult): unknown[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}
