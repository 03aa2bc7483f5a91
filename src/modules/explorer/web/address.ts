/// <reference lib="dom" />
/** What the explorer's address bar, title and CSV link say about the view on screen. */
import { chosen } from './cityChoice';
import { impact, state, ui } from './explorerState';
import { currentIndicator } from './indicatorPicker';
import { viewStateQuery } from './viewState';

export function exportHref(): string {
  const params: string[] = [];
  if (state.indicator) params.push(`indicators=${encodeURIComponent(state.indicator)}`);
  // The event study's panel is every city with a value; the synthetic control's data is its city's.
  const every =
    (state.view === 'ranking' && state.scope === 'all') || state.view === 'map' || state.view === 'event-study';
  if (state.view === 'synthetic') {
    if (state.city) params.push(`cities=${encodeURIComponent(state.city)}`);
  } else if (!every && chosen.length > 0) {
    params.push(`cities=${chosen.map((c) => encodeURIComponent(c.slug)).join(',')}`);
  }
  if (state.view === 'event-study' || state.view === 'synthetic') {
    // Every year: the estimates use the years around each adoption.
  } else if (state.view === 'ranking' || state.view === 'map') {
    if (typeof state.year === 'number') params.push(`yearFrom=${state.year}`, `yearTo=${state.year}`);
  } else {
    if (state.yearFrom !== null) params.push(`yearFrom=${state.yearFrom}`);
    if (state.yearTo !== null) params.push(`yearTo=${state.yearTo}`);
  }
  params.push('provenance=true');
  return `/export/observations.csv?${params.join('&')}`;
}

export function writeUrl(): void {
  const query = viewStateQuery(state);
  const url = `${location.pathname}${query ? `?${query}` : ''}`;
  if (url !== `${location.pathname}${location.search}`) history.replaceState(null, '', url);
}

export function setTitle(): void {
  const indicator = currentIndicator();
  if (!indicator) {
    ui.title.textContent = 'No indicator';
    return;
  }
  let when: string;
  if (state.view === 'event-study') {
    when = `after adopting ${state.instrument}: event study`;
  } else if (state.view === 'synthetic') {
    when = `in ${impact.cityLabel ?? '…'} against a synthetic control, ${state.instrument}`;
  } else if (state.view === 'map') {
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
