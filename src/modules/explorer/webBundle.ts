import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What scripts/build-web.mjs writes to dist/web/manifest.json. */
export interface WebManifest {
  /** Entry name (explorer, explorer-style, graphiql, graphiql-style, *.worker) -> hashed file name. */
  files: Record<string, string>;
  /** The README's ```graphql blocks, GraphiQL's saved tabs. */
  examples: { title: string; query: string }[];
}

export interface WebBundle {
  dir: string;
  manifest: WebManifest;
  /** Every file the server may send from dir (nothing else is reachable). */
  files: Set<string>;
}

/**
 * dist/web, seen from this file compiled (dist/src/modules/explorer) or run from source by
 * ts-jest (src/modules/explorer).
 */
export const DEFAULT_WEB_DIRS = [path.resolve(__dirname, '../../../web'), path.resolve(__dirname, '../../../dist/web')];

/** The built bundle, or null when scripts/build-web.mjs has not run. */
export function loadWebBundle(dirs: string[] = DEFAULT_WEB_DIRS): WebBundle | null {
  for (const dir of dirs) {
    const manifestPath = path.join(dir, 'manifest.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as WebManifest;
    return { dir, manifest, files: new Set(readdirSync(dir).filter((name) => !name.endsWith('.json'))) };
  }
  return null;
}

export const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
};
