import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ARTIFACTS,
  describeInBrowser,
  explorerServer,
  launchBrowser,
  offlineContext,
  watchErrors,
} from '../helpers/offlineBrowser';

/**
 * The explorer's impact views (issue 16, item 6) in headless Chromium, offline, on the seeded
 * demo database: the event study of the human rights cities' homicide rates and Pittsburgh's
 * synthetic control. Expected numbers are worked out by hand from the seed fact sheet (FBI UCR
 * via The Marshall Project), as docs/analytics/callawaySantanna.md and syntheticControl.md do.
 */

/** Pittsburgh's homicides per 100,000 residents, 2010–2015 (seed fact sheet), and Miami's. */
const PITTSBURGH = [17.88, 14.26, 13.14, 14.63, 22.43, 18.57];
const MIAMI_2010 = 17.02;

/** The cells of a table's body, row by row, as the page shows them. */
async function cells(page: Page, table: string): Promise<string[][]> {
  return page
    .locator(`${table} tbody tr`)
    .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => (cell.textContent ?? '').trim())));
}

const live = explorerServer();

describeInBrowser('the event study and synthetic control views in headless Chromium, offline', () => {
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
    expect(blocked).toEqual([]);
  });

  it('draws the event study: an estimate with its interval per year since adoption, the summary and the table', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${live.server.origin}/?indicator=homicide-rate&view=event-study&instrument=HRC`);
    const marks = page.locator('#event-chart svg .event-mark');
    await marks.first().waitFor();

    await expect(page.locator('#tab-event-study').getAttribute('aria-selected')).resolves.toBe('true');
    // One cohort (Pittsburgh, 2011) and homicide data for 2010–2015: relative years 0..3.
    const labels = await marks.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label') ?? ''));
    expect(labels.map((l) => /^Year ([+-]?\d+) since/.exec(l)?.[1])).toEqual(['0', '+1', '+2', '+3']);
    // Relative year 1 by hand: Pittsburgh 2012 − 2010 = 13.14 − 17.88 = −4.74, minus the controls' mean change 0.086.
    const rows = await cells(page, '#event-study-values');
    expect(rows.map((r) => r[0])).toEqual(['0', '1', '2', '3']);
    expect(Number(rows[1][1].replace('−', '-'))).toBeCloseTo(PITTSBURGH[2] - PITTSBURGH[0] - 0.086, 2);
    expect(labels[1]).toContain(`${rows[1][1]} per 100k, 95% interval`);

    // The picture: each interval bar contains its dot, the zero line is drawn, the adoption line sits left of year 0.
    const geometry = await page.locator('#event-chart svg').evaluate((svg) => {
      const marks = [...svg.querySelectorAll('.event-mark')].map((g) => {
        const dot = g.querySelector('circle') as SVGCircleElement;
        const bar = g.querySelector('line') as SVGLineElement;
        return {
          x: dot.cx.baseVal.value,
          y: dot.cy.baseVal.value,
          top: bar.y1.baseVal.value,
          bottom: bar.y2.baseVal.value,
        };
      });
      const adoption = svg.querySelector('.adoption-line line') as SVGLineElement;
      return {
        marks,
        adoptionX: adoption.x1.baseVal.value,
        title: svg.querySelector('title')?.textContent ?? '',
        desc: svg.querySelector('desc')?.textContent ?? '',
      };
    });
    for (const mark of geometry.marks) {
      expect(mark.top).toBeLessThanOrEqual(mark.y);
      expect(mark.bottom).toBeGreaterThanOrEqual(mark.y);
    }
    expect(geometry.adoptionX).toBeLessThan(geometry.marks[0].x);
    expect(geometry.title).toContain('Event study');
    expect(geometry.desc).toContain('95% interval');

    await expect(page.locator('#event-note .impact-summary').textContent()).resolves.toContain(
      'the 1 city that adopted HRC',
    );
    await expect(page.locator('#event-note').textContent()).resolves.toContain('Overall effect after adoption (ATT)');
    await expect(page.locator('#citation-text').textContent()).resolves.toMatch(/Marshall Project/);
    await expect(page.locator('#query-text').textContent()).resolves.toContain('estimator: CALLAWAY_SANTANNA');
    await expect(page.locator('#embed-button').isHidden()).resolves.toBe(true);

    await page.locator('#results').screenshot({ path: path.join(ARTIFACTS, 'screen-event-study-1366.png') });

    // Fewer years either side: the address keeps it, and relative year 3 goes.
    await page.locator('#event-window').selectOption('2');
    await page.waitForFunction(() => document.querySelectorAll('#event-chart svg .event-mark').length === 3);
    expect(page.url()).toContain('window=2');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws Pittsburgh against its synthetic control, with the adoption year and the donor weights', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    // No city named: the explorer picks the adopter with values before adoption (Washington declared in 2008, before the data).
    await page.goto(`${live.server.origin}/?indicator=homicide-rate&view=synthetic&instrument=HRC`);
    const marks = page.locator('#synthetic-chart svg .synthetic-mark');
    await marks.first().waitFor();
    expect(new URL(page.url()).searchParams.get('city')).toBe('pittsburgh-us');
    await expect(page.locator('#synthetic-city').inputValue()).resolves.toBe('pittsburgh-us');
    await expect(page.locator('#results-title').textContent()).resolves.toContain('Pittsburgh');

    // No other US city reached Pittsburgh's 2010 rate; Miami came closest, so the synthetic Pittsburgh is Miami alone.
    const weights = await cells(page, '#synthetic-weights-values');
    expect(weights).toEqual([['Miami, FL (US)', '100%']]);
    const series = await cells(page, '#synthetic-values');
    expect(series.map((r) => Number(r[0]))).toEqual([2010, 2011, 2012, 2013, 2014, 2015]);
    expect(series.map((r) => Number(r[1]))).toEqual(PITTSBURGH);
    expect(Number(series[0][3])).toBeCloseTo(PITTSBURGH[0] - MIAMI_2010, 6);
    expect(series.map((r) => r[4])).toEqual(['before adoption (fitted)', ...Array(5).fill('from adoption')]);

    // The adoption line is at the 2011 dots; Pittsburgh's dots are as high as its values say.
    const geometry = await page.locator('#synthetic-chart svg').evaluate((svg) => ({
      adoptionX: (svg.querySelector('.adoption-line line') as SVGLineElement).x1.baseVal.value,
      dots: [...svg.querySelectorAll('.synthetic-mark')].map((g) => {
        const circles = g.querySelectorAll('circle');
        const city = circles[circles.length - 1] as SVGCircleElement;
        return { x: city.cx.baseVal.value, y: city.cy.baseVal.value, label: g.getAttribute('aria-label') ?? '' };
      }),
    }));
    expect(geometry.adoptionX).toBeCloseTo(geometry.dots[1].x, 1);
    // 2014 (22.43) is the highest value, 2012 (13.14) the lowest: the highest dot is the one nearest the top.
    const ys = geometry.dots.map((d) => d.y);
    expect(ys.indexOf(Math.min(...ys))).toBe(4);
    expect(ys.indexOf(Math.max(...ys))).toBe(2);
    expect(geometry.dots[0].label).toMatch(/^Pittsburgh, PA, 2010: 17\.88 per 100k; synthetic 17\.0?2; gap 0\.86$/);

    await expect(page.locator('#synthetic-note .impact-summary').textContent()).resolves.toContain(
      'compared with a synthetic Pittsburgh',
    );
    await expect(page.locator('#warnings [data-code="POOR_PRE_FIT"]').count()).resolves.toBe(1);
    await expect(page.locator('#query-text').textContent()).resolves.toContain('countryCodes: ["US"]');
    await page.locator('#results').screenshot({ path: path.join(ARTIFACTS, 'screen-synthetic-1366.png') });

    // "Download SVG": the chart with its title, source and citation in one file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-svg').click()]);
    expect(download.suggestedFilename()).toBe('homicide-rate-pittsburgh-us-synthetic-control.svg');
    const file = readFileSync((await download.path()) as string, 'utf8');
    expect(file).toContain('Synthetic Pittsburgh, PA');
    expect(file).toContain('adopted 2011');
    expect(file).toContain('Cite as:');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens on CEDAW without an instrument in the link: only years before adoption, hollow, and no effect', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${live.server.origin}/?indicator=homicide-rate&view=event-study`);
    const marks = page.locator('#event-chart svg .event-mark');
    await marks.first().waitFor();
    await expect(page.locator('#event-instrument').inputValue()).resolves.toBe('CEDAW');
    // Pittsburgh's CEDAW ordinance (2016) comes after the last homicide year (2015): 2013–2015 are 3 to 1 years before
    // it, each compared with the year before; there is no year after adoption, so no effect (NO_DATA).
    const labels = await marks.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label') ?? ''));
    expect(labels.map((l) => /^Year ([+-]?\d+) since/.exec(l)?.[1])).toEqual(['-3', '-2', '-1']);
    const fills = await page
      .locator('#event-chart svg .event-mark circle')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('fill')));
    expect(fills).toEqual(['white', 'white', 'white']);
    await expect(page.locator('#warnings [data-code="NO_DATA"]').count()).resolves.toBe(1);
    await expect(page.locator('#event-note').textContent()).resolves.not.toContain('Overall effect');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a phone: the page is no wider than the screen in either view', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    for (const [address, ready] of [
      ['/?indicator=homicide-rate&view=event-study&instrument=HRC', '#event-chart svg .event-mark'],
      [
        '/?indicator=homicide-rate&view=synthetic&instrument=HRC&city=pittsburgh-us',
        '#synthetic-chart svg .synthetic-mark',
      ],
    ]) {
      await page.goto(`${live.server.origin}${address}`);
      await page.locator(ready).first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect({ address, overflow }).toEqual({ address, overflow: 0 });
      const width = await page
        .locator(`${ready.split(' ')[0]} svg`)
        .evaluate((svg) => svg.getBoundingClientRect().width);
      expect(width).toBeLessThanOrEqual(375);
    }
    await page.locator('#synthetic-chart').screenshot({ path: path.join(ARTIFACTS, 'screen-synthetic-chart-375.png') });
    await page.close();
  });

  it('shows the API’s coded error for an adopter without a value before adoption, and draws nothing', async () => {
    const page = await context.newPage();
    await page.goto(`${live.server.origin}/?indicator=homicide-rate&view=synthetic&instrument=HRC&city=washington-us`);
    await page.locator('#error:not([hidden])').waitFor();
    await expect(page.locator('#error').textContent()).resolves.toMatch(/before|adoption/i);
    await expect(page.locator('#synthetic-chart svg').count()).resolves.toBe(0);
    await expect(page.locator('#synthetic-values').count()).resolves.toBe(0);

    // A link naming a city that never adopted the instrument says so, rather than showing another city.
    await page.goto(`${live.server.origin}/?indicator=homicide-rate&view=synthetic&instrument=HRC&city=boston-us`);
    await page.locator('#error:not([hidden])').waitFor();
    await expect(page.locator('#error').textContent()).resolves.toContain(
      '“boston-us”, which has no commitment to HRC',
    );
    await expect(page.locator('#synthetic-chart svg').count()).resolves.toBe(0);
    expect(new URL(page.url()).searchParams.get('city')).toBe('boston-us');
    await page.close();
  });
});
