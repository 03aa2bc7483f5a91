import cors from 'cors';
import type { RequestHandler } from 'express';
import type { Config } from './config';

/**
 * Cross-origin access for browser pages: dashboards on other sites read the public data from
 * /graphql and /export. The preflight (OPTIONS) is answered here, before any router: the
 * explorer's `GET /graphql` route would otherwise answer it with a bare `Allow: GET, HEAD`,
 * and browsers then refuse every cross-origin POST.
 *
 * Never credentialed: no `Access-Control-Allow-Credentials`, so a browser sends no cookies or
 * HTTP authentication it holds for this server, and cannot read an answer to a request that
 * carried them. The API has no ambient credentials anyway; a key travels in `Authorization`,
 * which a page can only send if it holds the key itself (allowed, so a curator's own tool on
 * another origin works). That keeps mutations safe from cross-site request forgery: a hostile
 * page has no key to send. `POST /imports` gets no CORS headers at all, so no page on another
 * origin can call it.
 */
const ALLOWED_HEADERS = ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name'];

/** Headers a page may read: the request id for a bug report, the rate limit and cache state. */
const EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'ratelimit', 'ratelimit-policy', 'x-rightsgraph-cache'];

/** The cors package's options for these methods. */
export function corsOptions(config: Config, methods: string[]): cors.CorsOptions {
  return {
    // `*` for public reads; with a list, the cors package answers a listed origin by name (and
    // says `Vary: Origin`), any other without the header, which the browser enforces.
    origin: config.corsOrigins === '*' ? '*' : config.corsOrigins,
    methods,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    // A browser may reuse a preflight's answer for 10 minutes (Chromium caps it at 2 hours).
    maxAge: 600,
  };
}

export function corsPolicy(config: Config, methods: string[]): RequestHandler {
  const policy = cors<cors.CorsRequest>(corsOptions(config, methods));
  if (config.corsOrigins !== '*') return policy;
  // Open to every origin: an answer that is not a preflight gets these two headers, whatever the
  // request (what the cors package sets for it, test/unit/corsPolicy.test.ts), without the
  // package's copy of its options and two callbacks per request.
  const exposed = EXPOSED_HEADERS.join(',');
  return (req, res, next) => {
    if (req.method === 'OPTIONS') {
      policy(req, res, next);
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', exposed);
    next();
  };
}
