import { AbstractLogger, type LogLevel, type LogMessage, type QueryRunner } from 'typeorm';

/**
 * Counts every SQL statement TypeORM sends, so tests can assert that a GraphQL query's cost
 * depends on its depth and not on its number of rows, and the benchmark can report
 * statements per request. Optionally echoes statements (LOG_SQL=true).
 */
export class SqlCounter extends AbstractLogger {
  count = 0;
  readonly statements: string[] = [];
  recording = false;

  constructor(private readonly echo = false) {
    // Failed statements surface as errors of the operation that sent them (and are logged there),
    // so without LOG_SQL the logger stays quiet.
    super(echo ? ['query', 'error', 'warn'] : false);
  }

  override logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.count += 1;
    if (this.recording) this.statements.push(query);
    super.logQuery(query, parameters, queryRunner);
  }

  /** Starts a fresh count and returns a function that reads it. */
  start(): () => number {
    const begin = this.count;
    return () => this.count - begin;
  }

  protected writeLog(level: LogLevel, message: LogMessage | string | number | (LogMessage | string | number)[]): void {
    const messages = Array.isArray(message) ? message : [message];
    for (const m of messages) {
      const text = typeof m === 'object' ? `${m.prefix ?? ''}${String(m.message)}` : String(m);
      process.stderr.write(`[sql:${level}] ${text}\n`);
    }
  }
}
