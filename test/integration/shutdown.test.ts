import type { ApolloServerPlugin } from '@apollo/server';
import { Agent as httpAgent, request as httpRequest } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import type { Context } from '../../src/context';
import { type AppServer, createServer } from '../../src/server';
import { ensureBuilt, isRunning, startServer } from '../helpers/serverProcess';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';
import { TEST_ENV } from '../helpers/testEnv';

/**
 * Graceful shutdown, in process: `AppServer.stop()` (what SIGTERM calls in src/index.ts) stops
 * accepting connections at once and lets a request already in flight finish with its answer.
 * That the process then exits 0 is checked by .ci/smoke-embedded.sh.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

async function listen(plugins: ApolloServerPlugin<Context>[] = []): Promise<{ server: AppServer; port: number }> {
  const server = await createServer(db.dataSource, loadConfig({ NODE_ENV: 'test' }), plugins);
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.httpServer.address() as AddressInfo).port };
}

function post(port: number, query: string, operationName?: string) {
  return fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, operationName }),
  });
}

/** Resolves with the error code of a TCP connection attempt, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
  });
}

const settled = <T>(promise: Promise<T>) => {
  let done = false;
  void promise.finally(() => (done = true)).catch(() => undefined);
  return () => done;
};

it('finishes a request in flight, refuses new connections, then stops', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reached!: () => void;
  const inFlight = new Promise<void>((resolve) => (reached = resolve));
  // Holds the operation named Slow after it is parsed and validated, until the test lets it go.
  const holdSlow: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName }) {
          if (operationName !== 'Slow') return;
          reached();
          await gate;
        },
      };
    },
  };
  const { server, port } = await listen([holdSlow]);
  const slow = post(port, 'query Slow { countries { code } }', 'Slow');
  await inFlight;

  const stopping = server.stop();
  const stopped = settled(stopping);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await tryConnect(port)).toBe('ECONNREFUSED');
  expect(stopped()).toBe(false);

  release();
  const response = await slow;
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data?: { countries: { code: string }[] }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(body.data?.countries.length).toBeGreaterThan(0);
  await stopping;
  expect(server.httpServer.listening).toBe(false);
});

// A request waiting on Postgres (a table lock held by another session) is in flight the way a
// slow comparative query is. PGlite serves one session, so this one needs a Postgres server.
const onServer = process.env[TEST_ENV.kind] !== 'embedded';
(onServer ? it : it.skip)('waits for a request blocked in the database, then stops', async () => {
  const { server, port } = await listen();
  const locker = new Client({ connectionString: db.url });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE country IN ACCESS EXCLUSIVE MODE');
    const slow = post(port, '{ countries { code } }');
    const waiting = async () =>
      (
        await locker.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
      ).rows[0].n as number;
    for (let i = 0; i < 200 && (await waiting()) === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(await waiting()).toBeGreaterThan(0);

    const stopping = server.stop();
    const stopped = settled(stopping);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    expect(stopped()).toBe(false);

    await locker.query('COMMIT');
    const response = await slow;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    await stopping;
  } finally {
    await locker.end();
  }
});

/**
 * SIGTERM to the built server, as an orchestrator sends it (issue 12, row 15): a request in
 * flight and a request arriving on an idle keep-alive connection within the drain window are
 * both answered, each with `Connection: close`, none reset; the process logs "stopped" and exits
 * 0 although its Redis is unreachable.
 */
(onServer ? describe : describe.skip)('SIGTERM to the built server', () => {
  jest.setTimeout(240_000);

  function get(
    agent: httpAgent,
    port: number,
    path: string,
    body?: string,
  ): Promise<{ status: number; connection: string | undefined; text: string }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          agent,
          method: body ? 'POST' : 'GET',
          headers: body ? { 'content-type': 'application/json' } : {},
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, text }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  it('answers the request in flight and a last one on an idle keep-alive connection, then logs "stopped" with Redis unreachable', async () => {
    ensureBuilt();
    const deadRedis = await new Promise<number>((resolve) => {
      const probe = createNetServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const server = await startServer({
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${deadRedis}`,
      RATE_LIMIT_PER_MINUTE: '100000',
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
    if (!isRunning(server)) throw new Error(`server did not start:\n${server.output}`);
    const idle = new httpAgent({ keepAlive: true, maxSockets: 1 });
    const busy = new httpAgent({ keepAlive: true, maxSockets: 1 });
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    try {
      expect((await get(idle, server.port, '/healthz')).connection).toBe('keep-alive');
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE country IN ACCESS EXCLUSIVE MODE');
      const slow = get(busy, server.port, '/graphql', JSON.stringify({ query: '{ countries { code } }' }));
      const waiting = async () =>
        (
          await locker.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows[0].n as number;
      for (let i = 0; i < 500 && (await waiting()) === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
      expect(await waiting()).toBeGreaterThan(0);

      const exit = server.stop();
      for (let i = 0; i < 500 && !server.output().includes('"msg":"stopping'); i += 1) {
        await new Promise((r) => setTimeout(r, 5));
      }
      // Sent on the idle keep-alive socket after SIGTERM, within the drain window.
      const last = await get(idle, server.port, '/healthz');
      expect(last).toMatchObject({ status: 200, connection: 'close' });

      await locker.query('COMMIT');
      const answered = await slow;
      expect(answered).toMatchObject({ status: 200, connection: 'close' });
      expect(JSON.parse(answered.text)).not.toHaveProperty('errors');
      expect(await exit).toBe(0);
      expect(server.output()).toMatch(/"msg":"stopped"/);
    } finally {
      idle.destroy();
      busy.destroy();
      await locker.end().catch(() => undefined);
      if (server.child.exitCode === null) await server.kill();
    }
  });
});
