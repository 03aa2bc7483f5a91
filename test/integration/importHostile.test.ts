import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

// Files real curators send, and files an attacker sends (issue 12, rows 5, 10 and 14): each
// gets a coded answer of bounded size, and a valid one imports.
let db: TestDatabase;
let http: HttpTestServer;
let editor = '';

beforeAll(async () => {
  db = await createTestDatabase();
  http = await startHttpServer(db.dataSource);
  editor = (await createApiKey(db.dataSource, { name: 'curator', role: Role.EDITOR })).key;
});
afterAll(async () => {
  await http.close();
  await db.close();
});

const execFileAsync = promisify(execFile);
const SOURCE = '?sourceTitle=Hostile%20files&sourcePublisher=Tests';
const HEADER = 'city,country,region,indicator,year,value,note\n';

async function postCsv(body: string | Uint8Array<ArrayBuffer>, query = SOURCE) {
  const response = await fetch(`${http.origin}/imports${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${editor}` },
    body,
  });
  const text = await response.text();
  return { status: response.status, bytes: Buffer.byteLength(text), json: JSON.parse(text) };
}

describe('long notes (row 5)', () => {
  it('imports notes of 3 KB, 10 KB and 100 KB and reads them back whole', async () => {
    // Random text, which Postgres cannot compress below the 2,704 bytes an index entry may
    // take (a repeated letter would fit), and multi-byte characters.
    const notes = [3 * 1024, 10 * 1024, 100 * 1024].map(
      (n, i) => `${'é'.repeat(i + 1)} ${randomBytes(n).toString('base64').slice(0, n)}`,
    );
    const csv = HEADER + notes.map((note, i) => `Boston,US,MA,homicide-rate,${1990 + i},${i + 1},${note}\n`).join('');
    const { status, json } = await postCsv(csv);
    expect(json).toMatchObject({ ok: true, added: 3 });
    expect(status).toBe(200);

    const response = await fetch(http.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ city(slug: "boston-us") { id } }`,
      }),
    });
    const cityId = ((await response.json()) as { data: { city: { id: string } } }).data.city.id;
    const compare = await fetch(http.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query($c: [ID!]!) { compare(cityIds: $c, indicatorCodes: ["homicide-rate"], yearFrom: 1990, yearTo: 1992) {
          series { points { year value note } } } }`,
        variables: { c: [cityId] },
      }),
    });
    const body = (await compare.json()) as {
      data: { compare: { series: { points: { year: number; value: number; note: string }[] }[] } };
    };
    expect(body.data.compare.series[0].points).toEqual(
      notes.map((note, i) => ({ year: 1990 + i, value: i + 1, note })),
    );
  });

  it('keeps free text out of the latest-observation index', async () => {
    const [{ indexdef }] = await db.dataSource.query(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'IDX_observation_latest'`,
    );
    expect(indexdef).toContain('INCLUDE (id, value, lower, upper, status, release_id, superseded_in_release_id)');
    expect(indexdef).not.toMatch(/note/);
  });
});

async function count(): Promise<number> {
  return (await db.dataSource.query(`SELECT count(*)::int AS n FROM observation`))[0].n;
}

/** The longest the event loop stood still while `work` ran, in ms. */
async function eventLoopStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    const result = await work();
    return { result, stallMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}

/** A file on disk, read as the CLI reads it (a stream), through the same import. */
async function importFile(bytes: Buffer) {
  const dir = mkdtempSync(path.join(tmpdir(), 'rg-hostile-'));
  try {
    const file = path.join(dir, 'hostile.csv');
    writeFileSync(file, bytes);
    return await importObservations(db.dataSource, createReadStream(file), {
      metadata: {
        source: {
          title: 'Hostile files',
          publisher: 'Tests',
          url: null,
          license: null,
          citation: 'Tests. Hostile files.',
          synthetic: false,
        },
        indicators: [],
        disaggregations: [],
      },
    });
  } finally {
    rmSync(dir, { recursive: true });
  }
}

/**
 * POSTs a file from another process (curl), so that the event loop measured is the server's
 * alone, not also a client encoding and sending megabytes.
 */
async function postFromOutside(file: Buffer) {
  const dir = mkdtempSync(path.join(tmpdir(), 'rg-hostile-'));
  try {
    const body = path.join(dir, 'body.csv');
    writeFileSync(body, file);
    return await eventLoopStall(async () => {
      const { stdout } = await execFileAsync('curl', [
        '-sS',
        '--max-time',
        '60',
        '-w',
        '\n%{http_code}',
        '-H',
        'content-type: text/csv',
        '-H',
        `authorization: Bearer ${editor}`,
        '--data-binary',
        `@${body}`,
        `${http.origin}/imports${SOURCE}`,
      ]);
      const cut = stdout.lastIndexOf('\n');
      const text = stdout.slice(0, cut);
      return { status: Number(stdout.slice(cut + 1)), bytes: Buffer.byteLength(text), json: JSON.parse(text) };
    });
  } finally {
    rmSync(dir, { recursive: true });
  }
}

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('invalid UTF-8 (row 14)', () => {
  // Line 3: a Latin-1 "é" (0xE9, not UTF-8) in the note; line 4: a stray continuation byte in
  // the city; line 2 holds a real U+FFFD, which is valid UTF-8 and imports.
  const file = bytes(
    HEADER,
    'Boston,US,MA,homicide-rate,1980,1,a real \uFFFD replacement\n',
    'Boston,US,MA,homicide-rate,1981,2,caf',
    [0xe9],
    '\n',
    'Bost',
    [0x80],
    'n,US,MA,homicide-rate,1982,3,\n',
  );
  const expected = [
    {
      line: 3,
      column: 'note',
      value: 'caf\uFFFD',
      reason: 'is not valid UTF-8 (the value shows U+FFFD where the bytes were): save the file as UTF-8',
    },
    {
      line: 4,
      column: 'city',
      value: 'Bost\uFFFDn',
      reason: 'is not valid UTF-8 (the value shows U+FFFD where the bytes were): save the file as UTF-8',
    },
  ];

  it('is a problem with line and column over HTTP, and nothing is imported', async () => {
    const before = await count();
    const { status, json } = await postCsv(new Uint8Array(file));
    expect(status).toBe(422);
    expect(json).toMatchObject({ ok: false, problemCount: 2, problems: expected });
    expect(await count()).toBe(before);
  });

  it('is the same problem when the CLI streams the file', async () => {
    const before = await count();
    const report = await importFile(file);
    expect(report).toMatchObject({ ok: false, problemCount: 2, problems: expected });
    expect(await count()).toBe(before);
  });

  it('refuses a UTF-16 file with one problem', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')]);
    const { status, json } = await postCsv(new Uint8Array(utf16));
    expect(status).toBe(422);
    expect(json.problems).toEqual([
      {
        line: 1,
        column: null,
        value: null,
        reason: 'the file is UTF-16 (its byte-order mark says so): save it as UTF-8',
      },
    ]);
  });

  it('refuses a JSON body that is not UTF-8 with a coded 400', async () => {
    const body = bytes('{"csv":"', HEADER.replace('\n', '\\n'), 'Boston,US,MA,homicide-rate,1983,1,caf', [0xe9], '"}');
    const response = await fetch(`${http.origin}/imports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${editor}` },
      body: new Uint8Array(body),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'the request body is not valid UTF-8',
          extensions: { code: 'BAD_REQUEST', requestId: response.headers.get('x-request-id') },
        },
      ],
    });
  });
});

describe('header limits (row 10)', () => {
  // Each answer is one short problem: the response stays small whatever the file's size, and
  // the event loop keeps turning (the issue saw 17-31 s stalls and 100 MB echoes).
  const MAX_ANSWER_BYTES = 2_000;
  // A stall is seconds of blocked event loop (17,000+ ms when this was broken), not a slow read:
  // healthy reads block it 50-650 ms on a shared 2-core machine, so the bound leaves room for load.
  const MAX_STALL_MS = 3000;

  it('refuses a header of a million columns, over HTTP and from a file', async () => {
    const header = Buffer.from(`${'c,'.repeat(500_000)}c\n`); // 1,000,001 bytes: under the line limit
    const reason = 'the header has more than 200 columns, the most a file may have';
    const { result, stallMs } = await postFromOutside(header);
    expect(result.status).toBe(422);
    expect(result.json.problems).toEqual([{ line: 1, column: null, value: null, reason }]);
    expect(result.bytes).toBeLessThan(MAX_ANSWER_BYTES);
    expect(stallMs).toBeLessThan(MAX_STALL_MS);
    expect((await importFile(header)).problems).toEqual([{ line: 1, column: null, value: null, reason }]);
    // 200 columns is allowed (the file then fails on the columns it does not know).
    const wide = await postCsv(`${HEADER.trim()},${Array.from({ length: 193 }, (_, i) => `x${i}`).join(',')}\n`);
    expect(wide.json.problems).toHaveLength(193);
    expect(wide.json.problems[0].reason).toMatch(/^unknown column/);
  });

  it('refuses a 50 MB header without a line feed after its first megabyte', async () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, 'city');
    const reason = 'the line is longer than 1,048,576 bytes, the most a line may have; nothing after it was read';
    const { result, stallMs } = await postFromOutside(huge);
    expect(result.status).toBe(422);
    expect(result.json.problems).toEqual([{ line: 1, column: null, value: null, reason }]);
    expect(result.bytes).toBeLessThan(MAX_ANSWER_BYTES);
    expect(stallMs).toBeLessThan(MAX_STALL_MS);
    const fromFile = await eventLoopStall(() => importFile(huge));
    expect(fromFile.result.problems).toEqual([{ line: 1, column: null, value: null, reason }]);
    expect(fromFile.stallMs).toBeLessThan(MAX_STALL_MS);
  });

  it('reads a data line of a million empty fields without stalling, and reports it in one line', async () => {
    const file = Buffer.from(`${HEADER}${','.repeat(1_000_000)}\n`);
    const { result, stallMs } = await postFromOutside(file);
    expect(result.status).toBe(422);
    expect(result.json.problems).toEqual([
      { line: 2, column: null, value: null, reason: 'has 1000001 fields, the header has 7' },
    ]);
    expect(result.bytes).toBeLessThan(MAX_ANSWER_BYTES);
    expect(stallMs).toBeLessThan(MAX_STALL_MS);
  });

  it('refuses a data line over the limit with its line number, and echoes no long value', async () => {
    const file = bytes(
      HEADER,
      'Boston,US,MA,homicide-rate,1984,1,short\n',
      `Boston,US,MA,homicide-rate,1985,1,${'n'.repeat(2 * 1024 * 1024)}\n`,
    );
    const { status, json, bytes: size } = await postCsv(new Uint8Array(file));
    expect(status).toBe(422);
    expect(json.problems).toEqual([
      {
        line: 3,
        column: null,
        value: null,
        reason: 'the line is longer than 1,048,576 bytes, the most a line may have; nothing after it was read',
      },
    ]);
    expect(size).toBeLessThan(MAX_ANSWER_BYTES);
  });

  it('repeats at most a short prefix of a long unknown column name', async () => {
    const name = 'x'.repeat(500_000);
    const { status, json, bytes: size } = await postCsv(`${HEADER.trim()},${name}\n`);
    expect(status).toBe(422);
    expect(json.problems).toHaveLength(1);
    expect(json.problems[0].column).toBe(`${'x'.repeat(200)}… (500000 characters)`);
    expect(size).toBeLessThan(MAX_ANSWER_BYTES);
  });
});
