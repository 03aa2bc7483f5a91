import type { Config } from '../config';
import { type Queryable, queryOne, sql } from '../modules/common/sqlTag';

/**
 * Behind a transaction-mode pooler (DATABASE_POOLED) the API's pool sends no startup
 * parameters, which PgBouncer refuses, and a `SET` would stay on a server connection the pooler
 * hands to other clients next. So the API's two session settings, STATEMENT_TIMEOUT_MS and
 * `jit = off` (docs/performance.md: JIT compilation once took 1.1 s of a 1.6 s analysis), live
 * in the role: `ALTER ROLE ... IN DATABASE ... SET`, which Postgres applies to every new
 * session, pooled or not. Imports lift the timeout for their own transaction (`SET LOCAL`), and
 * migrations run on DATABASE_LISTEN_URL without it.
 *
 * Returns what is wrong, with the statements that set it right, or null when the role's
 * settings are those the configuration asks for.
 */
export async function pooledSettingsProblem(db: Queryable, config: Config): Promise<string | null> {
  const row = await queryOne<{ timeoutMs: number; jit: string; role: string; database: string }>(
    db,
    sql`SELECT (SELECT setting::int FROM pg_settings WHERE name = 'statement_timeout') AS "timeoutMs",
               current_setting('jit') AS jit, current_user AS role, current_database() AS database`,
  );
  if (!row) return null;
  const fixes: string[] = [];
  const target = `ROLE "${row.role}" IN DATABASE "${row.database}"`;
  if (row.timeoutMs !== config.statementTimeoutMs) {
    fixes.push(`ALTER ${target} SET statement_timeout = ${config.statementTimeoutMs};`);
  }
  if (row.jit !== 'off') fixes.push(`ALTER ${target} SET jit = off;`);
  if (fixes.length === 0) return null;
  return (
    `DATABASE_POOLED: the sessions run with statement_timeout = ${row.timeoutMs} ms and jit = ${row.jit}, ` +
    `not the ${config.statementTimeoutMs} ms and off this server wants (a pooler passes no startup settings); ` +
    `run on Postgres: ${fixes.join(' ')}`
  );
}
