/// <reference lib="dom" />
/** The explorer page's elements, its view state and what it has loaded, shared by its parts. */
import type { CityRef, CompareResult, IndicatorCoverage, RankingResult } from './api';
import { byId } from './dom';
import type { EventStudyResult, SyntheticResult } from './impactApi';
import type { MapView } from './mapData';
import { parseViewState, type View, type ViewState, viewStateQuery } from './viewState';

export const VIEWS: View[] = ['timeline', 'ranking', 'map', 'event-study', 'synthetic'];

/** The views of issue 16 that estimate what adopting an instrument changed: no chosen cities needed, no embed. */
export const IMPACT_VIEWS: View[] = ['event-study', 'synthetic'];

/** compare takes at most 100 cities. */
export const MAX_CITIES = 100;

/**
 * A link without any view state opens on these: the human rights cities and their homicide
 * rates, the comparison the explorer exists for, rather than an empty page.
 */
export const DEFAULT_INDICATOR = 'homicide-rate';
export const HRC_FILTER = { hasCommitment: { instrumentCodes: ['HRC'] } };

export const ui = {
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
    'event-study': byId<HTMLButtonElement>('tab-event-study'),
    synthetic: byId<HTMLButtonElement>('tab-synthetic'),
  },
  panels: {
    timeline: byId('panel-timeline'),
    ranking: byId('panel-ranking'),
    map: byId('panel-map'),
    'event-study': byId('panel-event-study'),
    synthetic: byId('panel-synthetic'),
  },
  eventInstrument: byId<HTMLSelectElement>('event-instrument'),
  eventWindow: byId<HTMLSelectElement>('event-window'),
  eventChart: byId('event-chart'),
  eventNote: byId('event-note'),
  eventTable: byId('event-table'),
  syntheticInstrument: byId<HTMLSelectElement>('synthetic-instrument'),
  syntheticCity: byId<HTMLSelectElement>('synthetic-city'),
  syntheticDonors: byId<HTMLSelectElement>('synthetic-donors'),
  syntheticChart: byId('synthetic-chart'),
  syntheticNote: byId('synthetic-note'),
  syntheticWeights: byId('synthetic-weights'),
  syntheticTable: byId('synthetic-table'),
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

export const state: ViewState = parseViewState(location.search);
/** Whether the address named a view; without one the explorer opens on the default view. */
export const explicitView = viewStateQuery(state) !== '';
export const coverage = new Map<string, IndicatorCoverage>();
/**
 * What is on screen, redrawn on resize without asking the server again, and the query that
 * asked for it. An object rather than two variables: refresh() writes it, and the drawing and
 * the take-away code in other files read it.
 */
export const output: {
  shown:
    | { view: 'timeline'; result: CompareResult }
    | { view: 'ranking'; result: RankingResult; unranked: CityRef[] }
    | { view: 'map'; result: MapView }
    | { view: 'event-study'; result: EventStudyResult }
    | { view: 'synthetic'; result: SyntheticResult }
    | null;
  query: string;
} = { shown: null, query: '' };

/** The synthetic control's city as the title names it, once the view has picked one. */
export const impact: { cityLabel: string | null } = { cityLabel: null };

/**
 * Redraws the view for the current state (set by explorer.ts to views.ts's refresh). A hook
 * rather than an import: the code that changes the state (the chosen cities, the map's clicks)
 * would otherwise import the views, which import it.
 */
export const actions: { refresh: () => Promise<void> } = { refresh: async () => undefined };

export function chartWidth(element: HTMLElement): number {
  return Math.max(280, Math.floor(element.clientWidth || ui.results.clientWidth || 640));
}
