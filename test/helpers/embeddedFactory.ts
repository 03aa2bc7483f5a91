import http from 'node:http';
import type { AddressInfo } from 'node:net';
import 'reflect-metadata';
import { createDataSource } from '../../src/db/dataSource';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/db/embedded';
import { seedDemoData } from '../../src/db/seedDemoData';
import { seedReferenceData } from '../../src/db/seedReferenceData';

export type Template = 'empty' | 'migrated' | 'seeded';

/**
 * Embedded mode for the test suite. PGlite loads its WebAssembly with a dynamic import, which
 * Jest's module sandbox refuses, so the instances live in Jest's parent process (globalSetup)
 * and test files ask for one over a loopback HTTP call. Each test file gets its own instance,
 * started from a snapshot of a migrated (and seeded) template, as on a Postgres server.
 */
export async function startEmbeddedFactory(): Promise<{ url: string; stop(): Promise<void> }> {
  const templates = new Map<Template, Blob | undefined>([['empty', undefined]]);
  const template = await startEmbeddedPostgres();
  const dataSource = createDataSource({ url: template.url, poolSize: 1 });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  templates.set('migrated', await template.dump());
  // As globalSetup seeds the server template and `npm start` a new database: the demo data,
  // then every country and the UN treaty status.
  await seedDemoData(dataSource);
  await seedReferenceData(dataSource);
  templates.set('seeded', await template.dump());
  await dataSource.destroy();
  await template.stop();

  const running = new Map<string, EmbeddedPostgres>();
  let next = 0;
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      try {
        if (req.method === 'POST' && url.pathname === '/databases') {
          const name = (url.searchParams.get('template') ?? 'seeded') as Template;
          if (!templates.has(name)) return reply(400, { error: `unknown template ${name}` });
          const embedded = await startEmbeddedPostgres({ from: templates.get(name) });
          const id = String((next += 1));
          running.set(id, embedded);
          return reply(200, { id, url: embedded.url });
        }
        const match = /^\/databases\/(\d+)$/.exec(url.pathname);
        if (req.method === 'DELETE' && match) {
          await running.get(match[1])?.stop();
          running.delete(match[1]);
          return reply(200, {});
        }
        reply(404, { error: 'not found' });
      } catch (error) {
        reply(500, { error: String(error) });
      }
    })();
  });
  // The test workers reuse their connections to the factory (fetch keeps them alive). A server
  // that closes an idle one after its keep-alive timeout can do so just as a worker sends on it:
  // the worker sees ECONNRESET (seen in CI while PGlite instances kept this process busy). Only
  // the client closes idle connections, then; stop() closes what is left.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.all([...running.values()].map((e) => e.stop()));
    },
  };
}

/** Asks the factory of the parent process for an instance; returns its URL and a stop function. */
export async function requestEmbeddedDatabase(
  factoryUrl: string,
  template: Template,
): Promise<{ url: string; stop(): Promise<void> }> {
  const ask = () => fetch(`${factoryUrl}/databases?template=${template}`, { method: 'POST' });
  // A connection reset before any answer: ask once more (if the factory did start an instance,
  // it stops it with the others at the end).
  const response = await ask().catch(ask);
  const body = (await response.json()) as { id: string; url: string; error?: string };
  if (!response.ok) throw new Error(`embedded database factory: ${body.error}`);
  return {
    url: body.url,
    async stop() {
      await fetch(`${factoryUrl}/databases/${body.id}`, { method: 'DELETE' });
    },
  };
}
