import type { Request, Response } from 'express';
import { rateLimit, WindowCounts } from '../../src/rateLimit';

/** A response that records its headers and whether it was refused. */
function response() {
  const headers: Record<string, string> = {};
  return {
    headers,
    refused: false,
    headersSent: false,
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
  };
}
type Recorded = ReturnType<typeof response>;

describe('WindowCounts', () => {
  it('counts per key within a window that starts at its first request, then starts again', () => {
    const counts = new WindowCounts(60_000);
    try {
      expect(counts.increment('a', 1_000)).toEqual({ hits: 1, resetAt: 61_000 });
      expect(counts.increment('a', 30_000)).toEqual({ hits: 2, resetAt: 61_000 });
      expect(counts.increment('b', 30_000)).toEqual({ hits: 1, resetAt: 90_000 });
      expect(counts.increment('a', 60_999).hits).toBe(3);
      // The window ends at 61,000: the next request opens a new one.
      expect(counts.increment('a', 61_000)).toEqual({ hits: 1, resetAt: 121_000 });
      counts.dropEnded(90_000);
      expect(counts.size).toBe(1);
      // 'a', whose window runs to 121,000, kept its count.
      expect(counts.increment('a', 90_001)).toEqual({ hits: 2, resetAt: 121_000 });
    } finally {
      counts.close();
    }
  });
});

describe('rateLimit', () => {
  // The IETF draft 7 headers (draft-ietf-httpapi-ratelimit-headers-07), written out by hand.
  it('sets RateLimit and RateLimit-Policy, and past the limit Retry-After and refuses', () => {
    const refused: Recorded[] = [];
    const limiter = rateLimit({
      limit: 2,
      keyOf: (req) => req.ip ?? '',
      refuse: (res) => {
        refused.push(res as unknown as Recorded);
      },
    });
    try {
      const run = (ip: string) => {
        const res = response();
        let passed = false;
        limiter({ ip } as Request, res as unknown as Response, () => (passed = true));
        return { res, passed };
      };
      const first = run('a');
      expect(first.passed).toBe(true);
      expect(first.res.headers).toEqual({ 'ratelimit-policy': '2;w=60', ratelimit: 'limit=2, remaining=1, reset=60' });
      expect(run('a').res.headers.ratelimit).toBe('limit=2, remaining=0, reset=60');
      const third = run('a');
      expect(third.passed).toBe(false);
      expect(refused).toEqual([third.res]);
      expect(third.res.headers).toEqual({
        'ratelimit-policy': '2;w=60',
        ratelimit: 'limit=2, remaining=0, reset=60',
        'retry-after': '60',
      });
      // Another client has its own count.
      expect(run('b').passed).toBe(true);
    } finally {
      limiter.close();
    }
  });

  it('counts in the shared store when there is one, and serves uncounted if it fails', async () => {
    const failures: unknown[] = [];
    const keys: string[] = [];
    let fail = false;
    const limiter = rateLimit({
      limit: 1,
      keyOf: () => 'k',
      refuse: () => undefined,
      shared: {
        increment: async (key) => {
          keys.push(key);
          if (fail) throw new Error('store down');
          return { totalHits: keys.length, resetTime: new Date(Date.now() + 30_000) };
        },
      },
      onSharedError: (error) => failures.push(error),
    });
    const run = () =>
      new Promise<{ passed: boolean; res: Recorded }>((resolve) => {
        const res = response();
        limiter({} as Request, res as unknown as Response, () => resolve({ passed: true, res }));
        setTimeout(() => resolve({ passed: false, res }), 50);
      });
    expect((await run()).res.headers.ratelimit).toBe('limit=1, remaining=0, reset=30');
    const second = await run();
    expect(second.passed).toBe(false);
    expect(second.res.headers['retry-after']).toBe('30');
    fail = true;
    const third = await run();
    expect(third.passed).toBe(true);
    expect(third.res.headers).toEqual({});
    expect(failures).toHaveLength(1);
    expect(keys).toEqual(['k', 'k', 'k']);
  });
});
