import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { entities } from './entities';
import { SnakeNamingStrategy } from './snakeNamingStrategy';
import { SqlCounter } from './sqlCounter';

export interface DataSourceOptions {
  url: string;
  logSql?: boolean;
  poolSize?: number;
  /** Postgres statement_timeout for every connection of the pool; 0 or absent: none. */
  statementTimeoutMs?: number;
  /** false: `jit = off` for every connection of the pool; absent: the server's setting. */
  jit?: boolean;
}

/**
 * The one way the app, the CLI and the tests reach Postgres. Schema changes only ever come
 * from migrations: `synchronize` stays off.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
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
      // A startup parameter: no statement per connection. PGlite has no JIT and ignores it.
      ...(options.jit === false ? { options: '-c jit=off' } : {}),
    },
  });
}

export function sqlCounterOf(dataSource: DataSource): SqlCounter {
  const logger = dataSource.logger;
  if (!(logger instanceof SqlCounter)) throw new Error('data source was not created by createDataSource');
  return logger;
}
