import { createClient } from 'redis';

const newClient = (url: string) =>
  createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 1000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  });

export type RedisClient = ReturnType<typeof newClient>;

/**
 * A node-redis client that never makes a request wait on an unreachable Redis, for the rate
 * limiter (src/limits.ts) and the shared response cache (src/cache/redisResponseCache.ts).
 *
 * Commands fail at once while disconnected instead of queueing until Redis is back (which made
 * every request wait 5 s, issue 12 row 9); the client reconnects in the background with
 * backoff, and each user decides what to do meanwhile and logs the outage once. Every failed
 * reconnection emits an error event, which is swallowed here for that reason.
 */
export function connectRedis(url: string): { client: RedisClient; close(): Promise<void> } {
  const client = newClient(url);
  client.on('error', () => undefined);
  void client.connect().catch(() => undefined);
  return {
    client,
    async close() {
      // Never waits on an unreachable Redis: SIGTERM must get to its "stopped" line.
      if (client.isReady) await Promise.race([client.close(), new Promise((r) => setTimeout(r, 500).unref())]);
      if (client.isOpen) client.destroy();
    },
  };
}

/** Rejects when Redis has not answered within `ms`: a stalled Redis must never stall a request. */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
