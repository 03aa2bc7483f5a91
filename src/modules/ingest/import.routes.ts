import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import express, { type Request, Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import type { GraphQLError } from 'graphql';
import { ErrorCode, requestError } from '../../errors';
import { sendHttpError } from '../../httpErrors';
import { Role } from '../auth/apiKey.entity';
import { authOf } from '../auth/apiKeys';
import { requireRole } from '../auth/authorize';
import { type ImportMetadata, readDatapackage } from './datapackage';
import type { ImportProblem } from './importErrors';
import { importCommitments } from './importCommitments';
import { importObservations } from './importObservations';
import { DEFAULT_FORMAT, MEDIA_TYPES, observationReader, readerForMediaType } from './observationReaders';
import { defaultCitation } from '../source/citationText';

/** The answer to a body over the limit, in the words body-parser uses for the JSON one. */
const tooLarge = (limit: number) =>
  requestError(ErrorCode.PAYLOAD_TOO_LARGE, `request entity too large: at most ${limit} bytes`);

/**
 * The request body as a stream of at most `limit` bytes, failing as body-parser does over its
 * limit (413). Nothing is read from the request until the import reads this stream: a counter
 * piped from the request at once counted the first ~32 KB before the import listened, and with
 * a small IMPORT_MAX_BYTES its error had no listener (an uncaught 'error', the process down).
 * A client that goes away mid-upload ends the request's iterator with an error, which fails
 * the import instead of leaving it waiting for the end of the file. Stopping early (destroying
 * this stream) leaves the request alone: Node discards the rest once the answer is sent.
 */
function streamOf(req: Request, limit: number): Readable {
  async function* limited(): AsyncGenerator<Buffer> {
    let seen = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > limit) throw tooLarge(limit);
      yield chunk;
    }
    if (!req.complete) throw new Error('the client closed the request before sending the whole file');
  }
  return Readable.from(limited(), { objectMode: false });
}

function refuseInvalidUtf8(_req: unknown, _res: unknown, buffer: Buffer): void {
  if (!isUtf8(buffer)) {
    throw Object.assign(new Error('the request body is not valid UTF-8'), { status: 400, expose: true });
  }
}

const flag = (v: unknown) => v === true || v === 'true' || v === '1';
const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * POST /imports: the import over HTTP for an editor key, with the same checks and report as the
 * CLI. Either the file as the body, `Content-Type: text/csv` or SDMX-CSV's
 * `application/vnd.sdmx.data+csv` (which selects that format), with the options in query
 * parameters (sourceTitle, sourcePublisher, sourceUrl, license; createCities, resolve=largest,
 * gazetteer=false, dryRun, format, datapackage as JSON), or `application/json`
 * `{ csv, datapackage, format, createCities, resolve, gazetteer, dryRun }`. `kind=commitments`
 * (or `"kind": "commitments"`): the CSV holds local commitments (importCommitments; dryRun
 * applies). 200 with the report when imported (or nothing to do), 422 with the report when the
 * file has problems.
 */
