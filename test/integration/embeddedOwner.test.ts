import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { lockAddress, lockDataDir, readOwner } from '../../src/db/dataDirLock';
import {
  ensureBuilt,
  type Exited,
  isRunning,
  ROOT,
  run,
  type ServerProcess,
  startServer,
} from '../helpers/serverProcess';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * Issue 11: one writer per embedded database. Two processes that opened one PGlite folder
 * damaged its catalog; now the server owns the folder and the CLIs work through its socket.
 * These tests run the built server and the README's own commands as separate processes.
 */

/** The import commands of the README's worked example, exactly as written there. */
const README_IMPORTS = [
  ...readFileSync(path.join(ROOT, 'README.md'), 'utf8').matchAll(
    /^\s*(npm run import -- examples\/ucr-homicides\/.*)$/gm,
  ),
].map((m) => m[1].trim());

const RANKING = `{ ranking(indicator: "homicides", year: 2013, first: 12) { entries { rank value city { slug } } } }`;
type Ranking = { ranking: { entries: { rank: number; value: number; city: { slug: string } }[] } };

const seattle = (ranking: Ranking) => ranking.ranking.entries.find((e) => e.city.slug === 'seattle-us');

function running(server: ServerProcess | Exited): ServerProcess {
  if (!isRunning(server)) throw new Error(`server exited with ${server.code}:\n${server.output}`);
  return server;
}

const servers: ServerProcess[] = [];
async function start(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const server = running(await startServer(env));
  servers.push(server);
  return server;
}

let scratch: string;
beforeAll(() => {
  ensureBuilt();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'rg-owner-'));
}, 180_000);
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill()));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the lock on a data folder', () => {
  it('is held by one process at a time and free again once released', async () => {
    const dir = path.join(scratch, 'lock-a');
    const first = await lockDataDir(dir, 'server');
    expect(first).not.toBeNull();
    expect(await lockDataDir(dir, 'import')).toBeNull();
    first!.publish({ role: 'server', url: 'postgres://postgres@127.0.0.1:1/postgres' });
    expect(readOwner(dir)).toMatchObject({
      pid: process.pid,
      role: 'server',
      url: 'postgres://postgres@127.0.0.1:1/postgres',
    });
    await first!.release();
    expect(readOwner(dir)).toBeNull();
    const again = await lockDataDir(dir, 'server');
    expect(again).not.toBeNull();
    await again!.release();
  });

  it('takes over a stale socket file where there is no abstract namespace', async () => {
    const dir = path.join(scratch, 'lock-b');
    const held = await lockDataDir(dir, 'server', { abstract: false });
    expect(held).not.toBeNull();
    expect(await lockDataDir(dir, 'server', { abstract: false })).toBeNull();
    await held!.release();
    // What a killed owner leaves behind: a file at the socket's address that nobody listens on.
    writeFileSync(lockAddress(dir, 'darwin'), '');
    const taken = await lockDataDir(dir, 'server', { abstract: false });
    expect(taken).not.toBeNull();
    await taken!.release();
  });

  it('makes a CLI that cannot reach the owner exit with one line, touching nothing', async () => {
    const dir = path.join(scratch, 'lock-c');
    const held = await lockDataDir(dir, 'server');
    held!.publish({ role: 'server', url: 'postgres://postgres@127.0.0.1:1/postgres' });
    try {
      const result = await run('node dist/src/cli/keys.js list', {
        EMBEDDED_DATA_DIR: dir,
        EMBEDDED_OWNER_WAIT_MS: '500',
      });
      expect(result.code).toBe(1);
      expect(result.output.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^keys failed: the embedded database in .* is locked by a rightsgraph server \(pid \d+\), but its socket .* does not answer; nothing was changed/,
        ),
      ]);
    } finally {
      await held!.release();
    }
  });
});

