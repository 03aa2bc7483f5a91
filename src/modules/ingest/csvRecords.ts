import { CsvError, parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { type ImportProblem, problem } from './importErrors';

/** Size of the pieces a whole file in memory is fed to the parser in. */
export const PIECE = 65_536;

/**
 * A file held in memory, in pieces: the parser reads a piece at once and buffers every record
 * of it, so one piece for the whole file would hold all its records at the same time (about
 * 1 KB each), however fast they are consumed.
 */
function* pieces(input: string | Buffer): Generator<string | Buffer> {
  for (let start = 0; start < input.length;) {
    let end = Math.min(start + PIECE, input.length);
    if (typeof input === 'string') {
      // Never split a surrogate pair: the parser encodes each string piece to UTF-8 on its own.
      const last = input.charCodeAt(end - 1);
      if (end < input.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
      yield input.slice(start, end);
    } else {
      yield input.subarray(start, end);
    }
    start = end;
  }
}

export interface CsvRecord {
  /** 1-based line where the record starts (a quoted field may span several lines). */
  line: number;
  values: string[];
}

/**
 * Reads CSV as real files come: with or without a UTF-8 byte-order mark, CRLF or LF line ends,
 * quoted fields holding commas, quotes and newlines, blank lines, and whitespace around fields.
 * Yields the header once, then records with the line each starts on. A syntax error (e.g. an
 * unclosed quote) ends the file with a problem rather than an exception.
 */
export async function* readCsv(
  input: Readable | string | Buffer,
  onProblem: (p: ImportProblem) => void,
): AsyncGenerator<CsvRecord> {
  const source = typeof input === 'string' || Buffer.isBuffer(input) ? Readable.from(pieces(input)) : input;
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true });
  // The line a record starts on, from the parser's line counts when it pushes the record. Its
  // `info` option does the same but copies all its counters twice per record: a third of the
  // parsing time. This relies on the parser pushing each record through its own `push`
  // (csv-parse 7); the check below fails loudly if an upgrade changes that.
  let previousEnd = 0;
  let previousEmpty = 0;
  const push = parser.push.bind(parser);
  parser.push = (record: string[] | null) => {
    if (record === null) return push(null);
    const line = previousEnd + 1 + (parser.info.empty_lines - previousEmpty);
    previousEnd = parser.info.lines;
    previousEmpty = parser.info.empty_lines;
    return push({ line, values: record } satisfies CsvRecord);
  };
  let bypassed = false;
  // pipe() does not forward the source's errors: a file that cannot be read (EISDIR, EACCES)
  // would be an uncaught exception instead of ending the loop below with it.
  source.on('error', (error) => parser.destroy(error));
  try {
    for await (const record of source.pipe(parser) as AsyncIterable<CsvRecord | string[]>) {
      if (Array.isArray(record)) {
        bypassed = true;
        break;
      }
      yield record;
    }
  } catch (error) {
    // Only the parser's own errors are about the file's syntax (their codes start with CSV_,
    // but for INVALID_OPENING_QUOTE); reading the file failed otherwise.
    if (!(error instanceof CsvError)) throw error;
    const e = error as CsvError & { lines?: number };
    onProblem(problem(e.lines ?? previousEnd + 1, null, null, `CSV syntax error: ${e.message ?? String(error)}`));
  } finally {
    // Stopping early (a bad header, an error downstream) must not leave the file open.
    source.destroy();
  }
  if (bypassed) throw new Error('csv-parse pushed a record without push(): readCsv cannot number its lines');
}
