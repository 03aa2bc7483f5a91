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
  });
}

export function sqlCounterOf(dataSource: DataSource): SqlCounter {
  const logger = dataSource.logger;
  if (!(logger instanceof SqlCounter)) throw new Error('data source was not created by createDataSource');
  return logger;
}
