import { mkdtempSync, rmSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { PIECE, readCsv } from '../../src/modules/ingest/csvRecords';
import { readObservations } from '../../src/modules/ingest/parseObservations';

async function records(input: string | Buffer | Readable) {
  const found = [];
  for await (const record of readCsv(input, (p) => found.push(p))) found.push(record);
  return found;
}

describe('readCsv on a file held in memory', () => {
  // The file is fed to the parser in pieces of PIECE characters (bytes for a Buffer): what
  // straddles a boundary must come out whole.
  const header = 'city,note\n';
  const emoji = '\u{1F600}'; // one character, two UTF-16 code units, four bytes in UTF-8

  it('keeps a surrogate pair that straddles two pieces of a string', async () => {
    // The emoji's first code unit is the last of the first piece.
    const note = 'x'.repeat(PIECE - 1 - header.length - 'A,'.length) + emoji + 'y';
    const csv = `${header}A,${note}\nB,z\n`;
    expect(csv.charCodeAt(PIECE - 1)).toBe(0xd83d);
    expect(await records(csv)).toEqual([
      { line: 1, values: ['city', 'note'] },
      { line: 2, values: ['A', note] },
      { line: 3, values: ['B', 'z'] },
    ]);
  });

  it('keeps a UTF-8 character and a quoted newline that straddle two pieces of a Buffer', async () => {
    // 'é' is two bytes: its first byte is the last of the first piece; the quoted field goes on.
    const note = 'x'.repeat(PIECE - 1 - header.length - 'A,"'.length) + 'é\nnext line';
    const csv = Buffer.from(`${header}A,"${note}"\nB,z\n`, 'utf8');
    expect(csv[PIECE - 1]).toBe(0xc3);
    expect(await records(csv)).toEqual([
      { line: 1, values: ['city', 'note'] },
      { line: 2, values: ['A', note] },
      { line: 4, values: ['B', 'z'] },
    ]);
  });

  it('marks a field with bytes that are not UTF-8, also across two pieces, and not a real U+FFFD', async () => {
    // A lead byte (0xC3) ends the first piece and the next piece starts with a letter, not its
    // continuation: invalid, though each piece alone looks fine or merely unfinished.
    const prefix = Buffer.from(`${header}A,ok \uFFFD\nB,`, 'utf8');
    const filler = Buffer.alloc(PIECE - 1 - prefix.length, 'x');
    const csv = Buffer.concat([prefix, filler, Buffer.from([0xc3]), Buffer.from('y\rC,\u00e9\r', 'utf8')]);
    expect(csv[PIECE - 1]).toBe(0xc3);
    expect(await records(csv)).toEqual([
      { line: 1, values: ['city', 'note'] },
      { line: 2, values: ['A', 'ok \uFFFD'] },
      { line: 3, values: ['B', `${filler.toString()}\uFFFDy`], invalidUtf8: [1] },
      { line: 4, values: ['C', '\u00e9'] },
    ]);
  });

  it('numbers lines ending in CR, CRLF (also split between two pieces) and LF alike', async () => {
    const first = `${header}A,1\rA2,2\n`;
    const csv = Buffer.concat([
      Buffer.from(first),
      Buffer.alloc(PIECE - first.length - 1, '\n'), // blank lines, then a CR as the piece's last byte
      Buffer.from('\r\nB,'),
      Buffer.from([0xff]),
      Buffer.from('\r\nC,3\n'),
    ]);
    expect(csv[PIECE - 1]).toBe(13);
    const blank = PIECE - first.length - 1;
    expect(await records(csv)).toEqual([
      { line: 1, values: ['city', 'note'] },
      { line: 2, values: ['A', '1'] },
      { line: 3, values: ['A2', '2'] },
      // Lines 4 to blank + 3 are blank, blank + 4 is the empty line the split CRLF ends.
      { line: blank + 5, values: ['B', '\uFFFD'], invalidUtf8: [1] },
      { line: blank + 6, values: ['C', '3'] },
    ]);
  });

  it('reads an empty string as no records', async () => {
    expect(await records('')).toEqual([]);
  });
});

describe('readCsv on a stream', () => {
  it('rejects with the error of a source that fails half-way, not as a CSV problem', async () => {
    const source = new Readable({ read() {} });
    source.push('city,note\nA,x\nB,');
    setImmediate(() => source.destroy(Object.assign(new Error('disk on fire'), { code: 'EIO' })));
    const found: unknown[] = [];
    await expect(
      (async () => {
        for await (const record of readCsv(source, (p) => found.push(p))) found.push(record);
      })(),
    ).rejects.toThrow('disk on fire');
    // The error is the reader's, not a CSV syntax problem: only records came out (the parser
    // drops those it buffered when it is destroyed).
    expect(found.length).toBeGreaterThan(0);
    for (const item of found) expect(item).toHaveProperty('values');
  });

  it('rejects when the file is a directory instead of crashing the process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rg-csv-'));
    try {
      await expect(records(createReadStream(dir))).rejects.toMatchObject({ code: 'EISDIR' });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('closes the source when the reader stops early', async () => {
    // A bad header stops readObservations after the first record; the stream has more to give.
    const source = Readable.from(['city,country,bogus\n', 'A,US,1\n', 'B,US,2\n']);
    const problems: unknown[] = [];
    for await (const row of readObservations(source, { onProblem: (p) => problems.push(p) })) problems.push(row);
    expect(problems.length).toBeGreaterThan(0);
    expect(source.destroyed).toBe(true);
  });

  it('still reports a quote in an unquoted field as a CSV syntax error', async () => {
    // csv-parse's only error code without the CSV_ prefix: still the file's syntax, reported.
    const found = await records('city,note\nA,b"c\n');
    expect(found.at(-1)).toEqual({
      line: 2,
      column: null,
      value: null,
      reason: expect.stringMatching(/^CSV syntax error: Invalid Opening Quote/),
    });
  });
});

describe('readCsv reads lines without quotes itself, and the rest with csv-parse', () => {
  // csv-parse on the whole file, with readCsv's options, is the reference: the fast path must
  // make the same records of the same lines, and hand the parser the rest with its line numbers.
  const options = {
    bom: false,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
  };

  it('makes the records csv-parse makes of spaces, blank lines, CRLF and Unicode whitespace', async () => {
    const csv = [
      'city , note,,\r\n',
      '\n',
      '   \t \n',
      ' A ,\u00a0x\u3000, \u2028,\r\n',
      '\r\n',
      ',\n',
      'B,\uFEFFy z\n',
      'C',
    ].join('');
    const expected = parse(csv, options) as string[][];
    const found = await records(csv);
    expect(found.map((r) => (r as { values: string[] }).values)).toEqual(expected);
    expect(found.map((r) => (r as { line: number }).line)).toEqual([1, 4, 6, 7, 8]);
  });

  it('makes the records csv-parse makes of random lines without quotes', async () => {
    // A fixed linear congruential sequence: the same 50 files every run.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = ['a', 'b', ' ', '\t', ',', ',', '\u00a0', '\u3000', 'é', '\n', '\r\n', '\uFEFF', '\u2028'];
    for (let round = 0; round < 50; round += 1) {
      let csv = 'x,';
      for (let i = 0; i < 300; i += 1) csv += alphabet[Math.floor(next() * alphabet.length)];
      const found = await records(csv);
      expect(found.map((r) => (r as { values: string[] }).values)).toEqual(parse(csv, options));
    }
  });

  it('switches to csv-parse at the first quote, with the lines of the file', async () => {
    // The quote is in the second of the guard's 16 KB pieces, and more pieces follow it.
    const plain = (n: number) => Array.from({ length: n }, (_, i) => `P${i},${i}\n`).join('');
    const csv = `city,note\n${plain(3000)}Q,"a, b\nc"\nR,1\r\nS,2\n${plain(6000)}`;
    const found = await records(csv);
    expect(found).toHaveLength(1 + 3000 + 3 + 6000);
    expect(found.map((r) => (r as { values: string[] }).values)).toEqual(parse(csv, options));
    // Line 1 the header, 2-3001 the plain rows, 3002-3003 the quoted note, then R, S and the rest.
    expect(found.slice(3001, 3005)).toEqual([
      { line: 3002, values: ['Q', 'a, b\nc'] },
      { line: 3004, values: ['R', '1'] },
      { line: 3005, values: ['S', '2'] },
      { line: 3006, values: ['P0', '0'] },
    ]);
    expect(found.at(-1)).toEqual({ line: 9005, values: ['P5999', '5999'] });
  });

  it('reports a syntax error after lines read without csv-parse as csv-parse reports it on the whole file', async () => {
    const plain = Array.from({ length: 3000 }, (_, i) => `P${i},${i}\n`).join('');
    const csv = `city,note\n${plain}\nQ,"open\nR,1\n`;
    let reference: { lines: number; message: string } | null = null;
    try {
      parse(csv, options);
    } catch (error) {
      reference = error as { lines: number; message: string };
    }
    expect(reference?.lines).toBe(3004);
    const found = await records(csv);
    expect(found.at(-1)).toEqual({
      line: reference!.lines,
      column: null,
      value: null,
      reason: `CSV syntax error: ${reference!.message}`,
    });
  });
});
