import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { explorerRouter } from '../../src/modules/explorer/explorer.routes';
import { loadFixture } from '../fixtures/fixture';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import {
  ARTIFACTS,
  describeInBrowser,
  explorerServer,
  launchBrowser,
  offlineContext,
  ROOT,
  watchErrors,
} from '../helpers/offlineBrowser';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * The explorer page (/) and the GraphQL IDE (GET /graphql in a browser) end to end: the real
 * server on the seeded demo database, driven in Debian's headless Chromium. Expected numbers
 * are those of the seed fact sheet (FBI UCR via The Marshall Project), not of the code.
 */
/** Homicides per 100,000 residents, 2010–2015 (seed fact sheet). */
const HOMICIDE_RATES: Record<string, number[]> = {
  Pittsburgh: [17.88, 14.26, 13.14, 14.63, 22.43, 18.57],
  Boston: [11.82, 10.14, 9.04, 6.06, 8.1, 5.71],
  Washington: [21.94, 17.48, 13.92, 15.93, 15.94, 24.1],
};

/** Cities with a human rights city declaration (instrument HRC) in seeds/commitments.ts. */
const HUMAN_RIGHTS_CITIES = [
  'graz-at',
  'gwangju-kr',
  'pittsburgh-us',
  'rosario-ar',
  'utrecht-nl',
  'vienna-at',
  'washington-us',
  'york-gb',
];

