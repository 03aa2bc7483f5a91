import 'reflect-metadata';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../src/config';
import { createContext } from '../src/context';
import { createDataSource, sqlCounterOf } from '../src/db/dataSource';
import { createServer } from '../src/server';
import { median } from './load';
import type { Operation, Scenario } from './scenarios';
import { BENCH_SERVER_ENV } from './serverProcess';

export interface StatementTiming {
  sql: string;
  medianMs: number;
}

export interface SqlProfile {
  /** SQL statements one request sends (the same for every variant, or the maximum). */
  statements: number;
  /** Median over variants of the median time to replay the request's statements with pg, in order, on one connection. */
  floorMs: number;
  /** Median over variants of the median time of the operation run in-process (Apollo executeOperation, no HTTP). */
  inProcessMs: number;
  /** The statements of the first variant with their replay times: where the floor goes. */
  statementTimings: StatementTiming[];
}

export interface Captured {
  query: string;
  parameters: unknown[];
}

/**
 * Statement counts and the `pg` floor, measured in-process on a server built by createServer
 * (the same schema, resolvers and loaders as the HTTP server) with the data source of
 * createDataSource, whose SqlCounter sees every statement TypeORM sends. The counter records
 * statement text only; the benchmark also keeps each statement's parameters, so the exact
 * statements can be replayed with a plain pg client: the floor is what the same SQL costs
 * without GraphQL, TypeORM, DataLoader and HTTP.
 */
export class SqlProfiler {
  private constructor(
    private readonly dataSource: DataSource,
    private readonly run: (op: Operation) => Promise<void>,
    private readonly captured: Captured[],
    private readonly capturing: { on: boolean },
    private readonly client: Client,
    private readonly stopServer: () => Promise<void>,
  ) {}

  static async open(url: string): Promise<SqlProfiler> {
    const dataSource = createDataSource({ url });
    await dataSource.initialize();
    // Without the response cache: every replay must do the work it measures.
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: url,
      LOG_LEVEL: 'silent',
      ...BENCH_SERVER_ENV,
      RESPONSE_CACHE_MB: '0',
    });
    const server = await createServer(dataSource, config);
    const counter = sqlCounterOf(dataSource);
    const captured: Captured[] = [];
    const capturing = { on: false };
    const logQuery = counter.logQuery.bind(counter);
    counter.logQuery = (query, parameters, queryRunner) => {
      if (capturing.on) captured.push({ query, parameters: parameters ?? [] });
      logQuery(query, parameters, queryRunner);
    };
    const run = async (op: Operation) => {
      const response = await server.apollo.executeOperation(
        { query: op.query, variables: op.variables },
        { contextValue: createContext(dataSource, config) },
      );
      if (response.body.kind !== 'single' || response.body.singleResult.errors) {
        throw new Error(`in-process operation failed: ${JSON.stringify(response.body).slice(0, 500)}`);
      }
    };
    const client = new Client({ connectionString: url, application_name: 'rightsgraph-bench-floor' });
    await client.connect();
    return new SqlProfiler(dataSource, run, captured, capturing, client, () => server.stop());
  }

  /** The statements (with parameters) one run of the operation sends, after a warm-up run. */
  async capture(op: Operation): Promise<Captured[]> {
    await this.run(op);
    this.captured.length = 0;
    const counter = sqlCounterOf(this.dataSource);
    const read = counter.start();
    this.capturing.on = true;
    try {
      await this.run(op);
    } finally {
      this.capturing.on = false;
    }
    if (read() !== this.captured.length) throw new Error('statement capture missed statements');
    return [...this.captured];
  }

  private async replay(statements: Captured[], timings?: number[][]): Promise<number> {
    const started = performance.now();
    for (const [k, s] of statements.entries()) {
      const began = performance.now();
      await this.client.query(s.query, s.parameters);
      timings?.[k].push(performance.now() - began);
    }
    return performance.now() - started;
  }

  /**
   * `repeats` timed runs per variant, fewer when a variant is slow: each variant gets about
   * `budgetMs` for its replays and as much for its in-process runs (at least one of each).
   */
  async profile(scenario: Scenario, repeats: number, budgetMs = 1500): Promise<SqlProfile> {
    const floors: number[] = [];
    const inProcess: number[] = [];
    let statements = 0;
    let statementTimings: StatementTiming[] = [];
    for (const [v, op] of scenario.variants.entries()) {
      const captured = await this.capture(op);
      statements = Math.max(statements, captured.length);
      const perStatement = captured.map(() => [] as number[]);
      await this.replay(captured);
      const replays: number[] = [];
      let spent = 0;
      while (replays.length < repeats && (replays.length === 0 || spent < budgetMs)) {
        replays.push(await this.replay(captured, v === 0 ? perStatement : undefined));
        spent += replays[replays.length - 1];
      }
      floors.push(median(replays));
      const runs: number[] = [];
      spent = 0;
      while (runs.length < repeats && (runs.length === 0 || spent < budgetMs)) {
        const began = performance.now();
        await this.run(op);
        runs.push(performance.now() - began);
        spent += runs[runs.length - 1];
      }
      inProcess.push(median(runs));
      if (v === 0) {
        statementTimings = captured.map((s, k) => ({
          sql: s.query.replace(/\s+/g, ' ').trim(),
          medianMs: round(median(perStatement[k])),
        }));
      }
    }
    return { statements, floorMs: round(median(floors)), inProcessMs: round(median(inProcess)), statementTimings };
  }

  /** EXPLAIN (ANALYZE, BUFFERS) of every statement one variant sends, as Postgres prints it. */
  async explain(op: Operation): Promise<{ sql: string; plan: string }[]> {
    const captured = await this.capture(op);
    const plans: { sql: string; plan: string }[] = [];
    for (const s of captured) {
      await this.client.query(s.query, s.parameters);
      const { rows } = await this.client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${s.query}`,
        s.parameters,
      );
      plans.push({ sql: s.query, plan: rows.map((r) => r['QUERY PLAN']).join('\n') });
    }
    return plans;
  }

  async close(): Promise<void> {
    await this.client.end();
    await this.stopServer();
    await this.dataSource.destroy();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
