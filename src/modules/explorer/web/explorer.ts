/// <reference lib="dom" />
/**
 * The explorer page at /: pick an indicator and cities, see them over time with their
 * commitments, rank them in a year, and take the data (CSV, citation, the GraphQL query, a
 * link). Plain DOM over the server's HTML (src/modules/explorer/explorerPage.ts); everything
 * comes from the public GraphQL API and the CSV export of the same server.
 */
import {
  ApiError,
  argumentList,
  literal,
  type CitiesData,
  citiesQuery,
  type CityRef,
  type CompareResult,
  type IndicatorCoverage,
  type IndicatorInfo,
  type IndicatorsData,
  INDICATORS_QUERY,
  rankingQuery,
  type RankingResult,
  runQuery,
  timelineQuery,
  type Warning,
} from './api';
import { rankingChart, timelineChart } from './charts';
import {
  adoptionPosition,
  cityLabel,
  DIRECTION_WORDS,
  formatPercentile,
  formatValue,
  instrumentWords,
  STATUS_FLAGS,
  uniqueLabels,
  WARNING_TITLES,
} from './format';
import { downloadPng, downloadSvg, figureSvg, fileName } from './download';
import { mapChart, mapLegends, type MapMark } from './map';
import { fetchMap, fetchPlaces, type MapCity, type MapData, type MapPlaces, type MapView } from './mapData';
import { CONTINENTS } from './mapZoom';
import { parseViewState, type View, type ViewState, viewStateQuery } from './viewState';
import { MAX_YEAR, MIN_YEAR } from '../../common/years';

const VIEWS: View[] = ['timeline', 'ranking', 'map'];

/** compare takes at most 100 cities. */
const MAX_CITIES = 100;

/**
 * A link without any view state opens on these: the human rights cities and their homicide
 * rates, the comparison the explorer exists for, rather than an empty page.
 */
const DEFAULT_INDICATOR = 'homicide-rate';
const HRC_FILTER = { hasCommitment: { instrumentCodes: ['HRC'] } };

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`explorer: #${id} is missing from the page`);
  return element as T;
}

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) element.append(child);
  return element;
}

const ui = {
  form: byId<HTMLFormElement>('controls'),
  indicator: byId<HTMLSelectElement>('indicator'),
  indicatorInfo: byId('indicator-info'),
  search: byId<HTMLInputElement>('city-search'),
  options: byId<HTMLUListElement>('city-options'),
  searchHint: byId('city-search-hint'),
  which: byId('city-which'),
  chosen: byId<HTMLUListElement>('chosen-cities'),
  chosenCount: byId('chosen-count'),
  pickHrc: byId<HTMLButtonElement>('pick-hrc'),
  pickCedaw: byId<HTMLButtonElement>('pick-cedaw'),
  pickCountry: byId<HTMLButtonElement>('pick-country'),
  pickClear: byId<HTMLButtonElement>('pick-clear'),
  yearFrom: byId<HTMLInputElement>('year-from'),
  yearTo: byId<HTMLInputElement>('year-to'),
  results: byId('results'),
  title: byId('results-title'),
  status: byId('status'),
  error: byId('error'),
  intro: byId('intro'),
  empty: byId('empty'),
  tabs: {
    timeline: byId<HTMLButtonElement>('tab-timeline'),
    ranking: byId<HTMLButtonElement>('tab-ranking'),
    map: byId<HTMLButtonElement>('tab-map'),
  },
  panels: { timeline: byId('panel-timeline'), ranking: byId('panel-ranking'), map: byId('panel-map') },
  mapYear: byId<HTMLSelectElement>('map-year'),
  mapInstrument: byId<HTMLSelectElement>('map-instrument'),
  mapZoom: byId<HTMLSelectElement>('map-zoom'),
  mapChart: byId('map-chart'),
  mapTip: byId('map-tip'),
  mapNote: byId('map-note'),
  mapTable: byId('map-table'),
  rankingYear: byId<HTMLSelectElement>('ranking-year'),
  rankingScope: byId<HTMLSelectElement>('ranking-scope'),
  warnings: byId('warnings'),
  timelineChart: byId('timeline-chart'),
  timelineNote: byId('timeline-note'),
  timelineTable: byId('timeline-table'),
  rankingChart: byId('ranking-chart'),
  rankingNote: byId('ranking-note'),
  rankingTable: byId('ranking-table'),
  take: byId('take'),
  download: byId<HTMLAnchorElement>('download-csv'),
  copyCitation: byId<HTMLButtonElement>('copy-citation'),
  copyQuery: byId<HTMLButtonElement>('copy-query'),
  copyLink: byId<HTMLButtonElement>('copy-link'),
  embedButton: byId<HTMLButtonElement>('embed-button'),
  embedPanel: byId('embed-panel'),
  embedCode: byId<HTMLTextAreaElement>('embed-code'),
  copyEmbed: byId<HTMLButtonElement>('copy-embed'),
  embedPreview: byId<HTMLAnchorElement>('embed-preview'),
  downloadSvg: byId<HTMLButtonElement>('download-svg'),
  downloadPng: byId<HTMLButtonElement>('download-png'),
  citation: byId('citation-text'),
  queryText: byId('query-text'),
};

const state: ViewState = parseViewState(location.search);
/** Whether the address named a view; without one the explorer opens on the default view. */
const explicitView = viewStateQuery(state) !== '';
let indicators: IndicatorInfo[] = [];
const coverage = new Map<string, IndicatorCoverage>();
/** The chosen cities, in the order chosen (state.cities holds their slugs). */
let chosen: CityRef[] = [];
/** What is on screen: redrawn on resize without asking the server again. */
let shown:
  | { view: 'timeline'; result: CompareResult }
  | { view: 'ranking'; result: RankingResult; unranked: CityRef[] }
  | { view: 'map'; result: MapView }
  | null = null;
/** What the map needs whatever the indicator: loaded once. */
let places: MapPlaces | null = null;
let shownQuery = '';
let pending: AbortController | null = null;

// ---------------------------------------------------------------------------------------------
// Messages

function announce(message: string): void {
  // Cleared first so that the same message twice is announced twice.
  ui.status.textContent = '';
  window.setTimeout(() => (ui.status.textContent = message), 30);
}

