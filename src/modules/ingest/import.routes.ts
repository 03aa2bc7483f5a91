import express, { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import { ErrorCode } from '../../errors';
import { Role } from '../auth/apiKey.entity';
import { authOf } from '../auth/apiKeys';
import { requireRole } from '../auth/authorize';
import { type ImportMetadata, readDatapackage } from './datapackage';
import type { ImportProblem } from './importErrors';
import { importObservations } from './importObservations';
import { defaultCitation } from '../source/citationText';

const flag = (v: unknown) => v === true || v === 'true' || v === '1';
const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * POST /imports: the import over HTTP for an editor key, with the same checks and report as the
 * CLI. Either `Content-Type: text/csv` with the source in query parameters (sourceTitle,
 * sourcePublisher, sourceUrl, license; createCities, dryRun), or `application/json`
 * `{ csv, datapackage, createCities, dryRun }`. 200 with the report when imported (or nothing
 * to do), 422 with the report when the file has problems.
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
        const code = (error as { extensions?: { code?: string } }).extensions?.code;
        res
          .status(code === ErrorCode.FORBIDDEN ? 403 : 401)
          .json({ errors: [{ message: (error as Error).message, extensions: { code } }] });
      }
    },
    express.text({ type: 'text/csv', limit }),
    express.json({ limit }),
    async (req, res, next) => {
      try {
        const problems: ImportProblem[] = [];
        const isCsv = typeof req.body === 'string';
        const body = (isCsv ? {} : (req.body ?? {})) as Record<string, unknown>;
        const options = isCsv ? (req.query as Record<string, unknown>) : body;
        const csv = isCsv ? (req.body as string) : body.csv;
        if (typeof csv !== 'string') {
          res.status(400).json({
            errors: [
              {
                message: 'send the CSV as a text/csv body, or JSON { csv, datapackage }',
                extensions: { code: ErrorCode.BAD_USER_INPUT },
              },
            ],
          });
          return;
        }
        let metadata: ImportMetadata = body.datapackage
          ? readDatapackage(body.datapackage, problems)
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
                createCities: flag(options.createCities),
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
