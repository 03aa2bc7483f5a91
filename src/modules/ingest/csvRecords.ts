import { CsvError, parse } from 'csv-parse';
import { isUtf8 } from 'node:buffer';
import { Readable, Transform, type TransformCallback } from 'node:stream';
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
  /** Positions of the fields whose bytes were not valid UTF-8 (decoded with U+FFFD in their place). */
  invalidUtf8?: number[];
}

/**
 * Longest line (bytes between two line feeds) a file may have, and longest record (characters).
 * A line feed ends a line even inside a quoted field, so a long note may span lines, but no
 * record may pass this either. Lines are checked on the bytes before the parser sees them: a
 * 50 MB header without a line feed is refused after its first megabyte, not parsed into
 * millions of columns.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Most columns the header may have. Counted on the bytes of the first line (its commas), before
 * the parser sees them: the parser spends microseconds on each field, so a header of a million
 * empty columns was seconds of work before anything could look at it.
 */
export const MAX_COLUMNS = 200;

/**
 * Bytes the parser gets at once, with a turn of the event loop between two: it parses a piece
 * without stopping, and a line of a megabyte of commas is 500,000 fields.
 */
const PARSER_PIECE = 16 * 1024;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Why reading stopped early: the file broke a limit that makes reading on pointless. */
class FileRefused extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** How many bytes at the end of `data` begin a UTF-8 sequence that the next chunk completes. */
function incompleteTail(data: Buffer): number {
  for (let back = 1; back <= Math.min(3, data.length); back += 1) {
    const byte = data[data.length - back];
    if (byte < 0x80 || byte >= 0xc0) {
      const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      return needs > back ? back : 0;
    }
  }
  return 0;
}

/**
 * Checks the bytes before the parser sees them: counts lines, refuses one longer than
 * MAX_LINE_BYTES, drops a UTF-8 byte-order mark, refuses UTF-16 (its BOM), and notes the lines
 * holding bytes that are not valid UTF-8 (which the parser decodes to U+FFFD without a word).
 * Native `indexOf` and `isUtf8` do the work: nothing per byte in JavaScript, unless a chunk is
 * invalid, when each of its lines is checked on its own.
 */
class ByteGuard extends Transform {
  /** Lines with invalid UTF-8 not yet matched with a record, in increasing order. */
  readonly invalidLines: number[] = [];
  private line = 1;
  private length = 0;
  private first = true;
  private carry: Buffer | null = null;
  /** Commas on the first line so far: the header's columns, less one. */
  private headerCommas = 0;
  /** The last chunk ended in CR: an LF starting this one ends no other line. */
  private afterCR = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.first) {
      this.first = false;
      if (chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
        callback(new FileRefused(1, 'the file is UTF-16 (its byte-order mark says so): save it as UTF-8'));
        return;
      }
      if (chunk.subarray(0, 3).equals(UTF8_BOM)) chunk = chunk.subarray(3);
    }
    // A character split between two chunks is checked whole, with the next chunk.
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const tail = incompleteTail(data);
    const body = tail > 0 ? data.subarray(0, data.length - tail) : data;
    this.carry = tail > 0 ? Buffer.from(data.subarray(data.length - tail)) : null;
    const refused = this.scan(body, !isUtf8(body));
    if (refused) {
      callback(refused);
      return;
    }
    this.forward(body, callback);
  }

  private forward(body: Buffer, callback: TransformCallback): void {
    let at = 0;
    const next = () => {
      if (this.destroyed) return;
      const end = Math.min(at + PARSER_PIECE, body.length);
      if (end > at) this.push(body.subarray(at, end));
      at = end;
      if (at >= body.length) callback();
      else setImmediate(next);
    };
    next();
  }

  override _flush(callback: TransformCallback): void {
    // A character the file never completes.
    if (this.carry) this.note(this.line);
    callback(null, this.carry ?? undefined);
  }

  private scan(body: Buffer, invalid: boolean): FileRefused | null {
    // Lines end at LF, CRLF or a lone CR, as the parser's records do. The next LF and CR are
    // each searched for once and reused until passed: no rescans of a chunk without CRs.
    let from = this.afterCR && body[0] === 10 ? 1 : 0;
    this.afterCR = false;
    let lf = body.indexOf(10, from);
    let cr = body.indexOf(13, from);
    for (;;) {
      if (lf !== -1 && lf < from) lf = body.indexOf(10, from);
      if (cr !== -1 && cr < from) cr = body.indexOf(13, from);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      const stop = end === -1 ? body.length : end;
      if (this.line === 1) {
        // At most MAX_COLUMNS + 1 searches, however long the line. A quoted header name with a
        // comma counts one too many: no real header is near the limit.
        for (let comma = body.indexOf(44, from); comma !== -1 && comma < stop; comma = body.indexOf(44, comma + 1)) {
          this.headerCommas += 1;
          if (this.headerCommas >= MAX_COLUMNS) {
            return new FileRefused(1, `the header has more than ${MAX_COLUMNS} columns, the most a file may have`);
          }
        }
      }
      if (this.length + stop - from > MAX_LINE_BYTES) {
        return new FileRefused(
          this.line,
          `the line is longer than ${MAX_LINE_BYTES.toLocaleString('en')} bytes, the most a line may have; nothing after it was read`,
        );
      }
      if (invalid && !isUtf8(body.subarray(from, stop))) this.note(this.line);
      if (end === -1) {
        this.length += stop - from;
        return null;
      }
      this.line += 1;
      this.length = 0;
      from = end + 1;
      if (body[end] === 13) {
        if (end + 1 === body.length) this.afterCR = true;
        else if (body[end + 1] === 10) from = end + 2;
      }
    }
  }

  private note(line: number): void {
    if (this.invalidLines.at(-1) !== line) this.invalidLines.push(line);
  }
}

