/// <reference lib="dom" />
/**
 * The explorer page at /: pick an indicator and cities, see them over time with their
 * commitments, rank them in a year, and take the data (CSV, citation, the GraphQL query, a
 * link). Plain DOM over the server's HTML (src/modules/explorer/explorerPage.ts); everything
 * comes from the public GraphQL API and the CSV export of the same server.
 *
 * This file wires the controls and starts the page; the parts live beside it: explorerState
 * (elements, view state), indicatorPicker, cityChoice and citySearch, views (refresh) over
 * timelineView, rankingView, mapView and impactView (event study, synthetic control), address
 * (URL, title, CSV link), takeAway (embed, SVG).
 */
import { writeUrl } from './address';
import { type IndicatorsData, INDICATORS_QUERY, runQuery } from './api';
import { chosen, cities, renderChosen, restoreChosen, wirePicks } from './cityChoice';
import { wireSearch } from './citySearch';
import { downloadPng, downloadSvg } from './download';
import { actions, coverage, explicitView, HRC_FILTER, output, state, ui } from './explorerState';
import { describeIndicator, fillIndicators, setIndicators, shorten } from './indicatorPicker';
import { announce, copyText, showError } from './messages';
import { shownFigure, writeEmbed } from './takeAway';
import type { ViewState } from './viewState';
import { draw, fillRankingYears, refresh, setView, wireTabs } from './views';

actions.refresh = refresh;

function readYear(input: HTMLInputElement): number | null {
  return /^\d{4}$/.test(input.value.trim()) ? Number(input.value) : null;
}

/** On a control's change, sets `key` of the view state to what `read` makes of its value, and redraws. */
function onChange<K extends keyof ViewState>(
  control: HTMLSelectElement,
  key: K,
  read: (value: string) => ViewState[K],
): void {
  control.addEventListener('change', () => {
    state[key] = read(control.value);
    void refresh();
  });
}

function wireControls(): void {
  ui.form.addEventListener('submit', (event) => event.preventDefault());
  ui.indicator.addEventListener('change', () => {
    ui.intro.hidden = true;
    state.indicator = ui.indicator.value;
    state.year = null;
    describeIndicator();
    fillRankingYears();
    void refresh();
  });
  for (const input of [ui.yearFrom, ui.yearTo]) {
    input.addEventListener('change', () => {
      state.yearFrom = readYear(ui.yearFrom);
      state.yearTo = readYear(ui.yearTo);
      void refresh();
    });
  }
  // Controls that set one field of the view state from their value and redraw.
  onChange(ui.rankingYear, 'year', (value) => (value === 'latest' ? 'latest' : Number(value)));
  onChange(ui.mapYear, 'year', (value) => {
    ui.rankingYear.value = value;
    return Number(value);
  });
  onChange(ui.mapInstrument, 'instrument', (value) => value);
  onChange(ui.rankingScope, 'scope', (value) => (value === 'all' ? 'all' : 'chosen'));
  onChange(ui.eventInstrument, 'instrument', (value) => value);
  onChange(ui.eventWindow, 'window', Number);
  onChange(ui.syntheticInstrument, 'instrument', (value) => {
    // Another instrument has other adopters: the synthetic control picks one of them.
    state.city = null;
    return value;
  });
  onChange(ui.syntheticCity, 'city', (value) => value);
  onChange(ui.syntheticDonors, 'donors', (value) => (value === 'all' ? 'all' : 'country'));
  ui.mapZoom.addEventListener('change', () => {
    state.zoom = ui.mapZoom.value || null;
    writeUrl();
    draw();
    announce(`Map zoomed to ${ui.mapZoom.selectedOptions[0]?.textContent ?? 'the world'}`);
  });
  ui.copyCitation.addEventListener('click', () => void copyText(ui.citation.textContent ?? '', 'citation'));
  ui.copyQuery.addEventListener('click', () => void copyText(output.query, 'GraphQL query'));
  ui.copyLink.addEventListener('click', () => void copyText(location.href, 'link to this view'));
  ui.embedButton.addEventListener('click', () => {
    const open = ui.embedPanel.hidden;
    ui.embedPanel.hidden = !open;
    ui.embedButton.setAttribute('aria-expanded', String(open));
    if (open) {
      writeEmbed();
      ui.embedCode.focus();
      ui.embedCode.select();
    }
  });
  ui.copyEmbed.addEventListener('click', () => void copyText(ui.embedCode.value, 'embed code'));
  ui.downloadSvg.addEventListener('click', () => {
    const figure = shownFigure();
    if (figure) downloadSvg(figure.svg, figure.name);
  });
  ui.downloadPng.addEventListener('click', () => {
    const figure = shownFigure();
    if (figure)
      downloadPng(figure.svg, figure.name).catch((error: unknown) =>
        showError(`Could not make the PNG: ${(error as Error).message}`),
      );
  });
  let resizeTimer = 0;
  let lastWidth = ui.results.clientWidth;
  new ResizeObserver(() => {
    if (ui.results.clientWidth === lastWidth) return;
    lastWidth = ui.results.clientWidth;
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(draw, 100);
  }).observe(ui.results);
}

async function start(): Promise<void> {
  wireControls();
  wireSearch();
  wirePicks();
  wireTabs();
  setView(state.view);
  ui.rankingScope.value = state.scope;
  ui.yearFrom.value = state.yearFrom === null ? '' : String(state.yearFrom);
  ui.yearTo.value = state.yearTo === null ? '' : String(state.yearTo);
  renderChosen();
  const problems: string[] = [];
  try {
    const data = await runQuery<IndicatorsData>(INDICATORS_QUERY);
    setIndicators(data.indicators.edges.map((e) => e.node));
    for (const cover of data.coverage.indicators) coverage.set(cover.indicator.code, cover);
    const indicatorProblem = fillIndicators();
    if (indicatorProblem) problems.push(indicatorProblem);
    describeIndicator();
    fillRankingYears();
    if (!explicitView) {
      restoreChosen((await cities(HRC_FILTER)).edges.map((e) => e.node));
      renderChosen();
      ui.intro.hidden = chosen.length === 0;
    } else if (state.cities.length > 0) {
      const found = await cities({ slugs: state.cities });
      const bySlug = new Map(found.edges.map((e) => [e.node.slug, e.node]));
      const missing = state.cities.filter((slug) => !bySlug.has(slug));
      restoreChosen(state.cities.flatMap((slug) => bySlug.get(slug) ?? []));
      renderChosen();
      if (missing.length > 0) problems.push(`Unknown cities in the link, left out: ${missing.map(shorten).join(', ')}`);
    }
  } catch (error) {
    showError(`Could not load the indicators: ${(error as Error).message}`);
    return;
  }
  await refresh();
  // Said after the first view is drawn, which clears the messages of the view before it.
  if (problems.length > 0 && ui.error.hidden) showError(problems.join(' '));
}

void start();
