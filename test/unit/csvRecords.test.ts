import { PIECE, readCsv } from '../../src/modules/ingest/csvRecords';

async function records(input: string | Buffer) {
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

  it('reads an empty string as no records', async () => {
    expect(await records('')).toEqual([]);
  });
});
