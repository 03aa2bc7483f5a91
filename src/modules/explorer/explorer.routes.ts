import { type Request, type Response, Router } from 'express';
import path from 'node:path';
import type { Config } from '../../config';
import { ErrorCode, requestError } from '../../errors';
import { sendHttpError } from '../../httpErrors';
import { EMBED_VIEWS, embedPage } from './embedPage';
import { explorerPage } from './explorerPage';
import { graphiqlPage } from './graphiqlPage';
import { CONTENT_TYPES, DEFAULT_WEB_DIRS, loadWebBundle, type WebBundle } from './webBundle';

/**
 * Everything the pages load comes from this server: the policy says so to the browser, which
 * then refuses a script, style, font or request from anywhere else. Inline styles are allowed
 * because Observable Plot and GraphiQL set them; inline scripts are not (the pages' JSON
 * configuration is a data block, which is not executed).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** The embed page may be framed by any site (that is what it is for); the rest is the same. */
const EMBED_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'self'", 'frame-ancestors *');

function sendPage(res: Response, html: string, options: { cacheControl?: string; policy?: string } = {}): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  // The page names the hashed bundle of the current build: by default, always ask whether it changed.
  res.setHeader('Cache-Control', options.cacheControl ?? 'no-cache');
  res.setHeader('Content-Security-Policy', options.policy ?? CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.send(html);
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rightsgraph explorer: not built</title></head>
<body><h1>The explorer has not been built</h1>
<p>Run <code>npm run build</code> (it runs <code>scripts/build-web.mjs</code>, which writes <code>dist/web</code>), then restart the server.
The API works without it: <a href="/graphql">/graphql</a>.</p></body></html>
`;

/**
 * Whether a GET /graphql is a person opening the address in a browser, not an API client: it
 * carries no operation and the client prefers HTML to JSON (a browser's Accept names
 * text/html; curl's "*\/*" and API clients' JSON do not win over JSON).
 */
function isBrowserVisit(req: Request): boolean {
  if (req.query.query !== undefined || req.query.extensions !== undefined) return false;
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

/** The file, pre-compressed by the build when the client takes that encoding. */
function sendAsset(req: Request, res: Response, bundle: WebBundle, name: string): void {
  const encoding = req.acceptsEncodings(['br', 'gzip', 'identity']);
  const variant =
    encoding === 'br' && bundle.files.has(`${name}.br`)
      ? { file: `${name}.br`, encoding: 'br' }
      : encoding === 'gzip' && bundle.files.has(`${name}.gz`)
        ? { file: `${name}.gz`, encoding: 'gzip' }
        : { file: name, encoding: undefined };
  const headers: Record<string, string> = {
    'Content-Type': CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream',
    // The name carries a hash of the content: a new build is a new name.
    'Cache-Control': 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Accept-Encoding',
  };
  if (variant.encoding) headers['Content-Encoding'] = variant.encoding;
  res.sendFile(path.join(bundle.dir, variant.file), { headers, cacheControl: false, dotfiles: 'deny' });
}

/**
 * The explorer page at /, its bundled assets under /web/, and the offline GraphQL IDE at
 * GET /graphql for browsers (issue 7). Requests it does not serve pass on (`next()`), so API
 * clients reach Apollo. The bundle is built by scripts/build-web.mjs into dist/web; until it
 * is, / says how to build it and /graphql is left to Apollo.
 */
export function explorerRouter(config: Config, options: { webDirs?: string[] } = {}): Router {
  const router = Router();
  let bundle: WebBundle | null = null;
  // Looked up until found, so a server started before the build picks it up once it exists.
  const current = () => (bundle ??= loadWebBundle(options.webDirs ?? DEFAULT_WEB_DIRS));

  router.get('/', (_req, res) => {
    const built = current();
    if (!built) {
      res.status(503);
      sendPage(res, NOT_BUILT);
      return;
    }
    sendPage(res, explorerPage(built.manifest));
  });

  router.get('/embed/:view', (req, res, next) => {
    const view = req.params.view;
    if (!(EMBED_VIEWS as readonly string[]).includes(view)) {
      next();
      return;
    }
    const built = current();
    if (!built) {
      res.status(503);
      sendPage(res, NOT_BUILT);
      return;
    }
    const asOf = req.query.asOf;
    if (asOf !== undefined && (typeof asOf !== 'string' || !/^\d{1,18}$/.test(asOf))) {
      sendHttpError(
        res,
        requestError(ErrorCode.BAD_USER_INPUT, 'asOf must be a release id (digits)', { argument: 'asOf', value: asOf }),
      );
      return;
    }
    // Pinned to a release, the page shows the same data for ever. A day, not a year: the page
    // names the hashed scripts of the current build, which the next build replaces.
    sendPage(res, embedPage(built.manifest), {
      cacheControl: asOf === undefined ? 'no-cache' : 'public, max-age=86400, immutable',
      policy: EMBED_CONTENT_SECURITY_POLICY,
    });
  });

  router.get('/web/:file', (req, res, next) => {
    const built = current();
    const name = req.params.file;
    if (!built || !built.files.has(name)) {
      next();
      return;
    }
    sendAsset(req, res, built, name);
  });

  router.get('/graphql', (req, res, next) => {
    const built = config.landingPage ? current() : null;
    if (!built || !isBrowserVisit(req)) {
      next();
      return;
    }
    sendPage(res, graphiqlPage(built.manifest, '/graphql'));
  });

  return router;
}
