import type { Request, RequestHandler, Response } from 'express';

/** Every count is kept over one minute: the limit is per minute. */
export const RATE_WINDOW_MS = 60_000;

/** A client's requests in its window, and when the window ends (ms since the epoch). */
export interface WindowCount {
  hits: number;
  resetAt: number;
}

/**
 * Counts per key in this process, each key's window starting at its first request (as
 * express-rate-limit's MemoryStore counted them). Synchronous: counting a request is a map
 * lookup, no promise. Keys whose window has ended are dropped once a window, so the map holds
 * at most the clients of the last two minutes.
 */
export class WindowCounts {
  private readonly counts = new Map<string, WindowCount>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly windowMs = RATE_WINDOW_MS) {
    this.sweep = setInterval(() => this.dropEnded(Date.now()), windowMs);
    this.sweep.unref();
  }

  /** Counts one request under the key; the count returned is the key's own, read it at once. */
  increment(key: string, now = Date.now()): WindowCount {
    let count = this.counts.get(key);
    if (count === undefined) {
      count = { hits: 0, resetAt: now + this.windowMs };
      this.counts.set(key, count);
    } else if (count.resetAt <= now) {
      count.hits = 0;
      count.resetAt = now + this.windowMs;
    }
    count.hits += 1;
    return count;
  }

  /** Drops the keys whose window has ended by `now`. */
  dropEnded(now: number): void {
    for (const [key, count] of this.counts) {
      if (count.resetAt <= now) this.counts.delete(key);
    }
  }

  get size(): number {
    return this.counts.size;
  }

  close(): void {
    clearInterval(this.sweep);
    this.counts.clear();
  }
}

/** Counts kept elsewhere (Redis): a promise per request. */
export interface SharedCounts {
  increment(key: string): Promise<{ totalHits: number; resetTime?: Date }>;
}

export interface RateLimitOptions {
  /** Requests a key may make per window. */
  limit: number;
  /** The key a request is counted under. */
  keyOf: (req: Request, res: Response) => string;
  /** Answers a request over the limit (its RateLimit and Retry-After headers are set). */
  refuse: (res: Response) => void;
  /** Where the counts are kept when they are shared between instances; otherwise in this process. */
  shared?: SharedCounts;
  /** A shared count that failed: the request is served uncounted. */
  onSharedError?: (error: unknown) => void;
}

/**
 * The rate limiter of /graphql, /export and /imports: counts each request under its key and
 * answers with the headers of the IETF draft 7 (`RateLimit-Policy: 1200;w=60` and
 * `RateLimit: limit=1200, remaining=1199, reset=60`), or, past the limit, with `Retry-After`
 * and `refuse`. It replaced express-rate-limit's middleware, whose chain of awaits per request
 * (skip, key, store, limit, headers, each awaited) was about 6% of a point lookup's CPU
 * (docs/performance.md, "A leaner POST /graphql"); in process the count is now synchronous.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler & { close(): void } {
  const { limit, keyOf, refuse, shared, onSharedError } = options;
  const local = shared ? undefined : new WindowCounts();
  const policy = `${limit};w=${Math.ceil(RATE_WINDOW_MS / 1000)}`;
  const counted = (res: Response, next: (error?: unknown) => void, hits: number, resetAt: number): void => {
    const resetSeconds = Math.max(0, Math.ceil((resetAt - Date.now()) / 1000));
    if (!res.headersSent) {
      res.setHeader('RateLimit-Policy', policy);
      res.setHeader('RateLimit', `limit=${limit}, remaining=${Math.max(limit - hits, 0)}, reset=${resetSeconds}`);
    }
    if (hits <= limit) {
      next();
      return;
    }
    if (!res.headersSent) res.setHeader('Retry-After', String(resetSeconds));
    refuse(res);
  };
  const handler: RequestHandler = (req, res, next) => {
    const key = keyOf(req, res);
    if (local) {
      const count = local.increment(key);
      counted(res, next, count.hits, count.resetAt);
      return;
    }
    shared!.increment(key).then(
      (info) => counted(res, next, info.totalHits, info.resetTime?.getTime() ?? Date.now() + RATE_WINDOW_MS),
      (error: unknown) => {
        onSharedError?.(error);
        next();
      },
    );
  };
  return Object.assign(handler, { close: () => local?.close() });
}