function showError(message: string | null): void {
  ui.error.hidden = message === null;
  ui.error.textContent = message ?? '';
}

function renderWarnings(warnings: Warning[]): void {
  ui.warnings.replaceChildren();
  ui.warnings.hidden = warnings.length === 0;
  if (warnings.length === 0) return;
  const list = h('ul');
  for (const warning of warnings) {
    list.append(
      h(
        'li',
        { 'data-code': warning.code },
        h('strong', {}, `${WARNING_TITLES[warning.code] ?? warning.code}. `),
        warning.message,
      ),
    );
  }
  ui.warnings.append(h('h3', {}, 'Read with care'), list);
}

async function copyText(text: string, what: string): Promise<void> {
  try {
    if (!navigator.clipboard) throw new Error('no clipboard API');
    await navigator.clipboard.writeText(text);
  } catch {
    // Pages served over plain http to another host have no clipboard API: copy the old way.
    const area = h('textarea', { 'aria-hidden': 'true', class: 'offscreen' });
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    if (!copied) {
      announce(`Could not copy the ${what}: select it on the page and copy it by hand`);
      return;
    }
  }
  announce(`Copied the ${what}`);
}

// ---------------------------------------------------------------------------------------------
// The indicator

function currentIndicator(): IndicatorInfo | undefined {
  return indicators.find((i) => i.code === state.indicator);
}

/** Fills the indicator list; says what was wrong with the link's indicator, if anything. */
function fillIndicators(): string | null {
  const groups = new Map<string, IndicatorInfo[]>();
  for (const indicator of indicators) {
    // An indicator of several rights is listed under the first; its description names them all.
    const group = indicator.rights[0]?.name ?? 'Context (measures no right)';
    groups.set(group, [...(groups.get(group) ?? []), indicator]);
  }
  const names = [...groups.keys()].sort((a, b) =>
    a.startsWith('Context') ? 1 : b.startsWith('Context') ? -1 : a.localeCompare(b),
  );
  ui.indicator.replaceChildren(
    ...names.map((name) =>
      h(
        'optgroup',
        { label: name },
        ...(groups.get(name) ?? []).map((indicator) =>
          h(
            'option',
            { value: indicator.code },
            `${indicator.name} (${indicator.unit}, ${DIRECTION_WORDS[indicator.direction]})`,
          ),
        ),
      ),
    ),
  );
  let problem: string | null = null;
  if (!currentIndicator()) {
    const fallback =
      indicators.find((i) => i.code === DEFAULT_INDICATOR)?.code ?? ui.indicator.querySelector('option')?.value;
    if (state.indicator !== null) {
      const near = closest(
        state.indicator,
        indicators.map((i) => i.code),
      );
      const name = indicators.find((i) => i.code === fallback)?.name ?? fallback;
      problem =
        `The link asks for the indicator “${shorten(state.indicator)}”, which does not exist` +
        (near.length > 0 ? ` (did you mean ${near.map((c) => `“${c}”`).join(' or ')}?)` : '') +
        `. Showing ${name} instead: pick another indicator above.`;
    }
    state.indicator = fallback ?? null;
  }
  ui.indicator.value = state.indicator ?? '';
  return problem;
}

/** A code from a link, short enough to quote in a message. */
function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** The codes within a few edits of a mistyped one, closest first (at most two). */
function closest(typed: string, codes: string[]): string[] {
  const word = typed.toLowerCase().slice(0, 64);
  const distance = (a: string, b: string): number => {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i += 1) {
      const current = [i];
      for (let j = 1; j <= b.length; j += 1) {
        current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      previous = current;
    }
    return previous[b.length];
  };
  return codes
    .map((code) => ({ code, d: distance(word, code.toLowerCase()) }))
    .filter(({ code, d }) => d <= Math.max(2, Math.floor(code.length / 3)))
    .sort((a, b) => a.d - b.d || a.code.localeCompare(b.code))
    .slice(0, 2)
    .map(({ code }) => code);
}

function describeIndicator(): void {
  const indicator = currentIndicator();
  ui.indicatorInfo.replaceChildren();
  if (!indicator) return;
  const cover = coverage.get(indicator.code);
  const facts = [
    `Unit: ${indicator.unit}`,
    `Direction: ${DIRECTION_WORDS[indicator.direction]}`,
    `Rights: ${indicator.rights.map((r) => r.name).join(', ') || 'none (context)'}`,
    cover && cover.firstYear !== null
      ? `Data: ${cover.cities} cities, ${cover.firstYear}–${cover.lastYear}`
      : 'No data yet',
  ];
  ui.indicatorInfo.append(h('span', { class: 'code' }, indicator.code), ...facts.map((f) => h('span', {}, f)));
  if (indicator.description) ui.indicatorInfo.append(h('span', { class: 'description' }, indicator.description));
  const years = yearsOf(indicator.code);
  for (const input of [ui.yearFrom, ui.yearTo]) {
    input.min = String(years[years.length - 1] ?? MIN_YEAR);
    input.max = String(years[0] ?? MAX_YEAR);
  }
}

/** The years the indicator has data in, newest first. */
function yearsOf(code: string): number[] {
  const cover = coverage.get(code);
  if (!cover || cover.firstYear === null || cover.lastYear === null) return [];
  const years: number[] = [];
  for (let year = cover.lastYear; year >= cover.firstYear; year -= 1) years.push(year);
  return years;
}

// ---------------------------------------------------------------------------------------------
// Cities: the chosen list, the search box and the quick picks

function setChosen(cities: CityRef[], message?: string): void {
  const seen = new Set<string>();
  chosen = cities.filter((c) => !seen.has(c.id) && seen.add(c.id)).slice(0, MAX_CITIES);
  state.cities = chosen.map((c) => c.slug);
  ui.intro.hidden = true;
  renderChosen();
  if (message) announce(message);
  void refresh();
}