describe('an embedded server and the CLIs', () => {
  it('runs the README worked example with the server up, refuses a second server, and survives kill -9', async () => {
    expect(README_IMPORTS).toHaveLength(2);
    const env = { EMBEDDED_DATA_DIR: path.join(scratch, 'embedded') };
    const server = await start(env);
    expect((await server.graphql<{ releases: { totalCount: number } }>('{ releases { totalCount } }')).data).toEqual({
      releases: { totalCount: 1 },
    });

    const second = await startServer({ ...env });
    expect(isRunning(second)).toBe(false);
    const refused = second as Exited;
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(
      /rightsgraph failed to start: the embedded database in .* is in use by a rightsgraph server \(pid \d+\)/,
    );
    expect(refused.output).not.toMatch(/^\s+at /m);

    const withTypo = await run(README_IMPORTS[0], env);
    expect(withTypo).toMatchObject({ code: 0 });
    expect(withTypo.output).toMatch(/release 2: added 72, changed 0, unchanged 0, missing 0/);
    // The server's response cache must not answer from before the CLI's release.
    expect((await server.graphql('{ releases { totalCount } }')).data).toEqual({ releases: { totalCount: 2 } });
    expect(seattle((await server.graphql<Ranking>(RANKING)).data!)).toMatchObject({ rank: 10, value: 81 });

    const corrected = await run(README_IMPORTS[1], env);
    expect(corrected).toMatchObject({ code: 0 });
    expect(corrected.output).toMatch(/release 3: added 0, changed 1, unchanged 71, missing 0/);
    expect(seattle((await server.graphql<Ranking>(RANKING)).data!)).toMatchObject({ rank: 2, value: 18 });

    await server.kill();
    const restarted = await start(env);
    expect((await restarted.graphql('{ releases { totalCount } }')).data).toEqual({ releases: { totalCount: 3 } });
    expect(seattle((await restarted.graphql<Ranking>(RANKING)).data!)).toMatchObject({ rank: 2, value: 18 });
    const keys = await run('npm run -s keys -- list', env);
    expect(keys).toMatchObject({ code: 0 });
    expect(await restarted.stop()).toBe(0);
    servers.splice(0);
    // Three server starts (the first migrates and seeds PGlite) and three CLI runs: minutes on a busy machine.
  }, 300_000);

  it('runs the same example against DATABASE_URL with the server up', async () => {
    let db: TestDatabase | undefined;
    try {
      db = await createTestDatabase();
      const env = { DATABASE_URL: db.url };
      const server = await start(env);
      for (const command of README_IMPORTS) expect(await run(command, env)).toMatchObject({ code: 0 });
      const ranking = (await server.graphql<Ranking>(RANKING)).data!;
      expect(ranking.ranking.entries.slice(0, 3).map((e) => [e.rank, e.value, e.city.slug])).toEqual([
        [1, 7, 'salt-lake-city-us'],
        [2, 18, 'honolulu-us'],
        [2, 18, 'seattle-us'],
      ]);
    } finally {
      await Promise.all(servers.splice(0).map((s) => s.kill()));
      await db?.close();
    }
  }, 180_000);
});

describe('start-up failures', () => {
  async function refused(env: NodeJS.ProcessEnv): Promise<string> {
    const result = await startServer(env);
    if (isRunning(result)) throw new Error('the server started');
    expect(result.code).toBe(1);
    const lines = result.output.trim().split('\n');
    expect(lines).toHaveLength(1);
    return lines[0];
  }

  it('names a port in use before opening the database', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const dataDir = path.join(scratch, 'port-in-use');
    try {
      expect(await refused({ PORT: String(port), EMBEDDED_DATA_DIR: dataDir })).toBe(
        `rightsgraph failed to start: port ${port} on 127.0.0.1 is in use by another process; set PORT (and HOST) to a free one`,
      );
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('names an unreachable DATABASE_URL', async () => {
    expect(await refused({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' })).toMatch(
      /^rightsgraph failed to start: cannot reach the database at DATABASE_URL \(127\.0\.0\.1:1\): .*ECONNREFUSED/,
    );
  });

  it('names a bad setting', async () => {
    expect(await refused({ MAX_PAGE_SIZE: 'many' })).toBe(
      'rightsgraph failed to start: MAX_PAGE_SIZE must be an integer between 1 and 10000, got "many"',
    );
  });
});
