import { mkdtempSync, rmSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
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
