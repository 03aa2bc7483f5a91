import { HeaderMap } from '@apollo/server';
import { DataChanges } from '../../src/cache/dataChanges';
import { CACHE_HEADER, responseCachePlugin } from '../../src/cache/responseCache';
import { createLogger } from '../../src/logger';

/**
 * The cache's hooks driven by hand, so the order of concurrent requests is fixed by the test,
 * not by timing: a miss that finds the same answer being computed waits for it.
 */

type Hooks = {
  responseForOperation(ctx: unknown): Promise<{ body: { singleResult: unknown } } | null>;
  willSendResponse(ctx: unknown): Promise<void>;
};

async function request(plugin: ReturnType<typeof responseCachePlugin>, variables: Record<string, unknown>) {
  const hooks = (await plugin.requestDidStart!({} as never)) as unknown as Hooks;
  const headers = new HeaderMap();
  const operation = { operation: 'query' };
  return {
    lookup: () =>
      hooks.responseForOperation({
        operation,
        request: { operationName: 'Q', variables },
        queryHash: 'hash-of-the-query',
        contextValue: { auth: { kind: 'anonymous' } },
      }),
    send: (singleResult: unknown) =>
      hooks.willSendResponse({ operation, response: { http: { headers }, body: { kind: 'single', singleResult } } }),
    header: () => headers.get(CACHE_HEADER),
  };
}

function setup() {
  const changes = new DataChanges(null, createLogger('silent'));
  const plugin = responseCachePlugin(changes, { maxBytes: 1024 * 1024, ttlMs: 60_000, waitMs: 60_000 });
  return { changes, plugin };
}

describe('response cache: concurrent misses', () => {
  it('lets a second miss wait for the first and answer with its result', async () => {
    const { plugin } = setup();
    const leader = await request(plugin, { slug: 'vienna-at' });
    const follower = await request(plugin, { slug: 'vienna-at' });
    expect(await leader.lookup()).toBeNull(); // computes

    let followed = false;
    const waiting = follower.lookup().then((r) => {
      followed = true;
      return r;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(followed).toBe(false); // still waiting: the answer is not there yet

    const result = { data: { city: { name: 'Vienna' } } };
    await leader.send(result);
    const answer = await waiting;
    expect(answer?.body.singleResult).toBe(result);
    expect(leader.header()).toBe('MISS');
    await follower.send(answer?.body.singleResult);
    expect(follower.header()).toBe('HIT');
  });

  it('makes the waiting request compute for itself when the first answer had errors', async () => {
    const { plugin } = setup();
    const leader = await request(plugin, { slug: 'x' });
    const follower = await request(plugin, { slug: 'x' });
    expect(await leader.lookup()).toBeNull();
    const waiting = follower.lookup();
    await leader.send({ errors: [{ message: 'boom' }] });
    expect(await waiting).toBeNull();
    await follower.send({ data: { city: null } });
    expect(follower.header()).toBe('MISS');
  });

  it('does not hand over an answer computed before a data change', async () => {
    const { plugin, changes } = setup();
    const leader = await request(plugin, { slug: 'y' });
    const follower = await request(plugin, { slug: 'y' });
    expect(await leader.lookup()).toBeNull();
    const waiting = follower.lookup();
    changes.changed();
    await leader.send({ data: { city: { name: 'old' } } });
    expect(await waiting).toBeNull();
    // Nor was it stored.
    const later = await request(plugin, { slug: 'y' });
    expect(await later.lookup()).toBeNull();
  });
});
