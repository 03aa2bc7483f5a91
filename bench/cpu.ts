import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticksPerSecond;
}

/** User + system CPU seconds a process has used (/proc/<pid>/stat), or null once it is gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return null;
  }
}

export interface CpuSample {
  server: number;
  postgres: Map<number, number>;
}

/**
 * CPU time spent by the server process and by the Postgres backends serving it (found in
 * pg_stat_activity by database and application name; readable when Postgres runs on this
 * machine as here). Wall-clock latencies on a shared machine swing with whatever else runs;
 * CPU per request barely does, so it is the figure to compare changes with, and it bounds
 * throughput: at most cores / (CPU seconds per request) requests a second.
 */
export class CpuMeter {
  private constructor(
    private readonly client: Client,
    private readonly serverPid: number,
    private readonly database: string,
    private readonly applicationName: string,
  ) {}

  /** `applicationName`: the one the server's connections carry (a peer server's differs). */
  static async open(
    adminUrl: string,
    serverPid: number,
    database: string,
    applicationName = 'rightsgraph',
  ): Promise<CpuMeter> {
    const client = new Client({ connectionString: adminUrl, application_name: 'rightsgraph-bench-cpu' });
    await client.connect();
    return new CpuMeter(client, serverPid, database, applicationName);
  }

  async sample(): Promise<CpuSample> {
    const { rows } = await this.client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`,
      [this.database, this.applicationName],
    );
    const postgres = new Map<number, number>();
    for (const { pid } of rows) {
      const seconds = processCpuSeconds(pid);
      if (seconds !== null) postgres.set(pid, seconds);
    }
    return { server: processCpuSeconds(this.serverPid) ?? NaN, postgres };
  }

  /**
   * Waits until no backend of the server is running a statement (at most `timeoutMs`), so the
   * requests a load run left in flight do not spill into the next run.
   */
  async waitIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await this.client.query<{ active: number }>(
        `SELECT count(*)::int AS active FROM pg_stat_activity
         WHERE datname = $1 AND application_name = $2 AND state = 'active'`,
        [this.database, this.applicationName],
      );
      if (rows[0].active === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // The server answers (and serialises) after its last statement.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** CPU seconds between two samples; a backend that appeared in between counts from zero. */
  static delta(before: CpuSample, after: CpuSample): { server: number; postgres: number } {
    let postgres = 0;
    for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
    return { server: after.server - before.server, postgres };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
