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

describe('requestSignal', () => {
  it('makes its signal once, when first asked for, aborted already if the client went away before', async () => {
    const s = await serve();
    try {
      const client = new AbortController();
      const answer = fetch(s.url, { method: 'POST', body: 'x', signal: client.signal });
      await until(() => s.responses.length === 1);
      client.abort();
      await expect(answer).rejects.toThrow();
      await until(() => s.responses[0].closed);
      // Not asked for until now: made aborted, with the reason, and the same signal on every call.
      const signal = s.signals[0]();
      expect(signal.aborted).toBe(true);
      expect((signal.reason as Error).message).toBe('the client closed the connection');
      expect(s.signals[0]()).toBe(signal);
    } finally {
      s.server.closeAllConnections();
      s.server.close();
    }
  });

  it('stays unaborted when the answer is written, also once the response has closed', async () => {
    const s = await serve();
    try {
      const answer = fetch(s.url, { method: 'POST', body: 'x' });
      await until(() => s.responses.length === 1);
      s.responses[0].end('done');
      expect(await (await answer).text()).toBe('done');
      await until(() => s.responses[0].closed);
      expect(s.signals[0]().aborted).toBe(false);
    } finally {
      s.server.closeAllConnections();
      s.server.close();
    }
  });

  it('aborts when the client goes away before the answer', async () => {
    const s = await serve();
    try {
      const client = new AbortController();
      const answer = fetch(s.url, { method: 'POST', body: 'x', signal: client.signal });
      await until(() => s.responses.length === 1);
      expect(s.signals[0]().aborted).toBe(false);
      client.abort();
      await expect(answer).rejects.toThrow();
      await until(() => s.signals[0]().aborted);
    } finally {
      s.server.closeAllConnections();
      s.server.close();
    }
  });
});
