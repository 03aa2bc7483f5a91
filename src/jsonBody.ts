import express, { type RequestHandler } from 'express';
import type http from 'node:http';

export interface JsonBodyOptions {
  /** The largest body accepted, in bytes: a longer one is answered 413. */
  limit: number;
  /** Called with the raw body before it is parsed; what it throws refuses the request. */
  verify?: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;
}

/** The content types read directly: JSON in UTF-8 (compared lower-cased). */
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/**
 * The JSON body parser of POST /graphql: `express.json({ limit, verify })`, with the request every
 * client sends read directly. A body of known length within the limit, not compressed, declared
 * `application/json` (in UTF-8, or with no charset) is read, checked by `verify` and parsed here,
 * with the answers body-parser gives (the same status, type and message for a refused body, a
 * strict-mode or syntax error, a byte-order mark dropped); any other request (another type or
 * charset, a compressed, chunked, empty or oversized body) goes to `express.json` itself.
 * test/integration/jsonBody.test.ts sends the same bodies to both and compares the answers.
 *
 * Why: body-parser's general path (content-type and charset parsing, the charset table, raw-body's
 * stream handling) was about 9% of a point lookup's CPU samples, most of it spent deciding what
 * this decides with one header lookup each (docs/performance.md, "A leaner POST /graphql").
 */
export function jsonBody(options: JsonBodyOptions): RequestHandler {
  const { limit, verify } = options;
  const general = express.json({ limit, verify });
  return (req, res, next) => {
    const length = plainLength(req, limit);
    if (length === null) {
      general(req, res, next);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onAborted);
      if (error !== undefined) {
        next(error);
        return;
      }
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
      if (verify) {
        try {
          verify(req, res, body);
        } catch (refusal) {
          next(clientError(refusal, 403, 'entity.verify.failed'));
          return;
        }
      }
      let text = body.toString('utf8');
      // body-parser decodes with iconv-lite, which drops a UTF-8 byte-order mark.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      try {
        req.body = parseStrict(text);
      } catch (syntax) {
        next(clientError(syntax, 400, 'entity.parse.failed'));
        return;
      }
      next();
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      settle(
        received === length
          ? undefined
          : clientError(new Error('request size did not match content length'), 400, 'request.size.invalid'),
      );
    };
    // The client went away before the whole body came: the answer has nowhere to go, and the
    // request must not wait for ever.
    const onAborted = (): void => settle(clientError(new Error('request aborted'), 400, 'request.aborted'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onAborted);
    req.once('close', onAborted);
  };
}

/** The declared length of a body this reads directly, or null for express.json to handle. */
function plainLength(req: http.IncomingMessage, limit: number): number | null {
  const headers = req.headers;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return null;
  const type = headers['content-type'];
  if (type === undefined || !PLAIN_JSON.has(type.toLowerCase())) return null;
  const declared = headers['content-length'];
  if (declared === undefined || !/^[0-9]{1,10}$/.test(declared)) return null;
  const length = Number(declared);
  // An empty body, one over the limit and a stream already read are express.json's to answer.
  if (length === 0 || length > limit || !req.readable) return null;
  return length;
}

/** JSON.parse in body-parser's strict mode: only an object or an array; an empty body is `{}`. */
function parseStrict(text: string): unknown {
  if (text.length === 0) return {};
  const first = firstNonSpace(text);
  if (first !== '{' && first !== '[') throw strictViolation(text, first);
  return JSON.parse(text);
}

/** The first character that is not JSON whitespace (space, tab, line feed, carriage return). */
function firstNonSpace(text: string): string | undefined {
  for (let at = 0; at < text.length; at += 1) {
    const code = text.charCodeAt(at);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return text[at];
  }
  return undefined;
}

/**
 * body-parser's error for a body that is valid JSON but not an object or array: JSON.parse's own
 * message for the text with everything from the first character on masked, unmasked again.
 */
function strictViolation(text: string, first: string | undefined): Error {
  const at = first === undefined ? -1 : text.indexOf(first);
  const masked = at === -1 ? '' : text.slice(0, at) + '#'.repeat(text.length - at);
  try {
    JSON.parse(masked);
    return new SyntaxError('strict violation');
  } catch (error) {
    const syntax = error as Error;
    syntax.message = syntax.message.replace(/#+/g, (mask) => text.slice(at, at + mask.length));
    return syntax;
  }
}

/** As http-errors' `createError(status, error, { type })` marks an error for the final handler. */
function clientError(error: unknown, status: number, type: string): Error {
  const marked = (error instanceof Error ? error : new Error(String(error))) as Error & {
    status?: number;
    statusCode?: number;
    expose?: boolean;
    type?: string;
  };
  let code = marked.status ?? marked.statusCode ?? status;
  if (!Number.isInteger(code) || code < 400 || code >= 600) code = 500;
  marked.status = marked.statusCode = code;
  marked.expose = code < 500;
  marked.type ??= type;
  return marked;
}
