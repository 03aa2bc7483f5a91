import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { importObservations } from '../../src/modules/ingest/importObservations';
import {
  ARTIFACTS,
  describeInBrowser,
  explorerServer,
  isLoopback,
  launchBrowser,
  offlineContext,
  ROOT,
  watchErrors,
} from '../helpers/offlineBrowser';

/**
 * The explorer's map, embeds and chart downloads (issue 18) in headless Chromium, offline, on the
 * seeded demo database. Expected numbers come from the seed fact sheet (seeds/observations.ts,
 * FBI UCR via The Marshall Project), the seeded ratifications and the world-atlas file itself.
 */

/** Homicides per 100,000 residents in 2015, the twelve cities of the fact sheet with that year. */
const HOMICIDE_2015: Record<string, number> = {
  'honolulu-us': 1.5,
  'seattle-us': 3.36,
  'salt-lake-city-us': 4.17,
  'boston-us': 5.71,
  'san-francisco-us': 6.14,
  'los-angeles-us': 7.12,
  'long-beach-us': 7.56,
  'minneapolis-us': 11.37,
  'louisville-ky-us': 11.9,
  'miami-us': 17.12,
  'pittsburgh-us': 18.57,
  'washington-us': 24.1,
};

/**
 * About five classes with round boundaries over 1.5–24.1: steps of 5, so five classes split
 * at these (by hand).
 */
const CLASS_BOUNDS = [5, 10, 15, 20];

/**
 * The seeded CEDAW status, counted over the atlas's countries: the UN snapshot of 2022
 * (seeds/data/un-treaty-status-2022.csv; STATE_PARTY is shaded as ratified) with the fact
 * sheet of 2026 for the demo countries, which agrees with it for CEDAW (seven states parties,
 * the US signed only). Computed from the files, not from the map's code: world-atlas ids are
 * ISO numeric codes, read as alpha-2 with i18n-iso-countries' codes table.
 */
function cedawCounts(atlasIds: unknown[]): { ratified: number; signed: number } {
  const rows: { country: string; instrument: string; status: string }[] = parse(
    readFileSync(path.join(ROOT, 'seeds/data/un-treaty-status-2022.csv')),
    { columns: true },
  );
  // The file writes Timor-Leste with its pre-2002 code TP (seeds/data/README.md).
  const cedaw = new Map(
    rows.filter((r) => r.instrument === 'CEDAW').map((r) => [r.country === 'TP' ? 'TL' : r.country, r.status]),
  );
  const alpha2ByNumeric = new Map(
    (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/i18n-iso-countries/codes.json'), 'utf8')) as string[][]).map(
      (row) => [row[2], row[0]],
    ),
  );
  const statuses = atlasIds.map((id) => cedaw.get(alpha2ByNumeric.get(String(id)) ?? ''));
  return {
    ratified: statuses.filter((s) => s === 'STATE_PARTY').length,
    signed: statuses.filter((s) => s === 'SIGNATORY').length,
  };
}

async function chips(page: Page): Promise<string[]> {
  return page
    .locator('#chosen-cities .chip')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-slug') ?? ''));
}

/** Committed reference screenshots of each view; UPDATE_SCREENSHOTS=1 rewrites them. */
const REFERENCES = path.join(__dirname, 'references');
/**
 * Share of pixels that may differ from the reference (a channel off by more than 48 of 255):
 * enough for another machine's font smoothing, far below a moved or missing chart.
 */
const MAX_DIFFERING_SHARE = 0.03;

/** The share of pixels of two PNGs of one size that differ, decoded and compared in a blank page. */
async function differingShare(page: Page, actual: Buffer, expected: Buffer): Promise<number> {
  return page.evaluate(
    async ([a, b]) => {
      const load = async (src: string) => {
        const image = new Image();
        image.src = src;
        await image.decode();
        return image;
      };
      const [x, y] = await Promise.all([load(a), load(b)]);
      if (x.naturalWidth !== y.naturalWidth || x.naturalHeight !== y.naturalHeight) return 1;
      const pixels = (image: HTMLImageElement) => {
        const canvas = document.createElement('canvas');
        canvas.width = image.naturalWidth;
        canvas.height = image.naturalHeight;
        const context = canvas.getContext('2d') as CanvasRenderingContext2D;
        context.drawImage(image, 0, 0);
        return context.getImageData(0, 0, canvas.width, canvas.height).data;
      };
      const [p, q] = [pixels(x), pixels(y)];
      let differing = 0;
      for (let i = 0; i < p.length; i += 4) {
        if (Math.abs(p[i] - q[i]) > 48 || Math.abs(p[i + 1] - q[i + 1]) > 48 || Math.abs(p[i + 2] - q[i + 2]) > 48) {
          differing += 1;
        }
      }
      return differing / (p.length / 4);
    },
    [`data:image/png;base64,${actual.toString('base64')}`, `data:image/png;base64,${expected.toString('base64')}`],
  );
}