const MARSHALL = 'The Crime Report: FBI Uniform Crime Reports for large US cities, compiled by The Marshall Project';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The screen boxes of the elements a selector finds. */
async function boxes(page: Page, selector: string): Promise<Box[]> {
  return page.locator(selector).evaluateAll((nodes) =>
    nodes.map((node) => {
      const r = node.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The slugs of the chosen cities, as the chips carry them. */
async function chips(page: Page): Promise<string[]> {
  return page
    .locator('#chosen-cities .chip')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-slug') ?? ''));
}

const live = explorerServer(120_000);

describe('the explorer routes over HTTP', () => {
  it('serves the explorer page at / with hashed, pre-compressed assets and a same-origin policy', async () => {
    const page = await fetch(`${live.server.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const script = /<script defer src="(\/web\/explorer-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();

    const asset = await fetch(`${live.server.origin}${script}`, { headers: { 'accept-encoding': 'br' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-encoding')).toBe('br');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    const unknown = await fetch(`${live.server.origin}/web/..%2Fmanifest.json`);
    expect(unknown.status).toBe(404);
  });

  it('gives GET /graphql to GraphiQL only for a browser visit; API clients still reach Apollo', async () => {
    const browserVisit = await fetch(live.server.graphqlUrl, {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(browserVisit.status).toBe(200);
    const html = await browserVisit.text();
    expect(html).toContain('id="graphiql-config"');
    expect(html).toContain('HomicideRanking2015');

    const curl = await fetch(live.server.graphqlUrl, { headers: { accept: '*/*' } });
    expect(curl.headers.get('content-type')).toContain('application/json');

    const get = await fetch(`${live.server.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': '1' },
    });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });

    // A browser GET that carries an operation is Apollo's to answer, not the IDE's.
    const withQuery = await fetch(`${live.server.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'text/html' },
    });
    expect(await withQuery.text()).not.toContain('graphiql-config');

    const post = await fetch(live.server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('says how to build the bundle when dist/web is missing, and leaves /graphql to Apollo', async () => {
    const app = express();
    app.use(explorerRouter(loadConfig({ NODE_ENV: 'test' }), { webDirs: [path.join(ROOT, 'no-such-dir')] }));
    app.use((_req, res) => {
      res.status(418).send('next');
    });
    const listener = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    const origin = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    try {
      const page = await fetch(`${origin}/`);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('npm run build');
      const ide = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } });
      expect(ide.status).toBe(418);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});

describeInBrowser('in headless Chromium, offline', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  describe('the explorer', () => {
    let context: BrowserContext;
    let blocked: string[];
    let page: Page;
    let errors: string[];

    beforeAll(async () => {
      ({ context, blocked } = await offlineContext(browser, {
        viewport: { width: 1280, height: 900 },
        acceptDownloads: true,
      }));
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: live.server.origin });
      page = await context.newPage();
      errors = watchErrors(page);
    });

    afterAll(async () => {
      await context?.close();
    });

    /** The values the chart's dots announce, by city. */
    async function chartValues(): Promise<Record<string, { year: number; value: number }[]>> {
      const labels = await page
        .locator('#timeline-chart svg [aria-label]')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label') ?? ''));
      const values: Record<string, { year: number; value: number }[]> = {};
      for (const label of labels) {
        const match = /^([^,]+), [^,]+, (\d{4}): ([\d.,]+) per 100k/.exec(label);
        if (!match) continue;
        (values[match[1]] ??= []).push({ year: Number(match[2]), value: Number(match[3].replace(/,/g, '')) });
      }
      return values;
    }

    async function addCity(typed: string, name: string): Promise<void> {
      await page.locator('#city-search').fill(typed);
      await page.locator('#city-options [role="option"]', { hasText: name }).first().waitFor();
      // Keyboard only: the first match is active; arrow down to the one named if needed.
      const options = await page.locator('#city-options [role="option"]').allInnerTexts();
      const index = options.findIndex((text) => text.includes(name));
      for (let i = 0; i < index; i += 1) await page.locator('#city-search').press('ArrowDown');
      await page.locator('#city-search').press('Enter');
      await page.locator('#chosen-cities .chip', { hasText: name }).waitFor();
    }

    it('opens on the human rights cities and their homicide rates, commitments in a lane of their own', async () => {
      const first = await context.newPage();
      const firstErrors = watchErrors(first);
      await first.goto(`${live.server.origin}/`);
      await first.locator('#timeline-chart svg [aria-label^="Washington, DC, 2015"]').waitFor();
      await expect(first.locator('#indicator').inputValue()).resolves.toBe('homicide-rate');
      expect((await chips(first)).sort()).toEqual(HUMAN_RIGHTS_CITIES);
      await expect(first.locator('#intro').isVisible()).resolves.toBe(true);
      // The address of the view is the view: reloading it or sharing it shows the same.
      expect(first.url()).toContain('indicator=homicide-rate');

      // Of the human rights cities, the fact sheet has homicide rates for Pittsburgh and Washington.
      const labels = await first
        .locator('#timeline-chart svg [aria-label]')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label') ?? ''));
      const values = labels.filter((l) => /, \d{4}: [\d.]+ per 100k$/.test(l));
      expect(values.sort()).toEqual(
        [
          ...HOMICIDE_RATES.Pittsburgh.map((v, i) => `Pittsburgh, PA, ${2010 + i}: ${v} per 100k`),
          ...HOMICIDE_RATES.Washington.map((v, i) => `Washington, DC, ${2010 + i}: ${v} per 100k`),
        ].sort(),
      );

      // Every commitment marker sits in the lane above the plot: above the highest value and
      // the top tick of the value axis, not at y = 0 where it would read as a zero.
      const markers = await boxes(first, '#timeline-chart svg .commitment-marker [aria-label]');
      expect(markers.length).toBeGreaterThanOrEqual(3);
      const valueDots = await boxes(first, '#timeline-chart svg [aria-label*=" per 100k"]');
      const yTicks = await boxes(first, '#timeline-chart svg [aria-label="y-axis tick label"] text');
      const top = Math.min(...valueDots.map((b) => b.y), ...yTicks.map((b) => b.y));
      for (const marker of markers) expect(marker.y + marker.height).toBeLessThanOrEqual(top);
      // Washington's 2008 declaration is a marker although the city has no value before 2010.
      await expect(
        first
          .locator('#timeline-chart svg .commitment-marker [aria-label^="Washington, DC: Human rights city"]')
          .count(),
      ).resolves.toBe(1);

      // The axis title has a row of its own: it covers none of the year labels.
      const [yearLabel] = await boxes(first, '#timeline-chart svg [aria-label="x-axis label"] text');
      expect(yearLabel).toBeDefined();
      const years = await boxes(first, '#timeline-chart svg [aria-label="x-axis tick label"] text');
      expect(years.length).toBeGreaterThan(3);
      expect(years.filter((b) => overlaps(b, yearLabel))).toEqual([]);
      await first.screenshot({ path: path.join(ARTIFACTS, 'explorer-first-view.png'), fullPage: true });

      // Ranked, the six human rights cities without a homicide rate are named, not dropped in silence.
      await first.locator('#tab-ranking').click();
      await first.locator('#ranking-chart .ranking-bar [aria-label^="Rank 2"]').waitFor();
      await expect(
        first
          .locator('#ranking-chart .ranking-bar [aria-label]')
          .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label'))),
      ).resolves.toEqual([
        'Rank 1: Pittsburgh, PA, 18.57 per 100k in 2015, tier 1',
        'Rank 2: Washington, DC, 24.1 per 100k in 2015, tier 2',
      ]);
      await expect(first.locator('#ranking-note').innerText()).resolves.toContain(
        'Not ranked: 6 of the 8 chosen cities have no value in 2015',
      );
      const unranked = await first
        .locator('#ranking-missing li')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-slug') ?? ''));
      expect(unranked.sort()).toEqual(
        HUMAN_RIGHTS_CITIES.filter((s) => s !== 'pittsburgh-us' && s !== 'washington-us'),
      );
      await expect(first.locator('#ranking-missing').innerText()).resolves.toContain('Rosario, Santa Fe');
      await first.screenshot({ path: path.join(ARTIFACTS, 'explorer-first-ranking.png'), fullPage: true });

      // A link that names a view still wins over the first view.
      await first.goto(`${live.server.origin}/?indicator=population&cities=boston-us`);
      await first.locator('#timeline-chart svg [aria-label^="Boston, MA, 2015"]').waitFor();
      await expect(first.locator('#indicator').inputValue()).resolves.toBe('population');
      await expect(chips(first)).resolves.toEqual(['boston-us']);
      await expect(first.locator('#intro').isVisible()).resolves.toBe(false);
      expect(firstErrors).toEqual([]);
      await first.close();
    });

    it('says so when a link names an indicator that does not exist', async () => {
      const shared = await context.newPage();
      const sharedErrors = watchErrors(shared);
      await shared.goto(`${live.server.origin}/?indicator=homicide-rat&cities=boston-us`);
      await shared.locator('#timeline-chart svg [aria-label^="Boston, MA, 2015: 5.71"]').waitFor();
      const error = shared.locator('#error');
      await expect(error.isVisible()).resolves.toBe(true);
      await expect(error.innerText()).resolves.toMatch(
        /indicator “homicide-rat”, which does not exist \(did you mean “homicide-rate”\?\)\. Showing Homicide rate instead/,
      );
      await expect(shared.locator('#indicator').inputValue()).resolves.toBe('homicide-rate');

      await shared.goto(`${live.server.origin}/?indicator=${'x'.repeat(500)}&cities=boston-us`);
      await shared.locator('#timeline-chart svg [aria-label^="Boston, MA, 2015"]').waitFor();
      const long = await shared.locator('#error').innerText();
      expect(long).toContain(`“${'x'.repeat(60)}…”, which does not exist. Showing`);
      expect(long.length).toBeLessThan(200);
      expect(sharedErrors).toEqual([]);
      await shared.close();
    });

    it('asks which Louisville is meant rather than adding the first', async () => {
      const ask = await context.newPage();
      const askErrors = watchErrors(ask);
      await ask.goto(`${live.server.origin}/?indicator=homicide-rate`);
      await ask.locator('#empty').waitFor();
      await ask.locator('#city-search').fill('louisville');
      await expect(
        ask.locator('#city-options [role="option"]', { hasText: 'Louisville' }).nth(1).innerText(),
      ).resolves.toContain('Louisville');
      await ask.locator('#city-search').press('Enter');
      const which = ask.locator('#city-which');
      await which.locator('button').first().waitFor();
      await expect(which.locator('#city-which-title').innerText()).resolves.toBe(
        '2 cities are called Louisville. Which one?',
      );
      const choices = await which
        .locator('button')
        .evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-slug'), (n as HTMLElement).innerText]));
      // seed-facts.md: UCR homicide rates for Louisville, Ky. 2010-2015; none for Louisville, CO.
      expect(Object.fromEntries(choices)).toEqual({
        'louisville-co-us': 'Louisville, CO, United States\nHomicide rate: no values',
        'louisville-ky-us': 'Louisville, KY, United States\nHomicide rate: values 2010–2015',
      });
      await expect(chips(ask)).resolves.toEqual([]);
      await which.locator('button[data-slug="louisville-ky-us"]').click();
      await ask.locator('#timeline-chart svg [aria-label^="Louisville, KY, 2015: 11.9"]').waitFor();
      await expect(chips(ask)).resolves.toEqual(['louisville-ky-us']);
      await expect(which.isHidden()).resolves.toBe(true);
      expect(askErrors).toEqual([]);
      await ask.close();
    });

    it('shows homicide rates of three cities over time, with their values and commitments', async () => {
      await page.goto(`${live.server.origin}/`);
      // The first view has cities chosen already: start from none.
      await page.locator('#chosen-cities .chip').first().waitFor();
      await page.locator('#pick-clear').click();
      await expect(chips(page)).resolves.toEqual([]);
      await page.locator('#indicator option[value="homicide-rate"]').waitFor({ state: 'attached' });
      await page.locator('#indicator').selectOption('homicide-rate');
      await expect(page.locator('#indicator-info').innerText()).resolves.toContain('lower is better');

      // Search as you type, accent- and case-insensitive on the server: "wien" finds Vienna.
      await page.locator('#city-search').fill('wien');
      await expect(
        page.locator('#city-options [role="option"]', { hasText: 'Vienna' }).first().innerText(),
      ).resolves.toContain('Vienna');

      await addCity('pitts', 'Pittsburgh');
      await addCity('bost', 'Boston');
      await addCity('washing', 'Washington');

      await page.locator('#timeline-chart svg [aria-label^="Washington, DC, 2015"]').waitFor();
      const values = await chartValues();
      for (const [city, rates] of Object.entries(HOMICIDE_RATES)) {
        expect(values[city]).toEqual(rates.map((value, i) => ({ year: 2010 + i, value })));
      }

      // Pittsburgh's 2011-04-19 human rights city declaration, between 2011 and 2012 in the lane.
      const marker = page.locator(
        '#timeline-chart svg [aria-label^="Pittsburgh, PA: Declared the 5th US human rights city (human rights city), adopted 2011-04-19"]',
      );
      await expect(marker.count()).resolves.toBe(1);
      const box = async (selector: string) => {
        const b = await page.locator(selector).boundingBox();
        if (!b) throw new Error(`${selector} is not drawn`);
        return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      };
      const at = await box('#timeline-chart svg [aria-label^="Pittsburgh, PA: Declared the 5th US human rights city"]');
      const y2011 = await box('#timeline-chart svg [aria-label^="Pittsburgh, PA, 2011: 14.26"]');
      const y2012 = await box('#timeline-chart svg [aria-label^="Pittsburgh, PA, 2012: 13.14"]');
      const share = (at.x - y2011.x) / (y2012.x - y2011.x);
      expect(share).toBeGreaterThan(0.2);
      expect(share).toBeLessThan(0.4); // 19 April is 29% into the year
      expect(at.y).toBeLessThan(Math.min(y2011.y, y2012.y));

      // The table carries the same values with their status flags.
      await expect(
        page.locator('#timeline-values tr[data-slug="pittsburgh-us"] td[data-year="2015"]').innerText(),
      ).resolves.toBe('18.57');

      await page.screenshot({ path: path.join(ARTIFACTS, 'explorer.png'), fullPage: true });
    });

    it('copies the citation and a GraphQL query that runs as pasted', async () => {
      await page.locator('#copy-citation').click();
      await page.locator('#status', { hasText: 'Copied the citation' }).waitFor();
      const citation = await page.evaluate(() => navigator.clipboard.readText());
      expect(citation).toContain('The Marshall Project');
      expect(citation).toMatch(/Computed with rightsgraph \(compare\) from release 1 .*; query [0-9a-f]{16}\./);

      await page.locator('#copy-query').click();
      await page.locator('#status', { hasText: 'Copied the GraphQL query' }).waitFor();
      const query = await page.evaluate(() => navigator.clipboard.readText());
      const response = await fetch(live.server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as {
        data: { compare: { series: { city: { slug: string }; points: { year: number; value: number }[] }[] } };
      };
      expect(body.data.compare.series.map((s) => s.city.slug)).toEqual(['pittsburgh-us', 'boston-us', 'washington-us']);
      expect(body.data.compare.series[0].points.map((p) => p.value)).toEqual(HOMICIDE_RATES.Pittsburgh);
    });

    it('ranks the three cities in 2015 and downloads the shown rows as CSV', async () => {
      // Keyboard: from the selected tab, the right arrow moves to the ranking.
      await page.locator('#tab-timeline').focus();
      await page.keyboard.press('ArrowRight');
      await expect(page.locator('#tab-ranking').getAttribute('aria-selected')).resolves.toBe('true');
      await page.locator('#ranking-chart .ranking-bar [aria-label^="Rank 3"]').waitFor();
      const bars = await page
        .locator('#ranking-chart .ranking-bar [aria-label]')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label')));
      expect(bars).toEqual([
        'Rank 1: Boston, MA, 5.71 per 100k in 2015, tier 1',
        'Rank 2: Pittsburgh, PA, 18.57 per 100k in 2015, tier 2',
        'Rank 3: Washington, DC, 24.1 per 100k in 2015, tier 3',
      ]);
      await expect(page.locator('#ranking-year').inputValue()).resolves.toBe('2015');
      await page.screenshot({ path: path.join(ARTIFACTS, 'explorer-ranking.png'), fullPage: true });

      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-csv').click()]);
      const file = await download.path();
      const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
      const [{ id: release }] = (await live.db.dataSource.query('SELECT id FROM release')) as { id: number }[];
      expect(
        rows
          .map((r) => [r.city, r.indicator, r.year, Number(r.value), r.source, r.release])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      ).toEqual([
        ['boston-us', 'homicide-rate', '2015', 5.71, MARSHALL, String(release)],
        ['pittsburgh-us', 'homicide-rate', '2015', 18.57, MARSHALL, String(release)],
        ['washington-us', 'homicide-rate', '2015', 24.1, MARSHALL, String(release)],
      ]);
      // All three chosen cities are ranked: no list of unranked ones.
      await expect(page.locator('#ranking-missing').count()).resolves.toBe(0);
    });

    it('restores the same view from its link', async () => {
      const url = page.url();
      expect(url).toContain('indicator=homicide-rate');
      expect(url).toContain('cities=pittsburgh-us,boston-us,washington-us');
      expect(url).toContain('view=ranking');
      await page.locator('#copy-link').click();
      await page.locator('#status', { hasText: 'Copied the link to this view' }).waitFor();
      await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(url);

      const shared = await context.newPage();
      const sharedErrors = watchErrors(shared);
      await shared.goto(url);
      await shared.locator('#ranking-chart .ranking-bar [aria-label^="Rank 3"]').waitFor();
      const read = async (p: Page) => ({
        indicator: await p.locator('#indicator').inputValue(),
        cities: await p
          .locator('#chosen-cities .chip')
          .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-slug'))),
        tab: await p.locator('[role="tab"][aria-selected="true"]').innerText(),
        year: await p.locator('#ranking-year').inputValue(),
        title: await p.locator('#results-title').innerText(),
        bars: await p
          .locator('#ranking-chart .ranking-bar [aria-label]')
          .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label'))),
        citation: await p.locator('#citation-text').innerText(),
      });
      expect(await read(shared)).toEqual(await read(page));
      expect(sharedErrors).toEqual([]);
      await shared.close();
    });

    it('states the API warnings in words', async () => {
      await page.locator('#chosen-cities .chip', { hasText: 'Washington' }).getByRole('button').click();
      await page.locator('#warnings li[data-code="FEW_OBSERVATIONS"]').waitFor();
      await expect(page.locator('#warnings').innerText()).resolves.toMatch(/Too few values to mean much\. .+/);
    });

    it('reads on a phone and made no request off the machine', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#tab-timeline').click();
      await page.locator('#timeline-chart svg').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'explorer-phone.png'), fullPage: true });
      expect(blocked).toEqual([]);
      expect(errors).toEqual([]);
    });
  });

  describe('the ranking of more chosen cities than one page of entries', () => {
    /** 30 cities: c01 to c28 have the values 1 to 28 in 2020, c29 and c30 none. */
    const slug = (i: number) => `c${String(i).padStart(2, '0')}-us`;
    let fixtureDb: TestDatabase;
    let fixtureServer: HttpTestServer;

    beforeAll(async () => {
      fixtureDb = await createTestDatabase({ seed: false });
      await loadFixture(fixtureDb.dataSource, {
        cities: Array.from({ length: 30 }, (_, i) => ({ slug: slug(i + 1), name: `Town ${i + 1}`, country: 'US' })),
        indicators: [{ code: 'crowding', direction: 'HIGHER_IS_BETTER', unit: '%' }],
        observations: Array.from({ length: 28 }, (_, i) => ({
          city: slug(i + 1),
          indicator: 'crowding',
          year: 2020,
          value: i + 1,
        })),
      });
      fixtureServer = await startHttpServer(fixtureDb.dataSource);
    }, 120_000);

    afterAll(async () => {
      await fixtureServer?.close();
      await fixtureDb?.close();
    });

    it('names only the cities without a value, not those ranked beyond the entries shown', async () => {
      const { context, blocked } = await offlineContext(browser, { viewport: { width: 1280, height: 900 } });
      try {
        const page = await context.newPage();
        const errors = watchErrors(page);
        const all = Array.from({ length: 30 }, (_, i) => slug(i + 1)).join(',');
        await page.goto(`${fixtureServer.origin}/?indicator=crowding&cities=${all}&view=ranking&year=2020`);
        await page.locator('#ranking-missing li').first().waitFor();
        // The server's default page is 25 entries: the best, 28 down to 4.
        await expect(page.locator('#ranking-chart .ranking-bar [aria-label]').count()).resolves.toBe(25);
        const note = await page.locator('#ranking-note').innerText();
        expect(note).toContain('28 cities ranked among the chosen; the best 25 are shown');
        expect(note).toContain('Not ranked: 2 of the 30 chosen cities have no value in 2020');
        await expect(
          page.locator('#ranking-missing li').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-slug'))),
        ).resolves.toEqual(['c29-us', 'c30-us']);
        expect(blocked).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });

  describe('the GraphQL IDE', () => {
    it('loads GraphiQL with the README examples as tabs and runs one, with the internet cut off', async () => {
      const { context, blocked } = await offlineContext(browser, { viewport: { width: 1280, height: 800 } });
      try {
        const page = await context.newPage();
        const errors = watchErrors(page);
        await page.goto(live.server.graphqlUrl);
        await page.locator('.graphiql-container .graphiql-tab').first().waitFor({ timeout: 20_000 });
        const tabs = await page.locator('.graphiql-tab').allInnerTexts();
        expect(tabs.map((t) => t.trim())).toEqual(
          expect.arrayContaining(['PittsburghProfile', 'HomicideRanking2015', 'ComparePittsburghBoston']),
        );

        await page.locator('.graphiql-tab', { hasText: 'PittsburghProfile' }).click();
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url() === live.server.graphqlUrl && r.request().method() === 'POST'),
          page.locator('.graphiql-execute-button').click(),
        ]);
        const body = (await response.json()) as { data: { city: { name: string; latest: { value: number } } } };
        expect(body.data.city.name).toBe('Pittsburgh');
        expect(body.data.city.latest.value).toBe(18.57);
        await page.locator('.graphiql-response', { hasText: '"name": "Pittsburgh"' }).waitFor();
        await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql.png') });
        expect(blocked).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });
});
