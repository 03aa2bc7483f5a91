import type { ClientRateLimitInfo, Options } from 'express-rate-limit';
import { type RedisReply, RedisStore } from 'rate-limit-redis';
import type { Logger } from './logger';
import { RATE_WINDOW_MS, type SharedCounts, WindowCounts } from './rateLimit';
import { withTimeout } from './redisClient';

/** How long one Redis command may take before the breaker opens. Redis answers in well under 1 ms. */
export const REDIS_COMMAND_TIMEOUT_MS = 200;

/** How long the limiter waits at start for the client's first connection. */
const STARTUP_WAIT_MS = 2000;

/** The part of a node-redis client this store uses. */
export interface RedisLike {
  readonly isReady: boolean;
  sendCommand(args: string[]): Promise<RedisReply>;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * Rate-limit counts in Redis, behind a circuit breaker, with an in-process limiter as fallback.
 *
 * Without the breaker every request waited for Redis: 5.0 s each while it was down (issue 12,
 * row 9). Now a command that fails or takes over REDIS_COMMAND_TIMEOUT_MS opens the breaker;
 * while it is open no request touches Redis, and counts are kept in this process (the same
 * limit, per instance: with N instances a client gets at most N times the limit during the
 * outage, rather than no limit at all). When the client reconnects, the scripts are loaded again
 * and the breaker closes. Each transition is logged once.
 */
export class BreakerRedisStore implements SharedCounts {
  private redis: RedisStore;
  private readonly memory: WindowCounts;
  private started = false;
  // Open from the start until the client is connected and the scripts are loaded; only an
  // outage that was announced is announced over.
  private openSince: number | null = Date.now();
  private warned = false;
  private reopening: Promise<void> | null = null;

  constructor(
    private readonly client: RedisLike,
    private readonly logger: Logger,
    readonly prefix: string,
    private readonly windowMs = RATE_WINDOW_MS,
  ) {
    this.memory = new WindowCounts(windowMs);
    this.redis = this.newRedisStore();
    client.on('ready', () => void this.reconnected());
  }

  /** Settles once the first connection is made and the scripts are loaded, or the wait at start is over. */
  ready: Promise<void> = Promise.resolve();

  init(): Promise<void> {
    this.ready = this.start();
    return this.ready;
  }

  private async start(): Promise<void> {
    this.started = true;
    if (!this.client.isReady) {
      // The client connects in the background; give it a moment before calling Redis down.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STARTUP_WAIT_MS);
        timer.unref();
        this.client.on('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await this.reconnected();
    if (this.openSince !== null) this.trip(new Error(`redis is not connected ${STARTUP_WAIT_MS} ms after start`));
  }

  increment(key: string): Promise<ClientRateLimitInfo> {
    return this.call(
      (redis) => redis.increment(key),
      () => {
        const count = this.memory.increment(key);
        return { totalHits: count.hits, resetTime: new Date(count.resetAt) };
      },
    );
  }

  shutdown(): void {
    this.memory.close();
  }

  /** Whether counts are kept in this process for now. */
  get open(): boolean {
    return this.openSince !== null;
  }

  private newRedisStore(): RedisStore {
    return new RedisStore({ prefix: this.prefix, sendCommand: (...args: string[]) => this.client.sendCommand(args) });
  }

  private async call<T>(viaRedis: (redis: RedisStore) => Promise<T>, inProcess: () => Promise<T> | T): Promise<T> {
    if (this.openSince !== null) return inProcess();
    if (!this.client.isReady) {
      this.trip(new Error('redis is not connected'));
      return inProcess();
    }
    try {
      return await withTimeout(viaRedis(this.redis), REDIS_COMMAND_TIMEOUT_MS);
    } catch (error) {
      this.trip(error);
      return inProcess();
    }
  }

  private trip(error: unknown): void {
    this.openSince ??= Date.now();
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(
      { err: error },
      'redis unavailable: rate limits are counted in this process (per instance) until it is back',
    );
  }

  /** The client is connected again: load the scripts into a fresh store, then use Redis again. */
  private reconnected(): Promise<void> {
    if (this.openSince === null || !this.started || !this.client.isReady) return Promise.resolve();
    this.reopening ??= this.reopen().finally(() => (this.reopening = null));
    return this.reopening;
  }

  private async reopen(): Promise<void> {
    try {
      const fresh = this.newRedisStore();
      // rate-limit-redis reads the window and nothing else of express-rate-limit's options.
      await withTimeout(fresh.init({ windowMs: this.windowMs } as Options), REDIS_COMMAND_TIMEOUT_MS * 5);
      this.redis = fresh;
      const downMs = Date.now() - (this.openSince ?? Date.now());
      this.openSince = null;
      if (this.warned) this.logger.info({ downMs }, 'redis available again: rate limits are shared again');
      this.warned = false;
    } catch {
      // Still unusable: the next 'ready' tries again.
    }
  }
}
