import { AbstractLogger, type LogLevel, type LogMessage, type QueryRunner } from 'typeorm';

/** A statement as TypeORM sent it. */
export interface SentStatement {
  query: string;
  parameters: unknown[];
}

/** A named statement reaches TypeORM as `pg`'s query object (`query` in sqlTag.ts); its text is what is logged. */
const textOf = (statement: string | { text: string }): string =>
  typeof statement === 'string' ? statement : statement.text;

/**
 * Counts every SQL statement TypeORM sends, so tests can assert that a GraphQL query's cost
 * depends on its depth and not on its number of rows, and the benchmark can report
 * statements per request. Optionally echoes statements (LOG_SQL=true).
 */
export class SqlCounter extends AbstractLogger {
  count = 0;
  /** The lists of the recordings under way (`record`), each given every statement sent. */
  private readonly recordings = new Set<SentStatement[]>();

  constructor(private readonly echo = false) {
    // Failed statements surface as errors of the operation that sent them (and are logged there),
    // so without LOG_SQL the logger stays quiet.
    super(echo ? ['query', 'error', 'warn'] : false);
  }

  override logQuery(statement: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    const query = textOf(statement);
    this.count += 1;
    for (const sent of this.recordings) sent.push({ query, parameters: parameters ?? [] });
    super.logQuery(query, parameters, queryRunner);
  }

  override logQueryError(error: string, query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    super.logQueryError(error, textOf(query), parameters, queryRunner);
  }

  override logQuerySlow(time: number, query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    super.logQuerySlow(time, textOf(query), parameters, queryRunner);
  }

  /** Starts a fresh count and returns a function that reads it. */
  start(): () => number {
    const begin = this.count;
    return () => this.count - begin;
  }

  /**
   * The statements (with their parameters) sent while `work` runs, by anyone on this data
   * source: tests run one thing at a time. Recordings may nest or overlap; each gets them all.
   */
  async record<T>(work: () => Promise<T>): Promise<{ result: T; sent: SentStatement[] }> {
    const sent: SentStatement[] = [];
    this.recordings.add(sent);
    try {
      return { result: await work(), sent };
    } finally {
      this.recordings.delete(sent);
    }
  }

  protected writeLog(level: LogLevel, message: LogMessage | string | number | (LogMessage | string | number)[]): void {
    const messages = Array.isArray(message) ? message : [message];
    for (const m of messages) {
      const text = typeof m === 'object' ? `${m.prefix ?? ''}${String(m.message)}` : String(m);
      process.stderr.write(`[sql:${level}] ${text}\n`);
    }
  }
}
