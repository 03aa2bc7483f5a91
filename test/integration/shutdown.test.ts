import type { ApolloServerPlugin } from '@apollo/server';
import { connect, type AddressInfo } from 'node:net';
import { Client } from 'pg';
import { loadConfig } from '../../src/config';
import type { Context } from '../../src/context';
import { type AppServer, createServer } from '../../src/server';
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
