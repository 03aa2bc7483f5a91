import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config';

/** GET /export/observations.csv and /export/datapackage.json (being built: issue 4). */
export function exportRouter(_dataSource: DataSource, _config: Config): Router {
  return Router();
}
