import { Client } from 'pg';
import type { Logger } from '../logger';

/** The channel of migration AddDataChangeNotifications: one NOTIFY per committed transaction and table. */
export const DATA_CHANGED_CHANNEL = 'rightsgraph_data_changed';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * Embedded mode: other processes (the CLIs, see openDatabase) read and write through the socket
 * of this process's PGlite, and PGlite does not deliver their NOTIFYs to this process.
 */
export interface EmbeddedWriters {
  /** Connections of other processes open on the socket now. */
  foreign(): number;
  /** Calls back whenever a connection opens, this process's own included. */
  onConnection(listener: () => void): void;
}

/**
 * Tells the response cache when the data may have changed, and whether it can know at all.
 *
 * `generation` goes up on every change heard of. With a Postgres URL, a dedicated connection
 * LISTENs on DATA_CHANGED_CHANNEL, so changes from any writer count (another server, the
 * import CLI, psql). While that connection is down nothing can be known, so `trusted` is false
 * and the cache must neither answer nor store; when it is back, the generation moves on, since
 * notifications sent meanwhile are lost. Without a URL (embedded PGlite, which only this
 * process opens) the writes of this process are all there is: `changed()` from the mutation and
 * import paths is enough, and `trusted` is always true.
 */
export class DataChanges {
  private generationValue = 0;
  private listening: boolean;
  private client: Client | null = null;
  private stopped = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly subscribers = new Set<() => void>();
  private readonly gates: (() => boolean)[] = [];

  constructor(
    private readonly listenUrl: string | null,
    private readonly logger: Logger,
    private readonly embeddedWriters?: EmbeddedWriters,
  ) {
    this.listening = listenUrl === null;
    embeddedWriters?.onConnection(() => this.changed());
  }

  get generation(): number {
    return this.generationValue;
  }

  /** Whether every change is heard of now, so a cached answer can be trusted. */
  get trusted(): boolean {
    return (
      this.listening &&
      !this.stopped &&
      (this.embeddedWriters?.foreign() ?? 0) === 0 &&
      this.gates.every((gate) => gate())
    );
  }

  /**
   * One more condition for `trusted`: the read replicas (src/db/readReplicas.ts) vouch for an
   * answer only while every replica in use has replayed the newest change heard of.
   */
  addGate(gate: () => boolean): void {
    this.gates.push(gate);
  }

  /**
   * Whether `trusted` rests on hearing every writer: the LISTEN connection, or the embedded
   * socket's count of other processes. A server built with neither (tests build one on their
   * own data source and write through it behind the server's back) hears only its own
   * mutations and imports, which the response cache (off under test) accepts and the reference
   * cache (src/cache/referenceCache.ts) does not.
   */
  get hearsEveryWriter(): boolean {
    return this.trusted && (this.listenUrl !== null || this.embeddedWriters !== undefined);
  }

  /** Something may have changed: move to a new generation and tell the subscribers. */
  changed(): void {
    this.generationValue += 1;
    for (const subscriber of this.subscribers) subscriber();
  }

  subscribe(fn: () => void): void {
    this.subscribers.add(fn);
  }

  /** Starts listening; resolves once listening or once the first attempt failed (it then retries). */
  async start(): Promise<void> {
    if (this.listenUrl !== null) await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.listenUrl!, application_name: 'rightsgraph cache listener' });
    let lost = false;
    const onLost = (error?: unknown) => {
      if (lost) return;
      lost = true;
      this.lost(client, error);
    };
    client.on('notification', () => this.changed());
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query(`LISTEN ${DATA_CHANGED_CHANNEL}`);
    } catch (error) {
      onLost(error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.listening = true;
    this.retryMs = RETRY_MIN_MS;
    // Whatever changed while nobody listened is unknown.
    this.changed();
  }

  private lost(client: Client, error?: unknown): void {
    if (this.client === client) this.client = null;
    this.listening = false;
    this.changed();
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.logger.warn(
      { err: error, retryMs: this.retryMs },
      'response cache: lost the change notifications; not caching until they are back',
    );
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}
