import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { jsonBody } from '../../src/jsonBody';
import { MAX_BODY_VALUES, refuseManyValues } from '../../src/modules/reference/variableLimits';

/**
 * `jsonBody` reads the common request itself and hands every other to `express.json`: each body
 * here is sent to a route parsed by `jsonBody` and to one parsed by `express.json` with the same
 * options (body-parser is the oracle), and the two must end the same way: the same parsed body,
 * or an error with the same status, type, message and exposure (what the final error handler
 * reads). The test also counts which requests reached `express.json` from `jsonBody`, so a fast
 * path that stopped taking the plain ones fails too.
 */
const LIMIT = 1024 * 1024;
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, next: (error?: unknown) => void) => void;

let server: http.Server;
let port: number;
let handedOn = 0;

beforeAll(async () => {
  const realJson = express.json;
  const spy = jest.spyOn(express, 'json').mockImplementation((options) => {
    const general = realJson(options);
    return (req, res, next) => {
      handedOn += 1;
      general(req, res, next);
    };
  });
  const fast = jsonBody({ limit: LIMIT, verify: refuseManyValues }) as unknown as Handler;
  spy.mockRestore();
  const general = express.json({ limit: LIMIT, verify: refuseManyValues }) as unknown as Handler;
  server = http.createServer((req, res) => {
    const parse = req.url === '/fast' ? fast : general;
    parse(req, res, (error) => {
      const e = error as { status?: number; statusCode?: number; type?: string; message?: string; expose?: boolean };
      const outcome = error
        ? { error: { status: e.status ?? e.statusCode, type: e.type, message: e.message, expose: e.expose } }
        : { body: (req as { body?: unknown }).body ?? null };
      // Drain what is left, as the app's error answer does not wait for it.
      req.resume();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(outcome));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Sent {
  headers: Record<string, string>;
  /** The body, written in these pieces (a multi-byte character may be split between two). */
  pieces: Buffer[];
}

function send(path: string, { headers, pieces }: Sent): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', reject);
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}

/** A body with its content-length and the given content type. */
function body(text: string | Buffer, type = 'application/json', extra: Record<string, string> = {}): Sent {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return { headers: { 'content-type': type, 'content-length': String(bytes.length), ...extra }, pieces: [bytes] };
}

const QUERY = JSON.stringify({ query: '{ city(slug: "kyiv") { name } }', variables: { slug: 'Київ' } });
const euro = Buffer.from('{"query":"{ __typename }","variables":{"s":"€€€"}}', 'utf8');
const splitAt = euro.indexOf(Buffer.from('€', 'utf8')) + 1;

// [name, request, whether jsonBody reads it itself]
const CASES: [string, Sent, boolean][] = [
  ['a query', body(QUERY), true],
  ['an array', body('[1, 2, 3]'), true],
  ['charset=utf-8', body(QUERY, 'application/json; charset=utf-8'), true],
  ['charset=UTF-8, no space', body(QUERY, 'application/json;charset=UTF-8'), true],
  ['Application/JSON', body(QUERY, 'Application/JSON'), true],
  ['a byte-order mark', body(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(QUERY)])), true],
  ['leading whitespace', body(' \n\t{"query": "{ __typename }"}'), true],
  [
    'a character split between two writes',
    { ...body(euro), pieces: [euro.subarray(0, splitAt), euro.subarray(splitAt)] },
    true,
  ],
  ['invalid UTF-8', body(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])), true],
  ['malformed JSON', body('{"query": '), true],
  ['a trailing comma', body('{"query": "x",}'), true],
  ['a string, not an object', body('"{ __typename }"'), true],
  ['a number after whitespace', body('   42'), true],
  ['whitespace only', body('  \n '), true],
  ['true', body('true'), true],
  ['only a byte-order mark', body(Buffer.from([0xef, 0xbb, 0xbf])), true],
  ['too many values', body(`{"v":[${'1,'.repeat(MAX_BODY_VALUES)}1]}`), true],
  ['an empty body', body(''), false],
  ['text/plain', body(QUERY, 'text/plain'), false],
  ['application/graphql-response+json', body(QUERY, 'application/graphql-response+json'), false],
  ['no content type', { headers: { 'content-length': String(QUERY.length) }, pieces: [Buffer.from(QUERY)] }, false],
  ['latin1', body(QUERY, 'application/json; charset=latin1'), false],
  ['utf-16', body(QUERY, 'application/json; charset=utf-16'), false],
  ['over the limit', body(JSON.stringify({ pad: 'x'.repeat(LIMIT) })), false],
  ['gzip', body(zlib.gzipSync(QUERY), 'application/json', { 'content-encoding': 'gzip' }), false],
  ['an unknown encoding', body(QUERY, 'application/json', { 'content-encoding': 'rot13' }), false],
  [
    'chunked',
    { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, pieces: [Buffer.from(QUERY)] },
    false,
  ],
];

describe('jsonBody against express.json', () => {
  it.each(CASES)('%s: the same outcome', async (_name, request, direct) => {
    const before = handedOn;
    const [fast, general] = [await send('/fast', request), await send('/general', request)];
    expect(fast).toEqual(general);
    expect(handedOn - before).toBe(direct ? 0 : 1);
  });

  it('parses what it reads itself, and refuses as body-parser does', async () => {
    expect(await send('/fast', body(QUERY))).toEqual({ body: JSON.parse(QUERY) });
    expect(await send('/fast', body(euro))).toEqual({ body: { query: '{ __typename }', variables: { s: '€€€' } } });
    const refused = (await send('/fast', body('"x"'))) as { error: Record<string, unknown> };
    expect(refused.error).toMatchObject({ status: 400, type: 'entity.parse.failed', expose: true });
    expect(refused.error.message).toContain('"x"');
    const many = (await send('/fast', body(`[${'0,'.repeat(MAX_BODY_VALUES)}0]`))) as {
      error: Record<string, unknown>;
    };
    expect(many.error).toMatchObject({ status: 400, type: 'entity.too.many.values', expose: true });
  });

  it('a client that goes away mid-body: the request ends with a 400, not a hang', async () => {
    const outcome = new Promise<unknown>((resolve) => {
      const probe = http.createServer((req, res) => {
        (jsonBody({ limit: LIMIT }) as unknown as Handler)(req, res, (error) => {
          resolve({
            status: (error as { status?: number } | undefined)?.status,
            body: (req as { body?: unknown }).body,
          });
          res.end();
        });
      });
      probe.listen(0, '127.0.0.1', () => {
        const { port: probePort } = probe.address() as AddressInfo;
        const req = http.request({
          host: '127.0.0.1',
          port: probePort,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': '100' },
        });
        req.on('error', () => probe.close());
        req.write('{"query":');
        setTimeout(() => req.destroy(), 50);
      });
    });
    expect(await outcome).toEqual({ status: 400, body: undefined });
  });
});