/**
 * The fields of a record (lines `first` to `last`) that hold bytes the guard found invalid:
 * those showing U+FFFD, the decoder's replacement. Lines before the record are done with.
 */
function invalidFields(guard: ByteGuard, first: number, last: number, values: string[]): number[] | undefined {
  const lines = guard.invalidLines;
  let done = 0;
  while (done < lines.length && lines[done] < first) done += 1;
  if (done > 0) lines.splice(0, done);
  if (lines.length === 0 || lines[0] > last) return undefined;
  const fields = values.flatMap((v, i) => (v.includes('\uFFFD') ? [i] : []));
  return fields.length > 0 ? fields : undefined;
}

/** A parser error's message, without the megabyte field some of them quote. */
function syntaxMessage(error: CsvError): string {
  const message = error.message ?? String(error);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/**
 * Whether csv-parse is needed for these complete lines: they hold a quote, or a CR that does not
 * end a line with the LF after it (a lone CR ends a record, which the fast path does not split on).
 */
function needsParser(lines: Buffer): boolean {
  if (lines.indexOf(34) !== -1) return true;
  for (let cr = lines.indexOf(13); cr !== -1; cr = lines.indexOf(13, cr + 1)) {
    if (lines[cr + 1] !== 10) return true;
  }
  return false;
}

/**
 * Reads CSV as real files come: with or without a UTF-8 byte-order mark, CRLF or LF line ends,
 * quoted fields holding commas, quotes and newlines, blank lines, and whitespace around fields.
 * Yields the header once, then records with the line each starts on, and the fields that were
 * not valid UTF-8. A syntax error (e.g. an unclosed quote), a line or field over
 * MAX_LINE_BYTES or a UTF-16 file ends the file with a problem rather than an exception.
 *
 * Lines without a quote are split here, on the commas, with what csv-parse would make of them:
 * fields trimmed of the whitespace `String.prototype.trim` removes (csv-parse's `trim` trims the
 * same characters), blank and whitespace-only lines skipped. csv-parse looks at every byte on its
 * own in JavaScript: for files without quotes (most statistics files) it was most of the time
 * spent reading. From the first line holding a quote (or a lone CR) to the end, csv-parse reads
 * the file as before: it is first given a line feed for each line already read, so its line
 * numbers (in records and in its error messages) are the file's.
 *
 * The parser hands over bytes (`encoding: null`), not text: decoding them here is what tells
 * a field with invalid UTF-8 (which would otherwise be stored with U+FFFD in silence) from one
 * that really holds U+FFFD. Invalid bytes never straddle a comma or a line feed (a UTF-8
 * sequence holds no ASCII byte), so decoding a line at once gives the fields csv-parse decodes
 * one by one.
 */
export async function* readCsv(
  input: Readable | string | Buffer,
  onProblem: (p: ImportProblem) => void,
): AsyncGenerator<CsvRecord> {
  for await (const records of readCsvBatches(input, onProblem)) yield* records;
}

/**
 * readCsv's records in batches, those of a piece of the file at once: one turn of the consumer's
 * loop per batch rather than per record, for a reader going through millions of records.
 */
export async function* readCsvBatches(
  input: Readable | string | Buffer,
  onProblem: (p: ImportProblem) => void,
): AsyncGenerator<CsvRecord[]> {
  const source = typeof input === 'string' || Buffer.isBuffer(input) ? Readable.from(pieces(input)) : input;
  const guard = new ByteGuard();
  // The byte-order mark is the guard's to drop, the limits the guard's to enforce first.
  const parser = parse({
    bom: false,
    max_record_size: MAX_LINE_BYTES,
    // Named rather than discovered: discovery rescans the unfinished record for every piece,
    // quadratic in a long line (2.3 s for a megabyte without a line feed, 0.28 s named).
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
  });
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
    const invalidUtf8 = invalidFields(guard, line, previousEnd, record);
    return push((invalidUtf8 ? { line, values: record, invalidUtf8 } : { line, values: record }) satisfies CsvRecord);
  };
  let bypassed = false;
  // Lines read by the fast path; from the first that needs the parser on, the parser's.
  let line = 0;
  let useParser = false;
  // pipe() does not forward the source's errors: a file that cannot be read (EISDIR, EACCES)
  // would be an uncaught exception instead of ending the loop below with it.
  source.on('error', (error) => guard.destroy(error));
  // Before the parser is used, the loop over the guard's pieces gets its error itself.
  guard.on('error', (error) => {
    if (useParser) parser.destroy(error);
  });
  const split = (lines: string): CsvRecord[] => {
    const records: CsvRecord[] = [];
    for (let from = 0; from < lines.length;) {
      const lf = lines.indexOf('\n', from);
      const end = lf === -1 ? lines.length : lf;
      let text = lines.slice(from, end);
      from = end + 1;
      line += 1;
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim() === '') continue;
      const values = text.split(',');
      for (let i = 0; i < values.length; i += 1) values[i] = values[i].trim();
      const invalidUtf8 = invalidFields(guard, line, line, values);
      records.push(invalidUtf8 ? { line, values, invalidUtf8 } : { line, values });
    }
    return records;
  };
  try {
    source.pipe(guard);
    // Not destroyed when the loop stops: from a line that needs the parser on, it is piped there.
    const chunks = guard.iterator({ destroyOnReturn: false });
    let pending: Buffer[] = [];
    for await (const piece of chunks as AsyncIterable<Buffer>) {
      const lf = piece.lastIndexOf(10);
      if (lf === -1) {
        pending.push(piece);
        continue;
      }
      const lines =
        pending.length > 0 ? Buffer.concat([...pending, piece.subarray(0, lf + 1)]) : piece.subarray(0, lf + 1);
      pending = lf + 1 < piece.length ? [piece.subarray(lf + 1)] : [];
      if (needsParser(lines)) {
        useParser = true;
        if (line > 0) parser.write(Buffer.alloc(line, 10));
        parser.write(lines);
        for (const rest of pending) parser.write(rest);
        break;
      }
      yield split(lines.toString('utf8'));
    }
    if (!useParser && pending.length > 0) {
      const last = Buffer.concat(pending);
      if (needsParser(last)) {
        useParser = true;
        if (line > 0) parser.write(Buffer.alloc(line, 10));
        parser.write(last);
        parser.end();
      } else {
        yield split(last.toString('utf8'));
      }
    } else if (useParser) {
      guard.pipe(parser);
    }
    if (useParser) {
      for await (const record of parser as AsyncIterable<CsvRecord | string[]>) {
        if (Array.isArray(record)) {
          bypassed = true;
          break;
        }
        yield [record];
      }
    }
  } catch (error) {
    if (error instanceof FileRefused) {
      onProblem(problem(error.line, null, null, error.reason));
      return;
    }
    // Only the parser's own errors are about the file's syntax (their codes start with CSV_,
    // but for INVALID_OPENING_QUOTE); reading the file failed otherwise.
    if (!(error instanceof CsvError)) throw error;
    const e = error as CsvError & { lines?: number };
    const reason =
      e.code === 'CSV_MAX_RECORD_SIZE'
        ? `a record is longer than ${MAX_LINE_BYTES.toLocaleString('en')} characters, the most a record may have; nothing after it was read`
        : `CSV syntax error: ${syntaxMessage(e)}`;
    onProblem(problem(e.lines ?? previousEnd + 1, null, null, reason));
  } finally {
    // Stopping early (a bad header, an error downstream) must not leave the file open.
    source.destroy();
    guard.destroy();
    parser.destroy();
  }
  if (bypassed) throw new Error('csv-parse pushed a record without push(): readCsv cannot number its lines');
}