function renderChosen(): void {
  const labels = uniqueLabels(chosen);
  ui.chosen.replaceChildren(
    ...chosen.map((city) => {
      const label = labels.get(city.id) as string;
      const remove = h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${label}` }, '×');
      remove.addEventListener('click', () => {
        const index = chosen.findIndex((c) => c.id === city.id);
        setChosen(
          chosen.filter((c) => c.id !== city.id),
          `Removed ${label}`,
        );
        const next = ui.chosen.querySelectorAll<HTMLButtonElement>('.chip-remove')[index] ?? ui.search;
        next.focus();
      });
      return h('li', { class: 'chip', 'data-slug': city.slug }, h('span', {}, label), remove);
    }),
  );
  ui.chosenCount.textContent =
    chosen.length === 0 ? 'No city chosen yet' : `${chosen.length} ${chosen.length === 1 ? 'city' : 'cities'} chosen`;
  ui.pickCountry.disabled = chosen.length === 0;
  ui.pickCountry.textContent =
    chosen.length === 0 ? 'Same country' : `Same country as ${cityLabel(chosen[0])} (${chosen[0].country.name})`;
  ui.pickClear.disabled = chosen.length === 0;
}

/**
 * The cities matching a filter, up to `limit`, a page at a time: the server's cost limit
 * weighs a query by the page size it asks for, so a few default-sized pages pass where one
 * page of a hundred might not.
 */
async function cities(filter: Record<string, unknown>, limit = MAX_CITIES): Promise<CitiesData['cities']> {
  const found: CitiesData['cities'] = { totalCount: 0, edges: [], pageInfo: { hasNextPage: true, endCursor: null } };
  let after: string | null = null;
  while (found.edges.length < limit && found.pageInfo.hasNextPage) {
    const page: CitiesData['cities'] = (await runQuery<CitiesData>(citiesQuery(filter, after))).cities;
    found.totalCount = page.totalCount;
    found.edges.push(...page.edges);
    found.pageInfo = page.pageInfo;
    after = page.pageInfo.endCursor;
    if (!after) break;
  }
  found.edges = found.edges.slice(0, limit);
  return found;
}

let searchTimer = 0;
let searchSeq = 0;
let options: CityRef[] = [];
let active = -1;
/** Whether the user moved through the matches: Enter then means the one they moved to. */
let moved = false;

function closeOptions(): void {
  ui.options.hidden = true;
  ui.search.setAttribute('aria-expanded', 'false');
  ui.search.removeAttribute('aria-activedescendant');
  active = -1;
}

function renderOptions(): void {
  ui.options.replaceChildren(
    ...options.map((city, index) => {
      const option = h(
        'li',
        {
          id: `city-option-${index}`,
          role: 'option',
          'aria-selected': String(index === active),
          'data-slug': city.slug,
        },
        h('span', {}, cityLabel(city)),
        h('span', { class: 'country' }, city.country.name),
      );
      // mousedown would move the focus out of the box before the click lands.
      option.addEventListener('mousedown', (event) => event.preventDefault());
      option.addEventListener('click', () => choose(city));
      return option;
    }),
  );
  const open = options.length > 0;
  ui.options.hidden = !open;
  ui.search.setAttribute('aria-expanded', String(open));
  if (active >= 0) {
    ui.search.setAttribute('aria-activedescendant', `city-option-${active}`);
    document.getElementById(`city-option-${active}`)?.scrollIntoView({ block: 'nearest' });
  } else {
    ui.search.removeAttribute('aria-activedescendant');
  }
}

function choose(city: CityRef): void {
  closeWhich();
  ui.search.value = '';
  options = [];
  closeOptions();
  ui.searchHint.textContent = '';
  setChosen([...chosen, city], `Added ${cityLabel(city)}`);
  ui.search.focus();
}

async function search(text: string): Promise<void> {
  const seq = ++searchSeq;
  if (text.trim() === '') {
    options = [];
    ui.searchHint.textContent = '';
    closeOptions();
    return;
  }
  try {
    const found = await cities({ search: text.trim() }, 10);
    if (seq !== searchSeq) return;
    const taken = new Set(chosen.map((c) => c.id));
    options = found.edges.map((e) => e.node).filter((c) => !taken.has(c.id));
    active = options.length > 0 ? 0 : -1;
    moved = false;
    ui.searchHint.textContent =
      options.length === 0
        ? `No other city matches “${text.trim()}”`
        : `${options.length} ${options.length === 1 ? 'city matches' : 'cities match'}: arrow keys to move, Enter to add`;
    renderOptions();
  } catch (error) {
    if (seq === searchSeq) ui.searchHint.textContent = (error as Error).message;
  }
}

function sameName(a: CityRef, b: CityRef): boolean {
  return a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) === 0;
}

function closeWhich(): void {
  ui.which.hidden = true;
  ui.which.replaceChildren();
}

/**
 * Lists the cities of one name with their region, country and whether they have values for
 * the indicator, and adds the one the user picks.
 */
async function askWhich(namesakes: CityRef[]): Promise<void> {
  closeOptions();
  const code = state.indicator;
  const indicator = currentIndicator();
  let data: (string | null)[] = namesakes.map(() => null);
  if (code && indicator) {
    try {
      const query = `query ExplorerWhich {\n${namesakes
        .map(
          (city, i) =>
            `  c${i}: coverage(cityIds: ${literal([city.id])}, indicatorCodes: ${literal([code])}) { indicators { firstYear lastYear } }`,
        )
        .join('\n')}\n}`;
      const found =
        await runQuery<Record<string, { indicators: { firstYear: number | null; lastYear: number | null }[] }>>(query);
      data = namesakes.map((_, i) => {
        const cover = found[`c${i}`]?.indicators[0];
        return cover && cover.firstYear !== null
          ? `${indicator.name}: values ${cover.firstYear}–${cover.lastYear}`
          : `${indicator.name}: no values`;
      });
    } catch {
      // Without the coverage the question still stands; only the hint about data is lost.
    }
  }
  const name = namesakes[0].name;
  ui.which.replaceChildren(
    h('p', { id: 'city-which-title' }, `${namesakes.length} cities are called ${name}. Which one?`),
    h(
      'ul',
      {},
      ...namesakes.map((city, i) => {
        const button = h(
          'button',
          { type: 'button', 'data-slug': city.slug },
          h('span', {}, `${cityLabel(city)}, ${city.country.name}`),
          data[i] ? h('span', { class: 'data' }, data[i]) : null,
        );
        button.addEventListener('click', () => choose(city));
        return h('li', {}, button);
      }),
    ),
  );
  ui.which.hidden = false;
  ui.searchHint.textContent = '';
  announce(`${namesakes.length} cities are called ${name}: choose one`);
  ui.which.querySelector('button')?.focus();
}

function wireSearch(): void {
  ui.search.addEventListener('input', () => {
    closeWhich();
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => void search(ui.search.value), 120);
  });
  ui.search.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (options.length === 0) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      active = (active + step + options.length) % options.length;
      moved = true;
      renderOptions();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const city = options[active];
      if (!city) return;
      const namesakes = options.filter((c) => sameName(c, city));
      // Enter on the first of several cities of one name would pick one by the order of the
      // list (two Louisvilles: the one without data came first), so ask which one is meant.
      if (!moved && namesakes.length > 1) void askWhich(namesakes);
      else choose(city);
    } else if (event.key === 'Escape') {
      if (!ui.which.hidden) {
        event.preventDefault();
        closeWhich();
      } else if (!ui.options.hidden) {
        event.preventDefault();
        closeOptions();
      } else {
        ui.search.value = '';
      }
    }
  });
  ui.search.addEventListener('blur', () => window.setTimeout(closeOptions, 150));
  ui.which.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    closeWhich();
    ui.search.focus();
  });
  ui.search.addEventListener('focus', () => {
    if (options.length > 0) renderOptions();
  });
}

async function quickPick(button: HTMLButtonElement, filter: Record<string, unknown>, words: string, add = false) {
  button.disabled = true;
  try {
    const found = await cities(filter);
    const picked = found.edges.map((e) => e.node);
    const more = found.totalCount > picked.length ? ` (the first ${picked.length} of ${found.totalCount})` : '';
    setChosen(add ? [...chosen, ...picked] : picked, `Chose ${picked.length} ${words}${more}`);
  } catch (error) {
    showError((error as Error).message);
  } finally {
    button.disabled = false;
    renderChosen();
  }
}

function wirePicks(): void {
  ui.pickHrc.addEventListener('click', () =>
    quickPick(ui.pickHrc, { hasCommitment: { instrumentCodes: ['HRC'] } }, 'human rights cities'),
  );
  ui.pickCedaw.addEventListener('click', () =>
    quickPick(ui.pickCedaw, { hasCommitment: { instrumentCodes: ['CEDAW'] } }, 'cities with a CEDAW commitment'),
  );
  ui.pickCountry.addEventListener('click', () => {
    const first = chosen[0];
    if (first) {
      void quickPick(
        ui.pickCountry,
        { countryCodes: [first.country.code] },
        `cities in ${first.country.name} with ${cityLabel(first)}`,
        true,
      );
    }
  });
  ui.pickClear.addEventListener('click', () => {
    setChosen([], 'Cleared the chosen cities');
    ui.search.focus();
  });
}

// ---------------------------------------------------------------------------------------------
// Views

function setView(view: View, focus = false): void {
  state.view = view;
  for (const name of VIEWS) {
    const selected = name === view;
    ui.tabs[name].setAttribute('aria-selected', String(selected));
    ui.tabs[name].tabIndex = selected ? 0 : -1;
    ui.panels[name].hidden = !selected;
  }
  if (focus) ui.tabs[view].focus();
}

function wireTabs(): void {
  for (const name of VIEWS) {
    ui.tabs[name].addEventListener('click', () => {
      if (state.view === name) return;
      setView(name);
      void refresh();
    });
    ui.tabs[name].addEventListener('keydown', (event) => {
      if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
      event.preventDefault();
      const at = VIEWS.indexOf(name);
      const next: View =
        event.key === 'Home'
          ? VIEWS[0]
          : event.key === 'End'
            ? VIEWS[VIEWS.length - 1]
            : VIEWS[(at + (event.key === 'ArrowRight' ? 1 : VIEWS.length - 1)) % VIEWS.length];
      setView(next, true);
      void refresh();
    });
  }
}

function fillRankingYears(): void {
  const years = state.indicator ? yearsOf(state.indicator) : [];
  ui.rankingYear.replaceChildren(
    ...years.map((year) => h('option', { value: String(year) }, String(year))),
    h('option', { value: 'latest' }, "Each city's latest year"),
  );
  ui.rankingYear.value = state.year === null ? '' : String(state.year);
  ui.mapYear.replaceChildren(...years.map((year) => h('option', { value: String(year) }, String(year))));
  ui.mapYear.value = typeof state.year === 'number' ? String(state.year) : String(years[0] ?? '');
}

/** The ranking's year when none is chosen: the latest year any city in scope has a value. */
async function defaultRankingYear(signal: AbortSignal): Promise<number | 'latest'> {
  const code = state.indicator as string;
  if (state.scope === 'all' || chosen.length === 0) return coverage.get(code)?.lastYear ?? 'latest';
  const query = `query ExplorerRankingYear {
  coverage(cityIds: ${JSON.stringify(chosen.map((c) => c.id))}, indicatorCodes: ${JSON.stringify([code])}) {
    indicators { lastYear }
  }
}`;
  const data = await runQuery<{ coverage: { indicators: { lastYear: number | null }[] } }>(query, signal);
  return data.coverage.indicators[0]?.lastYear ?? 'latest';
}

/**
 * The chosen cities the ranking leaves out for want of a value. When the page of entries holds
 * every ranked city, they are the chosen ones not in it; otherwise the ranking of the chosen
 * cities alone says which are ranked.
 */
async function unranked(result: RankingResult, signal: AbortSignal): Promise<CityRef[]> {
  if (chosen.length === 0) return [];
  let ranked = new Set(result.entries.map((e) => e.city.id));
  if (result.entries.length < result.totalCount) {
    const year = state.year === 'latest' || state.year === null ? undefined : state.year;
    const query = `query ExplorerRanked {
  ranking${argumentList({ indicator: state.indicator, year, filter: { ids: chosen.map((c) => c.id) }, first: MAX_CITIES })} {
    entries { city { id } }
  }
}`;
    const data = await runQuery<{ ranking: { entries: { city: { id: string } }[] } }>(query, signal);
    ranked = new Set(data.ranking.entries.map((e) => e.city.id));
  }
  return chosen.filter((c) => !ranked.has(c.id));
}

function exportHref(): string {
  const params: string[] = [];
  if (state.indicator) params.push(`indicators=${encodeURIComponent(state.indicator)}`);
  const rankingAll = (state.view === 'ranking' && state.scope === 'all') || state.view === 'map';
  if (!rankingAll && chosen.length > 0)
    params.push(`cities=${chosen.map((c) => encodeURIComponent(c.slug)).join(',')}`);
  if (state.view === 'ranking' || state.view === 'map') {
    if (typeof state.year === 'number') params.push(`yearFrom=${state.year}`, `yearTo=${state.year}`);
  } else {
    if (state.yearFrom !== null) params.push(`yearFrom=${state.yearFrom}`);
    if (state.yearTo !== null) params.push(`yearTo=${state.yearTo}`);
  }
  params.push('provenance=true');
  return `/export/observations.csv?${params.join('&')}`;
}

function writeUrl(): void {
  const query = viewStateQuery(state);
  const url = `${location.pathname}${query ? `?${query}` : ''}`;
  if (url !== `${location.pathname}${location.search}`) history.replaceState(null, '', url);
}

function setTitle(): void {
  const indicator = currentIndicator();
  if (!indicator) {
    ui.title.textContent = 'No indicator';
    return;
  }
  let when: string;
  if (state.view === 'map') {
    when = `in ${typeof state.year === 'number' ? state.year : '…'}, on a map`;
  } else if (state.view === 'ranking') {
    when = state.year === 'latest' ? "ranked on each city's latest year" : `ranked in ${state.year ?? '…'}`;
  } else if (state.yearFrom !== null || state.yearTo !== null) {
    when = `${state.yearFrom ?? '…'}–${state.yearTo ?? '…'}`;
  } else {
    when = 'over the years';
  }
  ui.title.textContent = `${indicator.name} (${indicator.unit}), ${when}`;
  document.title = `${ui.title.textContent} · rightsgraph explorer`;
}

function clearOutput(): void {
  shown = null;
  shownQuery = '';
  for (const element of [
    ui.timelineChart,
    ui.timelineTable,
    ui.timelineNote,
    ui.rankingChart,
    ui.rankingTable,
    ui.rankingNote,
    ui.mapChart,
    ui.mapNote,
    ui.mapTable,
  ]) {
    element.replaceChildren();
  }
  renderWarnings([]);
  ui.citation.textContent = '';
  ui.queryText.textContent = '';
}

async function refresh(): Promise<void> {
  pending?.abort();
  const controller = new AbortController();
  pending = controller;
  showError(null);
  writeUrl();
  setTitle();
  const needsCities = state.view === 'timeline' || (state.view === 'ranking' && state.scope === 'chosen');
  const empty = !state.indicator || (needsCities && chosen.length === 0);
  ui.empty.hidden = !empty;
  ui.take.hidden = empty;
  ui.download.href = exportHref();
  if (empty) {
    clearOutput();
    return;
  }
  ui.results.setAttribute('aria-busy', 'true');
  try {
    if (state.view === 'map') {
      const data = await loadMap(controller.signal);
      if (controller.signal.aborted) return;
      shown = { view: 'map', result: data };
      shownQuery = data.query;
    } else if (state.view === 'ranking') {
      if (state.year === null) {
        state.year = await defaultRankingYear(controller.signal);
        ui.rankingYear.value = String(state.year);
        writeUrl();
        setTitle();
        ui.download.href = exportHref();
      }
      const query = rankingQuery(
        state.indicator as string,
        state.year === 'latest' ? undefined : state.year,
        state.scope === 'chosen' ? chosen.map((c) => c.id) : undefined,
        state.asOf ?? undefined,
      );
      const data = await runQuery<{ ranking: RankingResult }>(query, controller.signal);
      const missing = await unranked(data.ranking, controller.signal);
      if (controller.signal.aborted) return;
      shown = { view: 'ranking', result: data.ranking, unranked: missing };
      shownQuery = query;
    } else {
      const query = timelineQuery(
        chosen.map((c) => c.id),
        state.indicator as string,
        state.yearFrom ?? undefined,
        state.yearTo ?? undefined,
        state.asOf ?? undefined,
      );
      const data = await runQuery<{ compare: CompareResult }>(query, controller.signal);
      if (controller.signal.aborted) return;
      shown = { view: 'timeline', result: data.compare };
      shownQuery = query;
    }
    draw();
    const count =
      shown.view === 'ranking'
        ? shown.result.entries.length
        : shown.view === 'map'
          ? shown.result.values.size
          : shown.result.series.length;
    announce(
      `Showing ${ui.title.textContent}: ${count} ${count === 1 ? 'city' : 'cities'}` +
        (shown.result.warnings.length > 0
          ? `, ${shown.result.warnings.length} ${shown.result.warnings.length === 1 ? 'warning' : 'warnings'}`
          : ''),
    );
  } catch (error) {
    if ((error as Error).name === 'AbortError' || controller.signal.aborted) return;
    clearOutput();
    showError(error instanceof ApiError ? error.message : `Something went wrong: ${(error as Error).message}`);
  } finally {
    if (pending === controller) ui.results.removeAttribute('aria-busy');
  }
}

function chartWidth(element: HTMLElement): number {
  return Math.max(280, Math.floor(element.clientWidth || ui.results.clientWidth || 640));
}

/** The address of the embed page for what is shown, pinned to the release the data came from. */
function embedAddress(): string {
  const release = shown?.result.citation.release?.id ?? state.asOf;
  const query = viewStateQuery({ ...state, view: 'timeline', asOf: release ?? null });
  return `${location.origin}/embed/${state.view}${query ? `?${query}` : ''}`;
}

/** The chart on screen as one SVG with its title, legends, source line and citation. */
function shownFigure(): { svg: string; name: string } | null {
  if (!shown) return null;
  const container = { timeline: ui.timelineChart, ranking: ui.rankingChart, map: ui.mapChart }[shown.view];
  if (!container.querySelector('svg')) return null;
  const citation = shown.result.citation;
  const sources = citation.sources.map((s) =>
    s.publisher && s.publisher !== s.title ? `${s.title} (${s.publisher})` : s.title,
  );
  const release = citation.release;
  const svg = figureSvg(container, {
    title: ui.title.textContent ?? '',
    source: `Source: ${sources.join('; ') || 'none'}`,
    citation:
      (release ? `Data as of release ${release.id} (${release.createdAt.slice(0, 10)}). ` : '') +
      `Cite as: ${citation.text}`,
  });
  const year = state.view === 'timeline' ? null : typeof state.year === 'number' ? state.year : null;
  return { svg, name: fileName([state.indicator, year, state.view === 'timeline' ? 'over-time' : state.view]) };
}

function attribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function writeEmbed(): void {
  const address = embedAddress();
  const height = state.view === 'map' ? 560 : state.view === 'ranking' ? 480 : 560;
  ui.embedCode.value =
    `<iframe src="${attribute(address)}" title="${attribute(ui.title.textContent ?? 'rightsgraph chart')}" ` +
    `width="100%" height="${height}" style="border:0;max-width:100%" loading="lazy"></iframe>`;
  ui.embedPreview.href = address;
}

function draw(): void {
  if (!shown) return;
  if (!ui.embedPanel.hidden) writeEmbed();
  renderWarnings(shown.result.warnings);
  ui.citation.textContent = shown.result.citation.text;
  ui.queryText.textContent = shownQuery;
  if (shown.view === 'timeline') drawTimeline(shown.result);
  else if (shown.view === 'map') drawMap(shown.result);
  else drawRanking(shown.result, shown.unranked);
}

function drawTimeline(result: CompareResult): void {
  const chart = timelineChart(result, chartWidth(ui.panels.timeline));
  ui.timelineChart.replaceChildren(
    chart ? chart.element : h('p', { class: 'no-data' }, 'None of the chosen cities has a value in these years.'),
  );
  ui.timelineNote.replaceChildren();
  if (chart) {
    ui.timelineNote.append(
      h(
        'p',
        {},
        'Dots are yearly values; a gap in a line is a year without a value (never zero). The symbols in the lane above the chart mark each city’s commitments at their adoption date, with a dashed line down through the values.',
      ),
    );
    if (chart.outside.length > 0) {
      ui.timelineNote.append(
        h('p', {}, 'Commitments long before or after the years with data, not drawn:'),
        h('ul', { class: 'outside' }, ...chart.outside.map((words) => h('li', {}, words))),
      );
    }
  }
  ui.timelineTable.replaceChildren(timelineTable(result));
}

function flagOf(status: keyof typeof STATUS_FLAGS): HTMLElement | null {
  const flag = STATUS_FLAGS[status];
  return flag ? h('abbr', { class: 'flag', title: flag.words, 'aria-label': flag.words }, flag.flag) : null;
}

function timelineTable(result: CompareResult): HTMLElement {
  const unit = result.series[0]?.indicator.unit ?? '';
  const years = [...new Set(result.series.flatMap((s) => s.points.map((p) => p.year)))].sort((a, b) => a - b);
  const labels = uniqueLabels(result.series.map((s) => s.city));
  const table = h(
    'table',
    { class: 'values', id: 'timeline-values' },
    h('caption', {}, `Values in ${unit}, by city and year; a blank cell is a year without a value`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'City'),
        ...years.map((year) => h('th', { scope: 'col', class: 'num' }, String(year))),
        h('th', { scope: 'col' }, 'Commitments'),
      ),
    ),
  );
  const body = h('tbody');
  for (const series of result.series) {
    const label = labels.get(series.city.id) as string;
    const row = h('tr', { 'data-slug': series.city.slug }, h('th', { scope: 'row' }, label));
    for (const year of years) {
      const points = series.points.filter((p) => p.year === year);
      const cell = h('td', { class: 'num', 'data-year': String(year) });
      points.forEach((point, index) => {
        if (index > 0) cell.append(h('br'));
        cell.append(
          h('span', { title: `${point.source.title} (${point.source.publisher})` }, formatValue(point.value)),
        );
        const flag = flagOf(point.status);
        if (flag) cell.append(flag);
      });
      row.append(cell);
    }
    const commitments = [...series.city.commitments].sort(
      (a, b) => (adoptionPosition(a) ?? Infinity) - (adoptionPosition(b) ?? Infinity),
    );
    row.append(
      h(
        'td',
        { class: 'commitments' },
        ...commitments.map((c) =>
          h('span', { class: 'commitment' }, `${c.adoptedOn ?? 'undated'}: ${c.title} (${instrumentWords(c)})`),
        ),
      ),
    );
    body.append(row);
  }
  table.append(body);
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Values table' }, table);
}

function drawRanking(result: RankingResult, missing: CityRef[]): void {
  const highlight = state.scope === 'all' ? new Set(chosen.map((c) => c.id)) : null;
  const chart = rankingChart(result, chartWidth(ui.panels.ranking), highlight);
  ui.rankingChart.replaceChildren(chart ?? h('p', { class: 'no-data' }, 'No city in scope has a value in this year.'));
  const hasBounds = result.entries.some((e) => e.lower !== null || e.upper !== null);
  const direction =
    result.indicator.direction === 'NEUTRAL'
      ? 'This indicator has no better end: highest first.'
      : `Best first: ${DIRECTION_WORDS[result.indicator.direction]}.`;
  ui.rankingNote.replaceChildren(
    h(
      'p',
      {},
      `${direction} ${result.totalCount} ${result.totalCount === 1 ? 'city' : 'cities'} ranked` +
        (state.scope === 'all' ? ' (the chosen ones in blue, the others grey)' : ' among the chosen') +
        (result.entries.length < result.totalCount ? `; the best ${result.entries.length} are shown` : '') +
        '. Cities in one tier have overlapping uncertainty intervals, so their order within the tier is not meaningful. ' +
        (hasBounds
          ? 'Whiskers show the intervals the sources give.'
          : 'The sources give no uncertainty intervals here, so each distinct value is its own tier.'),
    ),
  );
  if (missing.length > 0) {
    const labels = uniqueLabels(missing);
    const when = result.year === null ? 'in any year' : `in ${result.year}`;
    ui.rankingNote.append(
      h(
        'p',
        { class: 'missing' },
        `Not ranked: ${missing.length} of the ${chosen.length} chosen ${chosen.length === 1 ? 'city has' : 'cities have'} no value ${when}:`,
      ),
      h(
        'ul',
        { id: 'ranking-missing', class: 'missing' },
        ...missing.map((city) => h('li', { 'data-slug': city.slug }, labels.get(city.id) as string)),
      ),
    );
  }
  ui.rankingTable.replaceChildren(rankingTable(result));
}

function rankingTable(result: RankingResult): HTMLElement {
  const labels = uniqueLabels(result.entries.map((e) => e.city));
  const unit = result.indicator.unit;
  const head = ['Rank', 'City', `Value (${unit})`, 'Interval', 'Year', 'Percentile', 'Tier', 'Source'];
  const table = h(
    'table',
    { class: 'values', id: 'ranking-values' },
    h('caption', {}, `Ranking, best first; percentile: share of ranked cities doing as well or worse`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...head.map((text, i) =>
          h('th', { scope: 'col', class: [0, 2, 4, 5, 6].includes(i) ? 'num' : undefined }, text),
        ),
      ),
    ),
  );
  const body = h('tbody');
  for (const entry of result.entries) {
    const interval =
      entry.lower !== null || entry.upper !== null
        ? `${formatValue(entry.lower ?? entry.value)} – ${formatValue(entry.upper ?? entry.value)}`
        : '–';
    body.append(
      h(
        'tr',
        { 'data-slug': entry.city.slug },
        h('td', { class: 'num' }, String(entry.rank)),
        h('th', { scope: 'row' }, labels.get(entry.city.id) as string),
        h('td', { class: 'num' }, formatValue(entry.value), flagOf(entry.status)),
        h('td', {}, interval),
        h('td', { class: 'num' }, String(entry.year)),
        h('td', { class: 'num' }, formatPercentile(entry.percentile)),
        h('td', { class: 'num' }, String(entry.tier)),
        h('td', { class: 'source' }, entry.source.title),
      ),
    );
  }
  table.append(body);
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Ranking table' }, table);
}

// ---------------------------------------------------------------------------------------------
// The map

async function loadPlaces(signal: AbortSignal): Promise<MapPlaces> {
  if (places) return places;
  places = await fetchPlaces(signal);
  // Instruments a country can be party to; declarations of cities (HRC) have no national status.
  const national = new Set(places.countries.flatMap((c) => c.ratifications.map((r) => r.instrument.code)));
  ui.mapInstrument.replaceChildren(
    ...places.instruments
      .filter((i) => national.has(i.code))
      .map((i) => h('option', { value: i.code }, `${i.code}: ${i.name}`)),
  );
  const countries = new Map(places.cities.map((c) => [c.country.code, c.country.name]));
  ui.mapZoom.replaceChildren(
    h('option', { value: '' }, 'the world'),
    h(
      'optgroup',
      { label: 'Continents' },
      ...Object.entries(CONTINENTS).map(([key, c]) => h('option', { value: key }, c.words)),
    ),
    h(
      'optgroup',
      { label: 'Countries with cities' },
      ...[...countries]
        .sort((a, b) => a[1].localeCompare(b[1]))
        .map(([code, name]) => h('option', { value: code }, name)),
    ),
  );
  ui.mapZoom.value = state.zoom ?? '';
  return places;
}

async function loadMap(signal: AbortSignal) {
  const known = await loadPlaces(signal);
  const indicator = currentIndicator() as IndicatorInfo;
  if (typeof state.year !== 'number') {
    state.year = coverage.get(indicator.code)?.lastYear ?? null;
    ui.mapYear.value = String(state.year ?? '');
    writeUrl();
    setTitle();
    ui.download.href = exportHref();
  }
  const data = await fetchMap(known, indicator, state.year, state.instrument, state.asOf ?? undefined, signal);
  state.instrument = data.instrument.code;
  ui.mapInstrument.value = data.instrument.code;
  writeUrl();
  return data;
}

/** The slug of the city the keyboard was on when the map was redrawn, to put the focus back. */
let mapFocus: string | null = null;

function addFromMap(city: MapCity): void {
  mapFocus = city.slug;
  if (chosen.some((c) => c.id === city.id)) {
    announce(`${cityLabel(city)} is already in the comparison`);
    return;
  }
  setChosen([...chosen, city], `Added ${cityLabel(city)} to the comparison`);
}

function drawMap(data: MapData): void {
  const chart = mapChart(data, chartWidth(ui.panels.map), new Set(chosen.map((c) => c.id)), state.zoom);
  ui.mapChart.replaceChildren(chart.element, mapLegends(data, chart));
  // Plot orders dots by size: find each city's dot by the label it carries.
  const byLabel = new Map(chart.marks.map((m) => [m.label, m]));
  const dots: { mark: MapMark; dot: SVGElement }[] = [];
  for (const dot of ui.mapChart.querySelectorAll<SVGElement>('.city-dot [aria-label]')) {
    const mark = byLabel.get(dot.getAttribute('aria-label') ?? '');
    if (!mark) continue;
    dot.setAttribute('data-slug', mark.city.slug);
    dots.push({ mark, dot });
  }
  dots.sort((a, b) => chart.marks.indexOf(a.mark) - chart.marks.indexOf(b.mark));
  if (state.zoom) {
    // Zoomed in, the keyboard visits only the cities in view; the others are cut off.
    const frame = chart.element.getBoundingClientRect();
    for (let i = dots.length - 1; i >= 0; i -= 1) {
      const box = dots[i].dot.getBoundingClientRect();
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      if (x < frame.left || x > frame.right || y < frame.top || y > frame.bottom) {
        dots[i].dot.setAttribute('aria-hidden', 'true');
        dots.splice(i, 1);
      }
    }
  }
  const show = (entry: { mark: MapMark; dot: SVGElement } | null) => {
    for (const other of dots) other.dot.removeAttribute('data-focused');
    ui.mapTip.hidden = entry === null;
    if (!entry) return;
    entry.dot.setAttribute('data-focused', 'true');
    ui.mapTip.textContent = `${entry.mark.label}. ${entry.mark.chosen ? 'In the comparison.' : 'Click or press Enter to add it to the comparison.'}`;
  };
  dots.forEach((entry, index) => {
    const { dot, mark } = entry;
    dot.setAttribute('tabindex', index === 0 ? '0' : '-1');
    dot.setAttribute('role', 'button');
    dot.addEventListener('mouseenter', () => show(entry));
    dot.addEventListener('mouseleave', () => show(null));
    dot.addEventListener('focus', () => show(entry));
    dot.addEventListener('blur', () => show(null));
    dot.addEventListener('click', () => addFromMap(mark.city));
    dot.addEventListener('keydown', (event) => {
      const moves: Record<string, number> = {
        ArrowRight: index + 1,
        ArrowDown: index + 1,
        ArrowLeft: index - 1,
        ArrowUp: index - 1,
        Home: 0,
        End: dots.length - 1,
      };
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        addFromMap(mark.city);
      } else if (event.key in moves) {
        event.preventDefault();
        const next = dots[Math.max(0, Math.min(dots.length - 1, moves[event.key]))];
        dot.setAttribute('tabindex', '-1');
        next.dot.setAttribute('tabindex', '0');
        next.dot.focus();
      }
    });
  });
  if (mapFocus) {
    const again = dots.find((d) => d.mark.city.slug === mapFocus);
    mapFocus = null;
    if (again) {
      for (const d of dots) d.dot.setAttribute('tabindex', d === again ? '0' : '-1');
      again.dot.focus();
    }
  }
  const withValue = chart.marks.filter((m) => m.value).length;
  ui.mapNote.replaceChildren(
    h(
      'p',
      {},
      `${withValue} of ${chart.marks.length} cities have a value in ${data.year ?? 'this year'}; hollow grey dots have none. ` +
        `Colours: about five classes with round boundaries between the lowest and the highest value, ${DIRECTION_WORDS[data.indicator.direction]} (blue is the better end). ` +
        `Countries are shaded by their national status for ${data.instrument.name}. Arrow keys move between the cities, Enter adds one to the comparison.`,
    ),
  );
  ui.mapTable.replaceChildren(mapTable(data, chart.marks));
}

function mapTable(data: MapData, marks: MapMark[]): HTMLElement {
  const byCode = new Map(data.countries.map((c) => [c.code, c]));
  const labels = uniqueLabels(marks.map((m) => m.city));
  const rows = [...marks].sort((a, b) => cityLabel(a.city).localeCompare(cityLabel(b.city)));
  const table = h(
    'table',
    { class: 'values', id: 'map-values' },
    h(
      'caption',
      {},
      `The map's cities: ${data.indicator.name} in ${data.year ?? '…'}, local commitments and national status of ${data.instrument.code}`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[
          'City',
          'Country',
          `Value (${data.indicator.unit})`,
          'Year',
          'Source',
          `Local ${data.instrument.code} commitment`,
          `National status of ${data.instrument.code}`,
        ].map((text, i) => h('th', { scope: 'col', class: i === 2 || i === 3 ? 'num' : undefined }, text)),
      ),
    ),
  );
  const body = h('tbody');
  for (const mark of rows) {
    const country = byCode.get(mark.city.country.code);
    const row = country?.ratifications.find((r) => r.instrument.code === data.instrument.code);
    body.append(
      h(
        'tr',
        { 'data-slug': mark.city.slug },
        h('th', { scope: 'row' }, labels.get(mark.city.id) as string),
        h('td', {}, mark.city.country.name),
        h('td', { class: 'num' }, mark.value ? formatValue(mark.value.value) : '–'),
        h('td', { class: 'num' }, mark.value ? String(mark.value.year) : ''),
        h('td', { class: 'source' }, mark.value?.source ?? ''),
        h('td', {}, mark.committed ? 'yes' : 'no'),
        h('td', {}, row ? `${row.status.toLowerCase()}${row.year ? ` (${row.year})` : ''}` : 'no record'),
      ),
    );
  }
  table.append(body);
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Map table' }, table);
}

