import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';

/**
 * Whether the database is down, as requests find out, logged once per transition.
 *
 * During an outage every request fails the same way: a warning per request said nothing new and
 * buried everything else (6,290 lines for a 17 s outage, issue 12). A failed request makes the
 * probe (`SELECT 1` on a connection of its own) confirm the outage before it is logged: after
 * a restart the pool still holds connections the old server closed, and each fails once when it
 * is next used, which is no outage (CI saw it log a second down/up pair right after recovery).
 * Once confirmed, the probe runs every `probeEveryMs` until the database answers, and that logs
 * one line with how long it was down and how many requests it refused. A successful probe from
 * /readyz ends the outage as well.
 */
export class DatabaseHealth {
  private downSince: number | null = null;
  private refused = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private confirming = false;

  constructor(
    private readonly probe: () => Promise<boolean>,
    private readonly logger: Logger,
    private readonly probeEveryMs = 1000,
  ) {}

  get down(): boolean {
    return this.downSince !== null;
  }

  /** A request failed because the database is unreachable. */
  failed(error: unknown): void {
    this.refused += 1;
    if (this.downSince !== null || this.confirming) return;
    const since = Date.now();
    this.refused = 1;
    this.confirming = true;
    void this.probe().then((up) => {
      this.confirming = false;
      if (up || this.stopped || this.downSince !== null) return;
      this.downSince = since;
      this.logger.warn({ err: error }, 'database unavailable: answering SERVICE_UNAVAILABLE (503) until it is back');
      this.schedule();
    });
  }

  /** The database answered. */
  succeeded(): void {
    if (this.downSince === null) return;
    const downMs = Date.now() - this.downSince;
    this.downSince = null;
    clearTimeout(this.timer);
    this.logger.info({ downMs, refusedRequests: this.refused }, 'database available again');
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.probe().then((up) => {
        if (up) this.succeeded();
        else if (this.downSince !== null) this.schedule();
      });
    }, this.probeEveryMs);
    // The probe never keeps a stopping process alive.
    this.timer.unref();
  }
}

/** Whether `SELECT 1` answers within `timeoutMs` on the data source's pool (/readyz, and the probe without a URL). */
export async function databaseAnswers(dataSource: DataSource, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      dataSource.query('SELECT 1').then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
