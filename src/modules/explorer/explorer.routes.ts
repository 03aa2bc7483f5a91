import { Router } from 'express';
import type { Config } from '../../config';

/**
 * The explorer page at / and the offline GraphQL IDE at GET /graphql for browsers (being
 * built: issue 7). Requests it does not serve pass on (`next()`), so API clients reach Apollo.
 */
export function explorerRouter(_config: Config): Router {
  return Router();
}
