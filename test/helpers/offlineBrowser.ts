import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startHttpServer, type HttpTestServer } from './httpServer';
import { createTestDatabase, type TestDatabase } from './testDatabase';

/**
 * What the browser tests (test/e2e/explorer*.test.ts) share: Debian's headless Chromium, a
 * context that refuses every request leaving the machine, the page errors a test asserts are
 * none, and the real server on the seeded demo database.
 */
export const ROOT = path.resolve(__dirname, '../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

/** The flags known to work on this kind of machine: nothing reaches for the network on its own. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `describe` with Chromium, else `describe.skip` and a line on stderr saying how to install it. */
export function describeInBrowser(name: string, body: () => void): void {
  if (!HAS_CHROMIUM) {
    process.stderr.write(
      `\n[e2e] SKIPPED ${name}: no Chromium at ${CHROMIUM}. Install it with .ci/install-chromium.sh ` +
        '(apt-get install chromium), or set CHROMIUM_PATH.\n\n',
    );
  }
  (HAS_CHROMIUM ? describe : describe.skip)(name, body);
}

/** Headless Chromium, with test-artifacts/ ready for screenshots. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Every request of the context that leaves the machine is refused, and recorded in `blocked`. */
export async function offlineContext(
  browser: Browser,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; blocked: string[] }> {
  const context = await browser.newContext(options);
  const blocked: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLoopback(url)) {
      await route.continue();
    } else {
      blocked.push(url);
      await route.abort('internetdisconnected');
    }
  });
  return { context, blocked };
}

/** The page's uncaught errors and console errors, as they happen. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/**
 * Builds dist/web unless it is up to date (the build script checks), so `npm test` works on a
 * clean clone and never tests a stale bundle.
 */
export function ensureWebBundle(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-web.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

/**
 * The web bundle, a seeded test database and the real server on it, for the whole file
 * (`beforeAll`/`afterAll` registered here); read `db` and `server` inside tests.
 */
export function explorerServer(timeoutMs = 180_000): { readonly db: TestDatabase; readonly server: HttpTestServer } {
  const state = {} as { db: TestDatabase; server: HttpTestServer };
  beforeAll(async () => {
    ensureWebBundle();
    state.db = await createTestDatabase();
    state.server = await startHttpServer(state.db.dataSource);
  }, timeoutMs);
  afterAll(async () => {
    await state.server?.close();
    await state.db?.close();
  });
  return state;
}
