import { type Request, type Response, Router } from 'express';
import { GraphQLError } from 'graphql';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import { type Context, createContext } from '../../context';
import { badUserInput, ErrorCode } from '../../errors';
import { sendHttpError } from '../../httpErrors';
import { createLogger } from '../../logger';
import { buildDatapackage } from './exportDatapackage';
import { exportQueryString, parseExportParameters } from './exportParameters';
import { observationCsv } from './observationCsv';
import { type ExportSelection, resolveExport } from './resolveExport';

/** The query string as single strings; a repeated parameter (`?cities=a&cities=b`) reads as a list. */
function queryOf(req: Request): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.query)) {
    const values = Array.isArray(value) ? value : [value];
    if (!values.every((v): v is string => typeof v === 'string')) {
      throw badUserInput(`Parameter "${name}" must be text`, { argument: name });
    }
    raw[name] = values.join(',');
  }
  return raw;
}

/**
 * Resolves the request's selection, or answers 400 in the GraphQL error shape (the same
 * `extensions.code` and `argument` a GraphQL client gets) and returns null.
 */
async function selectionOf(
  dataSource: DataSource,
  config: Config,
  req: Request,
  res: Response,
): Promise<{ selection: ExportSelection; context: Context } | null> {
  const context = createContext(dataSource, config);
  try {
    return { selection: await resolveExport(context, parseExportParameters(queryOf(req))), context };
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === ErrorCode.BAD_USER_INPUT) {
      sendHttpError(res, error);
      return null;
    }
    throw error;
  }
}

export function exportFileName(selection: ExportSelection): string {
  const release = selection.release ? `-release-${selection.release.id}` : '';
  const wide = selection.parameters.layout === 'wide' ? '-wide' : '';
  return `rightsgraph-observations${release}${wide}-${selection.queryHash}.csv`;
}

/**
 * GET /export/observations.csv and /export/datapackage.json: the rows the `observations` query
 * selects, as a streamed CSV that the import reads back, and the Frictionless package that
 * describes it (docs/export.md). The data is public: src/corsPolicy.ts lets pages on other origins fetch it.
 */
export function exportRouter(dataSource: DataSource, config: Config): Router {
  const router = Router();
  const logger = createLogger(config.logLevel);

  router.get('/observations.csv', async (req, res) => {
    const resolved = await selectionOf(dataSource, config, req, res);
    if (!resolved) return;
    const { selection } = resolved;
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(selection)}"`);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      await pipeline(Readable.from(observationCsv(dataSource, selection)), res);
    } catch (error) {
      // The status line has gone: the only honest signal left is to cut the connection, which
      // pipeline has done, so the client sees a failed download rather than a short CSV. A
      // client that went away on its own is not an error.
      if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        logger.error({ requestId: req.headers['x-request-id'], err: error }, 'export failed mid-stream');
      }
    }
  });

  router.get('/datapackage.json', async (req, res) => {
    const resolved = await selectionOf(dataSource, config, req, res);
    if (!resolved) return;
    const { selection, context } = resolved;
    const query = exportQueryString(selection.parameters, selection.release?.id ?? null);
    const host = req.get('host');
    const csvPath = `${req.baseUrl}/observations.csv${query ? `?${query}` : ''}`;
    const resourcePath = host ? `${req.protocol}://${host}${csvPath}` : csvPath;
    res.json(await buildDatapackage(context, selection, resourcePath));
  });

  return router;
}
