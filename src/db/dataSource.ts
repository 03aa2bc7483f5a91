import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { entities } from './entities';
import { SnakeNamingStrategy } from './snakeNamingStrategy';
import { allowNamedStatements } from '../modules/common/sqlTag';
import { SqlCounter } from './sqlCounter';

export interface DataSourceOptions {
  url: string;
  logSql?: boolean;
  poolSize?: number;
  /** Postgres statement_timeout for every connection of the pool; 0 or absent: none. */
  statementTimeoutMs?: number;
  /** false: `jit = off` for every connection of the pool; absent: the server's setting. */
  jit?: boolean;
  /** More settings for every connection (`-c name=value`), e.g. `{ statement_timeout: '0' }`. */
  settings?: Record<string, string>;
  /** Send the hot statements named (`query(..., { prepare: true })` in sqlTag.ts): not behind a transaction-mode pooler. */
  namedStatements?: boolean;
}

/**
 * The `options` startup parameter for `settings`, or nothing. Startup parameters cost no
 * statement per connection, but a transaction-mode pooler (PgBouncer) refuses a connection that
 * sends them: behind one (DATABASE_POOLED) the API's pool sends none and the role holds the
 * settings instead (docs/scaling.md).
 */
function startupOptions(settings: Record<string, string>): { options?: string } {
  const entries = Object.entries(settings);
  return entries.length === 0 ? {} : { options: entries.map(([name, value]) => `-c ${name}=${value}`).join(' ') };
}

/**
 * The one way the app, the CLI and the tests reach Postgres. Schema changes only ever come
 * from migrations: `synchronize` stays off.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    entities,
    migrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logger: new SqlCounter(options.logSql ?? false),
    poolSize: options.poolSize ?? 10,
    applicationName: 'rightsgraph',
    // Fail fast while Postgres is down or restarting instead of queueing requests for minutes;
    // the pool reconnects on its own once it is back.
    extra: {
      connectionTimeoutMillis: 5000,
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
      // PGlite has no JIT and ignores jit.
      ...startupOptions({ ...(options.jit === false ? { jit: 'off' } : {}), ...options.settings }),
    },
  });
  if (options.namedStatements) allowNamedStatements(dataSource);
  return dataSource;
}

export function sqlCounterOf(dataSource: DataSource): SqlCounter {
  const logger = dataSource.logger;
  if (!(logger instanceof SqlCounter)) throw new Error('data source was not created by createDataSource');
  return logger;
}
