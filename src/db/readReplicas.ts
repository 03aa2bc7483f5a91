import type { DataSource } from 'typeorm';
import type { DataChanges } from '../cache/dataChanges';
import type { Config } from '../config';
import { isDatabaseUnavailable } from '../errorCauses';
import type { Logger } from '../logger';
import { createDataSource } from './dataSource';

const RETRY_MAX_MS = 30_000;
const PROBE_TIMEOUT_MS = 2000;

/** A pg_lsn ("16/B374D848") as a number that compares; null (not a standby) is past everything. */
export function lsnValue(lsn: string | null): bigint {
  if (lsn === null) return BigInt(2) ** BigInt(64);
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << BigInt(32)) + BigInt(`0x${low}`);
}

interface Replica {
  name: string;
  dataSource: DataSource;
  healthy: boolean;
  /** pg_last_wal_replay_lsn() at the last probe. */
  replayed: bigint;
  retryMs: number;
  retryAt: number;
}

const within = <T>(promise: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

/**
 * The streaming standbys of DATABASE_REPLICA_URLS, and which database a query reads from.
 *
 * The freshness rule: an instance reads from a replica only once that replica has replayed the
 * newest change the instance has heard of. Every change notification (DataChanges, on the
 * primary) makes the instance ask the primary for `pg_current_wal_lsn()` and the newest release;
 * a replica is in use again once its `pg_last_wal_replay_lsn()` has passed that LSN. The LSN,
 * not the release row, because a curator's rename makes no release and must not be answered
 * from before it either. Until one replica has caught up, queries keep reading from the replicas
 * at the position they were already answering from (the release they have; a paused standby
 * keeps answering its release), and nothing is cached (`fresh` gates DataChanges.trusted); with
 * no usable replica they read from the primary, which has everything.
 *
 * Each replica is probed every `replicaPollMs`. One that fails a probe or a query with a
 * connection error is out of use and retried after 1, 2, 4, ... replicaPollMs (at most 30 s).
 */
export class ReadReplicas {
  private readonly replicas: Replica[];
  /** The primary's WAL position at the newest change heard of, and its newest release then. */
  private target = BigInt(0);
  private knownReleaseId = 0;
  /** The position queries were last answered from: replicas behind it are never used. */
  private served = BigInt(0);
  private checking = false;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private bumping = false;

  constructor(
    private readonly primary: DataSource,
    config: Config,
    private readonly changes: DataChanges,
    private readonly logger: Logger,
    private readonly pollMs = config.replicaPollMs,
  ) {
    this.replicas = config.databaseReplicaUrls.map((url, i) => ({
      name: `replica ${i + 1} (${new URL(url).host})`,
      dataSource: createDataSource({
        url,
        logSql: config.logSql,
        ...(config.databasePooled
          ? {}
          : { statementTimeoutMs: config.statementTimeoutMs, jit: false, namedStatements: true }),
      }),
      healthy: false,
      replayed: BigInt(0),
      retryMs: this.pollMs,
      retryAt: 0,
    }));
    changes.addGate(() => this.fresh);
    changes.subscribe(() => {
      if (this.bumping) return;
      this.checking = true;
      void this.learnTarget();
    });
  }

  /** The newest release of the primary as of the newest change heard of (the shared cache's key). */
  get knownRelease(): number {
    return this.knownReleaseId;
  }

  /** Whether reads answer from the newest change heard of, so an answer may be cached. */
  get fresh(): boolean {
    return !this.checking && this.served >= this.target;
  }

  async start(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.dataSource.initialize().catch(() => undefined)));
    await this.learnTarget();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.replicas.map((r) => (r.dataSource.isInitialized ? r.dataSource.destroy() : undefined)));
  }

  /** Where a query reads from: a caught-up replica, round robin, else the primary. */
  pick(): { dataSource: DataSource; replica: Replica | null } {
    const usable = (floor: bigint) => this.replicas.filter((r) => r.healthy && r.replayed >= floor);
    let candidates = usable(this.target);
    if (candidates.length > 0) {
      if (this.served < this.target) this.served = this.target;
    } else {
      candidates = usable(this.served);
    }
    if (candidates.length === 0) {
      // The primary has every change heard of: once it answered, no replica behind it may.
      this.served = this.target;
      return { dataSource: this.primary, replica: null };
    }
    this.next = (this.next + 1) % candidates.length;
    const replica = candidates[this.next];
    return { dataSource: replica.dataSource, replica };
  }

  /** A query on `replica` failed: out of use if the replica is unreachable. */
  failed(replica: Replica, error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    this.markDown(replica, error);
    return true;
  }

  private markDown(replica: Replica, error: unknown): void {
    if (replica.healthy) {
      this.logger.warn({ err: error, replica: replica.name }, 'read replica unavailable: reading elsewhere');
      replica.retryMs = this.pollMs;
    } else {
      replica.retryMs = Math.min(replica.retryMs * 2, RETRY_MAX_MS);
    }
    replica.healthy = false;
    replica.retryAt = Date.now() + replica.retryMs;
  }

  private async learnTarget(): Promise<void> {
    try {
      const [row] = await within<{ lsn: string; release: number }[]>(
        this.primary.query(
          'SELECT pg_current_wal_lsn()::text AS lsn, (SELECT coalesce(max(id), 0) FROM release)::int AS release',
        ),
        PROBE_TIMEOUT_MS,
      );
      const lsn = lsnValue(row.lsn);
      if (lsn > this.target) this.target = lsn;
      this.knownReleaseId = Math.max(this.knownReleaseId, row.release);
    } catch {
      // The primary is down: nothing newer can be learnt, and the replicas answer what they have.
    }
    this.checking = false;
    await this.probe();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.probe().finally(() => this.schedule()), this.pollMs);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    const wasFresh = this.fresh;
    await Promise.all(
      this.replicas.map(async (replica) => {
        if (!replica.healthy && Date.now() < replica.retryAt) return;
        try {
          if (!replica.dataSource.isInitialized) await replica.dataSource.initialize();
          const [row] = await within<{ lsn: string | null }[]>(
            replica.dataSource.query('SELECT pg_last_wal_replay_lsn()::text AS lsn'),
            PROBE_TIMEOUT_MS,
          );
          replica.replayed = lsnValue(row.lsn);
          if (!replica.healthy) this.logger.info({ replica: replica.name }, 'read replica in use');
          replica.healthy = true;
        } catch (error) {
          this.markDown(replica, error);
        }
      }),
    );
    // Caught up: a new generation, so answers computed before from an older position are never stored.
    if (!wasFresh && this.replicas.some((r) => r.healthy && r.replayed >= this.target)) {
      this.served = this.target;
      this.bumping = true;
      try {
        this.changes.changed();
      } finally {
        this.bumping = false;
      }
    }
  }
}
