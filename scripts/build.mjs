#!/usr/bin/env node
// `npm run build`, which `npm start` and every CLI script run first: compiles the TypeScript to
// dist/ (tsc -p tsconfig.build.json) and bundles the browser pages (build-web.mjs).
//
// Each half is skipped when its output is newer than everything it is built from, so a restart
// or a CLI call with nothing changed pays a few stat calls instead of tsc's ~9 s (issue 11).
// The stamp carries the time the compilation started: a file saved while tsc ran is newer
// than the stamp, so the next run compiles again.
//
//   node scripts/build.mjs            (npm run build)
//   node scripts/build.mjs --force    (compile and bundle even when up to date)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { buildWeb, newestMtime } from './build-web.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist/.build-stamp');
const inputs = [
  'src',
  'migrations',
  'seeds',
  'bench',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
  fileURLToPath(import.meta.url),
].map((input) => path.resolve(root, input));

export function compiledIsFresh() {
  return existsSync(stamp) && statSync(stamp).mtimeMs >= Math.max(...inputs.map(newestMtime));
}

function compile() {
  return new Promise((resolve, reject) => {
    const tsc = spawn(
      process.execPath,
      [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    tsc.once('error', reject);
    tsc.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc exited with ${code}`))));
  });
}

/** Compiles and bundles side by side: on a fresh clone the two take about as long each. */
export async function build({ force = false } = {}) {
  const compiled = (async () => {
    if (!force && compiledIsFresh()) return;
    const started = new Date();
    await compile();
    mkdirSync(path.dirname(stamp), { recursive: true });
    writeFileSync(stamp, `${started.toISOString()}\n`);
    utimesSync(stamp, started, started);
    process.stdout.write(`build: compiled TypeScript to dist/ (${Date.now() - started.getTime()} ms)\n`);
  })();
  const bundled = buildWeb({
    force,
    log: (line) => (line.endsWith('up to date') ? undefined : process.stdout.write(`${line}\n`)),
  });
  await Promise.all([compiled, bundled]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build({ force: process.argv.includes('--force') }).catch((error) => {
    // tsc has printed its diagnostics already.
    process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
