/// <reference lib="dom" />
/**
 * What the explorer shows, as a query string: the address of a view is the view. Cities are
 * named by slug (ids differ between databases), and only settings that differ from the
 * defaults are written, so a shared link stays short.
 */
export type View = 'timeline' | 'ranking' | 'map' | 'event-study' | 'synthetic';
export type Scope = 'chosen' | 'all';

export interface ViewState {
  indicator: string | null;
  /** City slugs, in the order chosen. */
  cities: string[];
  view: View;
  yearFrom: number | null;
  yearTo: number | null;
  /** The ranking's year; 'latest' ranks each city's latest value; null: not chosen yet. */
  year: number | 'latest' | null;
  /** Rank the chosen cities only, or every city with a value (the chosen ones highlighted). */
  scope: Scope;
  /** The map's instrument (countries are shaded by their national status for it), and the impact views'. */
  instrument: string;
  /** The synthetic control's city (a slug); null: the explorer picks an adopter. */
  city: string | null;
  /** The synthetic control's donors: cities of the city's country, or all cities. */
  donors: 'country' | 'all';
  /** The event study's years either side of adoption, 1 to 20. */
  window: number;
  /** Where the map is zoomed to: a continent key (`europe`) or a country code (`US`); null: the world. */
  zoom: string | null;
  /** A release id: the data as it stood then (embeds are pinned to one); null: the latest. */
  asOf: string | null;
}

export const DEFAULT_INSTRUMENT = 'CEDAW';
export const DEFAULT_WINDOW = 3;
const VIEWS: View[] = ['timeline', 'ranking', 'map', 'event-study', 'synthetic'];

function year(raw: string | null): number | null {
  if (raw === null || !/^\d{4}$/.test(raw.trim())) return null;
  return Number(raw);
}

export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const rawYear = params.get('year');
  const years = Number(params.get('window'));
  return {
    indicator: params.get('indicator')?.trim() || null,
    cities: [
      ...new Set(
        (params.get('cities') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ],
    view: VIEWS.find((v) => v !== 'timeline' && v === params.get('view')) ?? 'timeline',
    yearFrom: year(params.get('from')),
    yearTo: year(params.get('to')),
    year: rawYear === 'latest' ? 'latest' : year(rawYear),
    scope: params.get('scope') === 'all' ? 'all' : 'chosen',
    instrument: /^[A-Za-z0-9-]{1,40}$/.test(params.get('instrument') ?? '')
      ? (params.get('instrument') as string).toUpperCase()
      : DEFAULT_INSTRUMENT,
    city: /^[a-z0-9-]{1,100}$/.test(params.get('city') ?? '') ? (params.get('city') as string) : null,
    donors: params.get('donors') === 'all' ? 'all' : 'country',
    window: Number.isInteger(years) && years >= 1 && years <= 20 ? years : DEFAULT_WINDOW,
    zoom: /^(?:[a-z-]{1,20}|[A-Z]{2})$/.test(params.get('zoom') ?? '') ? (params.get('zoom') as string) : null,
    asOf: /^\d{1,18}$/.test(params.get('asOf') ?? '') ? (params.get('asOf') as string) : null,
  };
}

export function viewStateQuery(state: ViewState): string {
  const params: string[] = [];
  const add = (name: string, value: string) => params.push(`${name}=${encodeURIComponent(value)}`);
  if (state.indicator) add('indicator', state.indicator);
  // Commas stay literal between the slugs, so the link reads as it would be typed.
  if (state.cities.length > 0) params.push(`cities=${state.cities.map(encodeURIComponent).join(',')}`);
  if (state.view !== 'timeline') add('view', state.view);
  if (state.yearFrom !== null) add('from', String(state.yearFrom));
  if (state.yearTo !== null) add('to', String(state.yearTo));
  if (state.year !== null) add('year', String(state.year));
  if (state.scope !== 'chosen') add('scope', state.scope);
  if (state.instrument !== DEFAULT_INSTRUMENT) add('instrument', state.instrument);
  if (state.city !== null) add('city', state.city);
  if (state.donors !== 'country') add('donors', state.donors);
  if (state.window !== DEFAULT_WINDOW) add('window', String(state.window));
  if (state.zoom !== null) add('zoom', state.zoom);
  if (state.asOf !== null) add('asOf', state.asOf);
  return params.join('&');
}