// ---------------------------------------------------------------------------------------------
// Start

function readYear(input: HTMLInputElement): number | null {
  return /^\d{4}$/.test(input.value.trim()) ? Number(input.value) : null;
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
  ui.rankingYear.addEventListener('change', () => {
    state.year = ui.rankingYear.value === 'latest' ? 'latest' : Number(ui.rankingYear.value);
    void refresh();
  });
  ui.mapYear.addEventListener('change', () => {
    state.year = Number(ui.mapYear.value);
    ui.rankingYear.value = ui.mapYear.value;
    void refresh();
  });
  ui.mapZoom.addEventListener('change', () => {
    state.zoom = ui.mapZoom.value || null;
    writeUrl();
    draw();
    announce(`Map zoomed to ${ui.mapZoom.selectedOptions[0]?.textContent ?? 'the world'}`);
  });
  ui.mapInstrument.addEventListener('change', () => {
    state.instrument = ui.mapInstrument.value;
    void refresh();
  });
  ui.rankingScope.addEventListener('change', () => {
    state.scope = ui.rankingScope.value === 'all' ? 'all' : 'chosen';
    void refresh();
  });
  ui.copyCitation.addEventListener('click', () => void copyText(ui.citation.textContent ?? '', 'citation'));
  ui.copyQuery.addEventListener('click', () => void copyText(shownQuery, 'GraphQL query'));
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
    indicators = data.indicators.edges.map((e) => e.node);
    for (const cover of data.coverage.indicators) coverage.set(cover.indicator.code, cover);
    const indicatorProblem = fillIndicators();
    if (indicatorProblem) problems.push(indicatorProblem);
    describeIndicator();
    fillRankingYears();
    if (!explicitView) {
      chosen = (await cities(HRC_FILTER)).edges.map((e) => e.node);
      state.cities = chosen.map((c) => c.slug);
      renderChosen();
      ui.intro.hidden = chosen.length === 0;
    } else if (state.cities.length > 0) {
      const found = await cities({ slugs: state.cities });
      const bySlug = new Map(found.edges.map((e) => [e.node.slug, e.node]));
      const missing = state.cities.filter((slug) => !bySlug.has(slug));
      chosen = state.cities.flatMap((slug) => bySlug.get(slug) ?? []);
      state.cities = chosen.map((c) => c.slug);
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