const live = explorerServer();

describeInBrowser('the map, embeds and downloads in headless Chromium, offline', () => {
  let browser: Browser;
  let context: BrowserContext;
  let blocked: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ context, blocked } = await offlineContext(browser, {
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
    }));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('draws every city and country, coloured by value and national status, with a legend matching the scale', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${live.server.origin}/?indicator=homicide-rate&cities=boston-us&view=map&year=2015`);
    await page.locator('#map-chart .city-dot [aria-label]').first().waitFor();
    await page.locator('#map-values tbody tr').first().waitFor();

    const [{ count }] = (await live.db.dataSource.query(
      'SELECT count(*)::int AS count FROM city WHERE latitude IS NOT NULL AND longitude IS NOT NULL',
    )) as { count: number }[];
    const dots = page.locator('#map-chart .city-dot [aria-label]');
    await expect(dots.count()).resolves.toBe(count);
    await expect(page.locator('#map-values tbody tr').count()).resolves.toBe(count);

    const atlas = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/world-atlas/countries-110m.json'), 'utf8')) as {
      objects: { countries: { geometries: { id?: unknown }[] } };
    };
    await expect(page.locator('#map-chart .country path').count()).resolves.toBe(
      atlas.objects.countries.geometries.length,
    );
    const cedaw = cedawCounts(atlas.objects.countries.geometries.map((g) => g.id));
    expect(cedaw.ratified).toBeGreaterThan(150);
    expect(cedaw.signed).toBe(1);
    await expect(page.locator('#map-chart .country-ratified path').count()).resolves.toBe(cedaw.ratified);
    await expect(page.locator('#map-chart .country-signed path').count()).resolves.toBe(cedaw.signed);
    await expect(page.locator('#map-chart .country-signed path').first().getAttribute('aria-label')).resolves.toContain(
      'United States',
    );

    // The legend: its class boundaries are the hand-computed ones, and its unit is named.
    const legend = page.locator('#map-chart .map-legends svg').first();
    const ticks = await legend
      .locator('.tick text')
      .evaluateAll((nodes) => nodes.map((n) => Number((n.textContent ?? '').replace(/,/g, ''))));
    expect(ticks).toEqual(CLASS_BOUNDS);
    await expect(legend.textContent()).resolves.toContain('per 100k');
    const swatches = await legend.locator('rect').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('fill')));
    expect(swatches).toHaveLength(5);

    // Each city with a value is filled with its class's swatch; the others are hollow.
    const fills = await dots.evaluateAll((nodes) =>
      nodes.map((n) => ({ slug: n.getAttribute('data-slug') ?? '', fill: n.getAttribute('fill') })),
    );
    for (const { slug, fill } of fills) {
      const value = HOMICIDE_2015[slug];
      if (value === undefined) {
        expect([slug, fill]).toEqual([slug, 'none']);
      } else {
        const klass = CLASS_BOUNDS.filter((bound) => value >= bound).length;
        expect([slug, fill]).toEqual([slug, swatches[klass]]);
      }
    }
    expect(fills.filter((f) => f.fill !== 'none')).toHaveLength(Object.keys(HOMICIDE_2015).length);
    // Pittsburgh and San Francisco made local CEDAW commitments (and four others without values).
    await expect(page.locator('#map-chart .commitment-symbol path').count()).resolves.toBe(6);
    await page.screenshot({ path: path.join(ARTIFACTS, 'explorer-map.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('reaches a city with the keyboard, says its value, year and source, and adds it on Enter or click', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${live.server.origin}/?indicator=homicide-rate&cities=boston-us&view=map&year=2015`);
    await page.locator('#map-chart .city-dot [aria-label]').first().waitFor();
    await page.locator('#map-zoom').focus();
    await page.keyboard.press('Tab');
    let focused = await page.evaluate(() => document.activeElement?.getAttribute('data-slug') ?? null);
    expect(focused).not.toBeNull();
    for (let i = 0; i < 30 && focused !== 'pittsburgh-us'; i += 1) {
      await page.keyboard.press('ArrowRight');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('data-slug') ?? null);
    }
    expect(focused).toBe('pittsburgh-us');
    const tip = await page.locator('#map-tip').textContent();
    expect(tip).toContain('Pittsburgh');
    expect(tip).toContain('18.57 per 100k in 2015');
    expect(tip).toContain('The Crime Report');
    await page.keyboard.press('Enter');
    await page.locator('#chosen-cities .chip[data-slug="pittsburgh-us"]').waitFor();
    expect(await chips(page)).toEqual(['boston-us', 'pittsburgh-us']);
    expect(page.url()).toContain('cities=boston-us,pittsburgh-us');
    expect(page.url()).toContain('view=map');

    await page.locator('#map-chart .city-dot [data-slug="honolulu-us"]').click();
    await page.locator('#chosen-cities .chip[data-slug="honolulu-us"]').waitFor();
    expect(await chips(page)).toEqual(['boston-us', 'pittsburgh-us', 'honolulu-us']);
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
  });
  it('zooms to a continent or a country, from the link and from the list', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const inside = async (slug: string) =>
      page.evaluate((s) => {
        // A city outside the zoomed frame is clipped away, or not drawn at all.
        const dot = document.querySelector(`#map-chart .city-dot [data-slug="${s}"]`);
        if (!dot) return false;
        const frame = (document.querySelector('#map-chart svg') as Element).getBoundingClientRect();
        const box = dot.getBoundingClientRect();
        const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
        return x >= frame.left && x <= frame.right && y >= frame.top && y <= frame.bottom;
      }, slug);
    await page.goto(`${live.server.origin}/?indicator=homicide-rate&view=map&year=2015&zoom=europe`);
    await page.locator('#map-chart .city-dot [data-slug="vienna-at"]').waitFor();
    await expect(page.locator('#map-zoom').inputValue()).resolves.toBe('europe');
    expect(await inside('vienna-at')).toBe(true);
    expect(await inside('york-gb')).toBe(true);
    expect(await inside('pittsburgh-us')).toBe(false);
    // The keyboard visits the cities in view only: the European cities of the seeds.
    const [{ count }] = (await live.db.dataSource.query(
      `SELECT count(*)::int AS count FROM city WHERE longitude BETWEEN -25 AND 45 AND latitude BETWEEN 34 AND 71`,
    )) as { count: number }[];
    await expect(page.locator('#map-chart .city-dot [data-slug]:not([aria-hidden])').count()).resolves.toBe(count);

    await page.locator('#map-zoom').selectOption('US');
    await page.waitForURL(/zoom=US/);
    expect(await inside('pittsburgh-us')).toBe(true);
    expect(await inside('vienna-at')).toBe(false);
    await page.locator('#map-zoom').selectOption('');
    expect(await inside('vienna-at')).toBe(true);
    expect(await inside('pittsburgh-us')).toBe(true);
    expect(page.url()).not.toContain('zoom=');
    expect(errors).toEqual([]);
  });

  it('looks like the committed screenshots of each view at 1366 px and 375 px', async () => {
    const views = {
      timeline: '/?indicator=homicide-rate&cities=pittsburgh-us,boston-us,washington-us',
      ranking: '/?indicator=homicide-rate&cities=pittsburgh-us,boston-us,washington-us&view=ranking&year=2015',
      map: '/?indicator=homicide-rate&cities=boston-us&view=map&year=2015',
    };
    const ready = {
      timeline: '#timeline-chart svg [aria-label^="Boston, MA, 2015"]',
      ranking: '#ranking-chart svg .ranking-bar',
      map: '#map-values tbody tr',
    };
    const blank = await context.newPage();
    const failures: string[] = [];
    mkdirSync(REFERENCES, { recursive: true });
    for (const width of [1366, 375]) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      for (const [view, address] of Object.entries(views) as [keyof typeof views, string][]) {
        await page.goto(`${live.server.origin}${address}`);
        await page.locator(ready[view]).first().waitFor();
        await page.evaluate(() => document.fonts.ready);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) failures.push(`${view} at ${width} px: the page is ${overflow} px wider than the screen`);
        // The results from their title down: the controls above them are the same in every view.
        const top = await page
          .locator('#results')
          .evaluate((node) => node.getBoundingClientRect().top + window.scrollY);
        const shot = await page.screenshot({
          fullPage: true,
          clip: { x: 0, y: top, width, height: 800 },
          animations: 'disabled',
          caret: 'hide',
          mask: [page.locator('#citation-text')],
        });
        const name = `${view}-${width}.png`;
        writeFileSync(path.join(ARTIFACTS, `screen-${name}`), shot);
        const reference = path.join(REFERENCES, name);
        if (process.env.UPDATE_SCREENSHOTS === '1') {
          writeFileSync(reference, shot);
          continue;
        }
        if (!existsSync(reference)) {
          failures.push(`${name}: no reference (run with UPDATE_SCREENSHOTS=1 and commit test/e2e/references)`);
          continue;
        }
        const share = await differingShare(blank, shot, readFileSync(reference));
        if (share > MAX_DIFFERING_SHARE) {
          failures.push(
            `${name}: ${(share * 100).toFixed(1)}% of the pixels differ (see test-artifacts/screen-${name})`,
          );
        }
      }
      await page.close();
    }
    await blank.close();
    expect(failures).toEqual([]);
  });

  it('downloads the chart as SVG with its title, legend, source and citation, and as PNG', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${live.server.origin}/?indicator=homicide-rate&view=map&year=2015`);
    await page.locator('#map-chart .city-dot [aria-label]').first().waitFor();
    await page.locator('#citation-text').filter({ hasText: 'Marshall' }).waitFor();
    const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#download-svg').click()]);
    expect(svgDownload.suggestedFilename()).toBe('homicide-rate-2015-map.svg');
    const svg = readFileSync(await svgDownload.path(), 'utf8');
    expect(svg).toContain('Homicide rate (per 100k), in 2015, on a map');
    // The legends: the value scale's unit and class boundaries, and the country key.
    expect(svg).toContain('per 100k (lower is better)');
    for (const bound of CLASS_BOUNDS) expect(svg).toContain(`>${bound}<`);
    expect(svg).toContain('Signed, not ratified');
    expect(svg).toContain('Source: The Crime Report');
    expect(svg).toMatch(/Cite as: The Marshall Project, &quot;The Crime Report&quot;.*release 1/);
    // The map itself: a path per country shape, a dot per city.
    expect((svg.match(/class="city-dot"/g) ?? []).length).toBe(1);

    const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#download-png').click()]);
    expect(pngDownload.suggestedFilename()).toBe('homicide-rate-2015-map.png');
    await pngDownload.saveAs(path.join(ARTIFACTS, 'download-map.png'));
    const png = readFileSync(await pngDownload.path());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);

    // The line chart keeps its city legend (HTML swatches in the page) in the image.
    await page.goto(`${live.server.origin}/?indicator=homicide-rate&cities=pittsburgh-us,boston-us`);
    await page.locator('#timeline-chart svg [aria-label^="Boston, MA, 2015"]').waitFor();
    const [lineDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#download-svg').click()]);
    const line = readFileSync(await lineDownload.path(), 'utf8');
    expect(line).toContain('Homicide rate (per 100k), over the years');
    expect(line).toContain('>Pittsburgh, PA<');
    expect(line).toContain('>Boston, MA<');
    expect(errors).toEqual([]);
  });

  it('embeds a chart pinned to its release: a newer import does not change it', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(
      `${live.server.origin}/?indicator=homicide-rate&cities=pittsburgh-us,boston-us&view=ranking&year=2015`,
    );
    await page.locator('#ranking-chart svg .ranking-bar').first().waitFor();
    await page.locator('#embed-button').click();
    const snippet = await page.locator('#embed-code').inputValue();
    const src = /^<iframe src="([^"]+)" title="[^"]+" width="100%" height="\d+"/.exec(snippet)?.[1];
    expect(src).toBe(
      `${live.server.origin}/embed/ranking?indicator=homicide-rate&amp;cities=pittsburgh-us,boston-us&amp;year=2015&amp;asOf=1`,
    );
    const address = (src as string).replace(/&amp;/g, '&');

    // A newer release revises Pittsburgh's 2015 rate.
    const report = await importObservations(
      live.db.dataSource,
      'city,country,region,indicator,year,value\nPittsburgh,US,PA,homicide-rate,2015,30.5\n',
      {
        metadata: {
          // The seed's source (matched by title): the value is revised, not added beside it.
          source: {
            title: 'The Crime Report: FBI Uniform Crime Reports for large US cities, compiled by The Marshall Project',
            publisher: 'The Marshall Project',
            url: null,
            license: null,
            citation: 'The Marshall Project, revised',
            synthetic: true,
          },
          indicators: [],
          disaggregations: [],
        },
      },
    );
    expect(report).toMatchObject({ ok: true, changed: 1 });
    const newer = String(report.releaseId);
    expect(newer).not.toBe('1');

    const response = await fetch(address);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=86400, immutable');
    expect(response.headers.get('content-security-policy')).toContain('frame-ancestors *');
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\//);

    // In an iframe of another page, at 320 px wide, as an article would show it.
    const phone = await browser.newContext({ viewport: { width: 320, height: 700 } });
    const requests: string[] = [];
    phone.on('request', (request) => requests.push(request.url()));
    await phone.route('**/*', (route) =>
      isLoopback(route.request().url()) ? route.continue() : route.abort('internetdisconnected'),
    );
    const article = await phone.newPage();
    const articleErrors = watchErrors(article);
    await article.goto(
      `${live.server.origin}/embed/ranking?indicator=homicide-rate&cities=pittsburgh-us,boston-us&year=2015&asOf=1`,
    );
    await article.locator('svg .ranking-bar').first().waitFor();
    const bars = await article
      .locator('svg .ranking-bar [aria-label]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label') ?? ''));
    // Release 1's values (the fact sheet), not the revision: Boston first, lower is better.
    expect(bars).toEqual([
      'Rank 1: Boston, MA, 5.71 per 100k in 2015, tier 1',
      'Rank 2: Pittsburgh, PA, 18.57 per 100k in 2015, tier 2',
    ]);
    await expect(article.locator('#embed-title').textContent()).resolves.toBe(
      'Homicide rate (per 100k), ranked in 2015',
    );
    await expect(article.locator('#embed-citation').textContent()).resolves.toContain('Data as of release 1');
    await expect(article.locator('#embed-source').textContent()).resolves.toContain('The Crime Report');
    await expect(article.locator('#embed-link').getAttribute('href')).resolves.toBe(
      '/?indicator=homicide-rate&cities=pittsburgh-us,boston-us&view=ranking&year=2015&asOf=1',
    );
    const overflow = await article.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await article.screenshot({ path: path.join(ARTIFACTS, 'embed-ranking-320.png'), fullPage: true });

    // Unpinned, the same chart shows the newer release.
    await article.goto(
      `${live.server.origin}/embed/ranking?indicator=homicide-rate&cities=pittsburgh-us,boston-us&year=2015`,
    );
    await article.locator('svg .ranking-bar').first().waitFor();
    await expect(article.locator('svg .ranking-bar [aria-label]').nth(1).getAttribute('aria-label')).resolves.toBe(
      'Rank 2: Pittsburgh, PA, 30.5 per 100k in 2015, tier 2',
    );
    await expect(article.locator('#embed-citation').textContent()).resolves.toContain(`release ${newer}`);

    // The map embed draws too, pinned.
    await article.goto(`${live.server.origin}/embed/map?indicator=homicide-rate&year=2015&asOf=1`);
    await article.locator('.city-dot [aria-label*="Pittsburgh"]').first().waitFor();
    await expect(
      article.locator('.city-dot [aria-label*="Pittsburgh"]').first().getAttribute('aria-label'),
    ).resolves.toContain('18.57 per 100k in 2015');
    expect(requests.filter((url) => !isLoopback(url))).toEqual([]);
    expect(articleErrors).toEqual([]);
    await phone.close();

    const bad = await fetch(`${live.server.origin}/embed/ranking?asOf=latest`);
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${live.server.origin}/embed/nothing`);
    expect(unknown.status).toBe(404);
    expect(errors).toEqual([]);
  });
});