export function importRouter(dataSource: DataSource, config: Config): Router {
  const router = Router();
  const limit = config.importMaxBytes;
  router.post(
    '/',
    (_req, res, next) => {
      try {
        requireRole(authOf(res), Role.EDITOR);
        next();
      } catch (error) {
        // requireRole throws only UNAUTHENTICATED (401) or FORBIDDEN (403) GraphQL errors.
        sendHttpError(res, error as GraphQLError);
      }
    },
    // A text/csv body is not parsed here: the import reads the request as it arrives (see
    // below). Inside JSON the CSV is text already; bytes that are not UTF-8 make the body unreadable.
    express.json({ limit, verify: refuseInvalidUtf8 }),
    async (req, res, next) => {
      try {
        const problems: ImportProblem[] = [];
        // A file in the body (text/csv, SDMX-CSV's media type) streams; its options are in the query string.
        const mediaType = req.is([...MEDIA_TYPES]);
        const isCsv = typeof mediaType === 'string';
        const body = (isCsv ? {} : (req.body ?? {})) as Record<string, unknown>;
        const options = isCsv ? (req.query as Record<string, unknown>) : body;
        if (isCsv && Number(req.headers['content-length']) > limit) {
          next(tooLarge(limit));
          return;
        }
        // The CSV body streams into the import, as bytes: a file's problems are found while it
        // arrives (a 50 MB line is refused after its first megabyte, not after buffering it
        // all), and bytes that are not UTF-8 are reported with their line and column instead
        // of being decoded to U+FFFD in silence (docs/import.md).
        const csv = isCsv ? streamOf(req, limit) : typeof body.csv === 'string' ? body.csv : undefined;
        if (csv === undefined) {
          sendHttpError(
            res,
            requestError(ErrorCode.BAD_USER_INPUT, 'send the CSV as a text/csv body, or JSON { csv, datapackage }'),
          );
          return;
        }
        const kind = text(options.kind) ?? 'observations';
        if (kind !== 'observations' && kind !== 'commitments') {
          sendHttpError(
            res,
            requestError(ErrorCode.BAD_USER_INPUT, 'kind is observations (the default) or commitments'),
          );
          return;
        }
        // `format` names the reader; without it, the body's media type does (SDMX-CSV's, with
        // or without `;version=`), else the tidy CSV.
        const format = text(options.format) ?? (isCsv ? readerForMediaType(mediaType)?.name : null) ?? DEFAULT_FORMAT;
        try {
          observationReader(format);
        } catch (error) {
          sendHttpError(res, requestError(ErrorCode.BAD_USER_INPUT, (error as Error).message));
          return;
        }
        if (kind === 'commitments' && format !== DEFAULT_FORMAT) {
          sendHttpError(
            res,
            requestError(ErrorCode.BAD_USER_INPUT, `commitments are imported from the tidy CSV only, not ${format}`),
          );
          return;
        }
        if (kind === 'commitments') {
          const report = await importCommitments(dataSource, csv, { dryRun: flag(options.dryRun) });
          res.status(report.ok ? 200 : 422).json(report);
          return;
        }
        const resolve = text(options.resolve);
        if (resolve !== null && resolve !== 'largest') {
          sendHttpError(res, requestError(ErrorCode.BAD_USER_INPUT, 'resolve takes one value, largest'));
          return;
        }
        // With a file in the body, the datapackage may come as JSON in the query string (an
        // SDMX-CSV import needs its code mapping); in a JSON body it is an object.
        let datapackage: unknown = isCsv ? options.datapackage : body.datapackage;
        if (isCsv && datapackage !== undefined) {
          try {
            datapackage = typeof datapackage === 'string' ? JSON.parse(datapackage) : undefined;
          } catch {
            datapackage = undefined;
          }
          if (datapackage === undefined) {
            sendHttpError(res, requestError(ErrorCode.BAD_USER_INPUT, 'datapackage in the query string is not JSON'));
            return;
          }
        }
        let metadata: ImportMetadata = datapackage
          ? readDatapackage(datapackage, problems)
          : { source: null, indicators: [], disaggregations: [] };
        const title = text(options.sourceTitle);
        const publisher = text(options.sourcePublisher);
        if (title && publisher) {
          const url = text(options.sourceUrl);
          metadata = {
            ...metadata,
            source: {
              title,
              publisher,
              url,
              license: text(options.license),
              citation: defaultCitation({ publisher, title, url }),
              synthetic: false,
            },
          };
        }
        const report =
          problems.length > 0
            ? {
                ok: false,
                problems,
                problemCount: problems.length,
                message: 'datapackage.json has problems; nothing was imported',
              }
            : await importObservations(dataSource, csv, {
                metadata,
                format,
                createCities: flag(options.createCities),
                resolve: resolve === 'largest' ? 'largest' : undefined,
                gazetteer: options.gazetteer === undefined ? true : flag(options.gazetteer),
                dryRun: flag(options.dryRun),
              });
        res.status(report.ok ? 200 : 422).json(report);
      } catch (error) {
        next(error);
      }
    },
  );
  return router;
}
