import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestSignal } from '../../src/requestSignal';

/** A server whose handler hands out each request's signal and answers only when told. */
async function serve() {
  const signals: (() => AbortSignal)[] = [];
  const responses: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    signals.push(requestSignal(res));
    responses.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { server, url, signals, responses };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** A client goes away before its answer (`beforeAbort` runs once the server has its request). */
async function clientGoesAway(s: Awaited<ReturnType<typeof serve>>, beforeAbort: () => void = () => {}) {
  const client = new AbortController();
  const answer = fetch(s.url, { method: 'POST', body: 'x', signal: client.signal });
  await until(() => s.responses.length === 1);
  beforeAbort();
  client.abort();
  await expect(answer).rejects.toThrow();
}

describe('requestSignal', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeEach(async () => {
    s = await serve();
  });
  afterEach(() => {
    s.server.closeAllConnections();
    s.server.close();
  });

  it('makes its signal once, when first asked for, aborted already if the client went away before', async () => {
    await clientGoesAway(s);
    await until(() => s.responses[0].closed);
    // Not asked for until now: made aborted, with the reason, and the same signal on every call.
    const signal = s.signals[0]();
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('the client closed the connection');
    expect(s.signals[0]()).toBe(signal);
  });

  it('stays unaborted when the answer is written, also once the response has closed', async () => {
    const answer = fetch(s.url, { method: 'POST', body: 'x' });
    await until(() => s.responses.length === 1);
    s.responses[0].end('done');
    expect(await (await answer).text()).toBe('done');
    await until(() => s.responses[0].closed);
    expect(s.signals[0]().aborted).toBe(false);
  });

  it('aborts when the client goes away before the answer', async () => {
    await clientGoesAway(s, () => expect(s.signals[0]().aborted).toBe(false));
    await until(() => s.signals[0]().aborted);
  });
});
