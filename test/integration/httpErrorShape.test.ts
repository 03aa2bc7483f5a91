import express from 'express';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { explorerRouter } from '../../src/modules/explorer/explorer.routes';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * Every route that is not GraphQL answers an error the same way (src/httpErrors.ts): the status
 * of the error's code, and `{ errors: [{ message, extensions: { code, requestId } }] }` with the
 * request id of the x-request-id header.
 */
let db: TestDatabase;
let site: HttpTestServer;
let editor = '';
// Small: the import reads the request only when it starts, so a limit below what the request
// buffers (~32 KiB) is refused as a larger one is (it once crashed the server with an
// uncaught 'error').
const LIMIT = 2048;

beforeAll(async () => {
  db = await createTestDatabase();
  site = await startHttpServer(db.dataSource, { env: { IMPORT_MAX_BYTES: String(LIMIT) } });
  editor = (await createApiKey(db.dataSource, { name: 'curator', role: Role.EDITOR })).key;
});
afterAll(async () => {
  await site.close();
  await db.close();
});

type ErrorBody = { errors: { message: string; extensions: Record<string, unknown> }[] };

async function errorOf(response: Response) {
  const body = (await response.json()) as ErrorBody;
  const requestId = response.headers.get('x-request-id');
  expect(requestId).toBeTruthy();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0].extensions.requestId).toBe(requestId);
  return { status: response.status, message: body.errors[0].message, extensions: body.errors[0].extensions };
}

const importCsv = (body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${site.origin}/imports`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${editor}`, ...headers },
    body,
    duplex: 'half',
  } as RequestInit);

describe('error answers of the HTTP routes', () => {
  it('a path the server does not serve: 404 NOT_FOUND', async () => {
    const answer = await errorOf(await fetch(`${site.origin}/no/such/path`));
    expect(answer).toMatchObject({ status: 404, message: 'No route for GET /no/such/path' });
    expect(answer.extensions.code).toBe('NOT_FOUND');
  });

  it('an import without a CSV: 400 BAD_USER_INPUT', async () => {
    const answer = await errorOf(
      await fetch(`${site.origin}/imports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${editor}` },
        body: JSON.stringify({ dryRun: true }),
      }),
    );
    expect(answer.status).toBe(400);
    expect(answer.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('a NUL in an export parameter: 400 BAD_USER_INPUT, as in GraphQL, not a 500', async () => {
    const response = await fetch(`${site.origin}/export/observations.csv?indicators=homicide-rate&cities=a%00b`);
    const answer = await errorOf(response);
    expect(answer.status).toBe(400);
    expect(answer.extensions.code).toBe('BAD_USER_INPUT');
  });

  // Last: the client's connection of a refused upload is left half-sent, and fetch may reuse it.
  it('an import over IMPORT_MAX_BYTES: 413 PAYLOAD_TOO_LARGE, by its Content-Length or while it streams', async () => {
    const big = `city,country,region,indicator,year,value\n${'Boston,US,MA,homicide-rate,2016,5.5\n'.repeat(6000)}`;
    const declared = await errorOf(await importCsv(big));
    expect(declared).toMatchObject({ status: 413, message: `request entity too large: at most ${LIMIT} bytes` });
    expect(declared.extensions.code).toBe('PAYLOAD_TOO_LARGE');

    // Chunked, without a Content-Length: the limit is found while the body arrives.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < big.length; i += 8192) controller.enqueue(new TextEncoder().encode(big.slice(i, i + 8192)));
        controller.close();
      },
    });
    const streamed = await errorOf(await importCsv(chunks));
    expect(streamed).toMatchObject({ status: 413, message: `request entity too large: at most ${LIMIT} bytes` });
    expect(streamed.extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('the embed page', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rightsgraph-web-'));
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ files: {}, examples: [] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers an asOf that is no release id with 400 BAD_USER_INPUT in the same shape', async () => {
    const app = express();
    app.use(explorerRouter(loadConfig({ NODE_ENV: 'test' }), { webDirs: [dir] }));
    const listener = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const origin = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
      const response = await fetch(`${origin}/embed/ranking?asOf=latest`);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errors: [
          {
            message: 'asOf must be a release id (digits)',
            extensions: { code: 'BAD_USER_INPUT', argument: 'asOf', value: 'latest' },
          },
        ],
      });
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});
