#!/usr/bin/env node
// Builds the browser side of the server (issue 7) into dist/web: the explorer page served at /
// and the GraphiQL IDE served at GET /graphql, with everything they load (the charting library,
// React, Monaco and its workers, CSS and fonts) bundled from node_modules, so the pages work
// without internet. File names carry a content hash, so the server can let browsers cache them
// for a year; dist/web/manifest.json maps each entry to its file and carries the GraphQL
// examples of README.md and docs/ (GraphiQL's saved tabs). Every file is also written gzip- and
// brotli-compressed once here, rather than on every request.
//
// Nothing is rebuilt when dist/web is newer than everything it is built from (the page
// sources, this script, README.md, docs/ and the installed packages), so the many scripts that run
// `npm run build` first pay for it once.
//
//   node scripts/build-web.mjs            (part of `npm run build`)
//   node scripts/build-web.mjs --force    (build even when up to date)
import { build } from 'esbuild';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/web');
const web = path.join(root, 'src/modules/explorer/web');

const entryPoints = {
  explorer: path.join(web, 'explorer.ts'),
  'explorer-style': path.join(web, 'explorer.css'),
  // The page an <iframe> shows (/embed/<view>): one chart, no controls.
  embed: path.join(web, 'embed.ts'),
  'embed-style': path.join(web, 'embed.css'),
  graphiql: path.join(web, 'graphiql.ts'),
  'graphiql-style': path.join(web, 'graphiql.css'),
  // Monaco (GraphiQL's editor) runs its language services in workers it asks the page for.
  'editor.worker': path.join(root, 'node_modules/monaco-editor/esm/vs/editor/editor.worker.js'),
  'json.worker': path.join(root, 'node_modules/monaco-editor/esm/vs/language/json/json.worker.js'),
  'graphql.worker': path.join(root, 'node_modules/monaco-graphql/esm/graphql.worker.js'),
};

/** What dist/web is built from: a change to any of them makes it stale. */
const inputs = [
  web,
  fileURLToPath(import.meta.url),
  path.join(root, 'README.md'),
  path.join(root, 'docs'),
  path.join(root, 'package-lock.json'),
  path.join(root, 'node_modules/.package-lock.json'),
];

/**
 * The newest modification time of a file or of anything in a folder (0 when absent). Installed
 * packages inside a folder (bench/peer/postgraphile/node_modules, ~18,000 files) are not walked:
 * they are not sources, and walking them would slow every start.
 */
export function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  const entries = readdirSync(target).filter((name) => name !== 'node_modules');
  return Math.max(stat.mtimeMs, ...entries.map((name) => newestMtime(path.join(target, name))));
}

export function webBundleIsFresh() {
  const manifest = path.join(outdir, 'manifest.json');
  return existsSync(manifest) && statSync(manifest).mtimeMs >= Math.max(...inputs.map(newestMtime));
}

/**
 * Monaco's ES modules import their own CSS files. graphiql/style.css already contains all of
 * it (with the codicon font inlined), so those imports are dropped instead of bundled twice.
 */
const dropCssImportedFromJs = {
  name: 'drop-css-imported-from-js',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\.css$/ }, (args) =>
      args.kind === 'import-statement' || args.kind === 'require-call'
        ? { path: args.path, namespace: 'dropped-css' }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'dropped-css' }, () => ({ contents: '', loader: 'js' }));
  },
};

/** The ```graphql blocks of one Markdown text, each titled with its operation name. */
function markdownExamples(markdown) {
  return [...markdown.matchAll(/^```graphql[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm)].map((match) => {
    const query = match[1];
    const name = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/m.exec(query)?.[1];
    return { title: name ?? query.trim().split('\n')[0], query };
  });
}

function markdownFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return markdownFiles(full);
      return name.endsWith('.md') ? [full] : [];
    });
}

/** README.md, then docs/ in path order, a repeated block once: the rule of src/cli/docExamples.ts. */
export async function docExamples() {
  const seen = new Set();
  const examples = [];
  for (const file of [path.join(root, 'README.md'), ...markdownFiles(path.join(root, 'docs'))]) {
    for (const example of markdownExamples(await readFile(file, 'utf8'))) {
      if (seen.has(example.query)) continue;
      seen.add(example.query);
      examples.push(example);
    }
  }
  return examples;
}

async function compress(file) {
  const body = await readFile(file);
  const gzip = promisify(zlib.gzip);
  const brotli = promisify(zlib.brotliCompress);
  await writeFile(`${file}.gz`, await gzip(body, { level: 9 }));
  await writeFile(
    `${file}.br`,
    await brotli(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
  );
}

export async function buildWeb({ force = false, log = (line) => process.stdout.write(`${line}\n`) } = {}) {
  if (!force && webBundleIsFresh()) {
    log('build-web: dist/web is up to date');
    return JSON.parse(await readFile(path.join(outdir, 'manifest.json'), 'utf8'));
  }
  const started = Date.now();
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    entryPoints,
    outdir,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome100', 'firefox100', 'safari15'],
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
    plugins: [dropCssImportedFromJs],
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });

  const files = {};
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    // Real paths: esbuild reports an entry inside a symlinked node_modules by its target.
    const entry = Object.keys(entryPoints).find(
      (name) => realpathSync(path.resolve(root, meta.entryPoint)) === realpathSync(path.resolve(entryPoints[name])),
    );
    if (entry) files[entry] = path.basename(output);
  }
  const missing = Object.keys(entryPoints).filter((name) => !files[name]);
  if (missing.length > 0) throw new Error(`build-web: no output for ${missing.join(', ')}`);

  // Quality 9, not 11: a tenth of the time for 10% larger files.
  const compressible = Object.keys(result.metafile.outputs).filter((output) => /\.(js|css)$/.test(output));
  await Promise.all(compressible.map((output) => compress(path.resolve(root, output))));

  // The manifest last: the server and the freshness check take its presence for a whole build.
  const examples = await docExamples();
  const manifest = { files, examples };
  await writeFile(path.join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  let bytes = 0;
  for (const output of Object.values(result.metafile.outputs)) bytes += output.bytes;
  log(
    `build-web: ${Object.keys(files).length} entries, ${(bytes / 1024 / 1024).toFixed(1)} MiB, ` +
      `${examples.length} documentation examples -> dist/web (${Date.now() - started} ms)`,
  );
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb({ force: process.argv.includes('--force') }).catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
