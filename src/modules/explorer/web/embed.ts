/// <reference lib="dom" />
/**
 * The embed page at /embed/<view> (issue 18): one chart of the explorer, pinned to the release
 * the address names (`asOf`), so a chart in a published article never changes silently. The
 * view's settings are the explorer's query string (viewState.ts).
 */
import {
  ApiError,
  type Citation,
  type CitiesData,
  citiesQuery,
  type CityRef,
  type CompareResult,
  type Direction,
  literal,
  rankingQuery,
  type RankingResult,
  runQuery,
  timelineQuery,
} from './api';
import { rankingChart, timelineChart } from './charts';
import { mapChart, mapLegends } from './map';
import { fetchMap, fetchPlaces, type MapView } from './mapData';
import { parseViewState, type View, viewStateQuery } from './viewState';

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`embed: #${id} is missing from the page`);
  return element;
}

const ui = {
  figure: byId('embed'),
  title: byId('embed-title'),
  chart: byId('embed-chart'),
  source: byId('embed-source'),
  citation: byId('embed-citation'),
  link: byId('embed-link') as HTMLAnchorElement,
  error: byId('embed-error'),
};

const segment = location.pathname.split('/')[2] ?? '';
const view: View = segment === 'ranking' || segment === 'map' ? segment : 'timeline';
const state = parseViewState(location.search);
state.view = view;
const asOf = state.asOf ?? undefined;

interface Indicator {
  code: string;
  name: string;
  unit: string;
  direction: Direction;
}

type Shown =
  | { view: 'timeline'; result: CompareResult }
  | { view: 'ranking'; result: RankingResult }
  | { view: 'map'; result: MapView };

let shown: Shown | null = null;

async function citiesBySlug(slugs: string[]): Promise<CityRef[]> {
  const found: CityRef[] = [];
  let after: string | null = null;
  while (found.length < slugs.length) {
    const page: CitiesData['cities'] = (await runQuery<CitiesData>(citiesQuery({ slugs }, after))).cities;
    found.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }
  const bySlug = new Map(found.map((c) => [c.slug, c]));
  return slugs.flatMap((slug) => bySlug.get(slug) ?? []);
}

function width(): number {
  return Math.max(280, Math.floor(ui.chart.clientWidth || document.body.clientWidth || 600));
}

function draw(): void {
  if (!shown) return;
  let element: Element | null = null;
  if (shown.view === 'timeline') {
    element = timelineChart(shown.result, width())?.element ?? null;
  } else if (shown.view === 'ranking') {
    element = rankingChart(shown.result, width(), null);
  } else {
    const chart = mapChart(shown.result, width(), new Set(), state.zoom);
    ui.chart.replaceChildren(chart.element, mapLegends(shown.result, chart));
    return;
  }
  const empty = document.createElement('p');
  empty.textContent = 'No value to show for these cities and years.';
  ui.chart.replaceChildren(element ?? empty);
}

function sourceLine(citation: Citation): string {
  const sources = citation.sources.map((s) =>
    s.publisher && s.publisher !== s.title ? `${s.title} (${s.publisher})` : s.title,
  );
  return sources.length === 0 ? 'Source: none (no values)' : `Source: ${sources.join('; ')}`;
}

async function start(): Promise<void> {
  const code = state.indicator ?? 'homicide-rate';
  const found = await runQuery<{ indicator: Indicator | null }>(
    `query EmbedIndicator { indicator(code: ${literal(code)}) { code name unit direction } }`,
  );
  const indicator = found.indicator;
  if (!indicator) throw new ApiError(`No indicator “${code.slice(0, 60)}”`);
  const cities = await citiesBySlug(state.cities.slice(0, 100));
  let title: string;
  if (view === 'map') {
    const places = await fetchPlaces();
    const result = await fetchMap(
      places,
      indicator,
      typeof state.year === 'number' ? state.year : null,
      state.instrument,
      asOf,
    );
    shown = { view: 'map', result };
    title = `${indicator.name} (${indicator.unit}) in ${result.year ?? '…'}; countries by ${result.instrument.code} status`;
  } else if (view === 'ranking') {
    const year = typeof state.year === 'number' ? state.year : undefined;
    const query = rankingQuery(indicator.code, year, state.scope === 'all' ? undefined : cities.map((c) => c.id), asOf);
    const result = (await runQuery<{ ranking: RankingResult }>(query)).ranking;
    shown = { view: 'ranking', result };
    title = `${indicator.name} (${indicator.unit}), ranked ${result.year === null ? "on each city's latest year" : `in ${result.year}`}`;
  } else {
    const query = timelineQuery(
      cities.map((c) => c.id),
      indicator.code,
      state.yearFrom ?? undefined,
      state.yearTo ?? undefined,
      asOf,
    );
    const result = (await runQuery<{ compare: CompareResult }>(query)).compare;
    shown = { view: 'timeline', result };
    const years =
      state.yearFrom !== null || state.yearTo !== null
        ? `${state.yearFrom ?? '…'}–${state.yearTo ?? '…'}`
        : 'over the years';
    title = `${indicator.name} (${indicator.unit}), ${years}`;
  }
  ui.title.textContent = title;
  document.title = `${title} · rightsgraph`;
  const citation = shown.result.citation;
  ui.source.textContent = sourceLine(citation);
  const release = citation.release;
  ui.citation.textContent =
    (release ? `Data as of release ${release.id} (${release.createdAt.slice(0, 10)}). ` : '') +
    `Cite as: ${citation.text}`;
  ui.link.href = `/?${viewStateQuery(state)}`;
  draw();
  ui.figure.removeAttribute('aria-busy');
  let lastWidth = ui.chart.clientWidth;
  new ResizeObserver(() => {
    if (ui.chart.clientWidth === lastWidth) return;
    lastWidth = ui.chart.clientWidth;
    draw();
  }).observe(ui.chart);
}

start().catch((error: unknown) => {
  ui.figure.removeAttribute('aria-busy');
  ui.error.hidden = false;
  ui.error.textContent =
    error instanceof ApiError ? error.message : `The chart could not be drawn: ${(error as Error).message}`;
});
