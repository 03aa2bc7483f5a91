/// <reference lib="dom" />
/** The explorer's views: the tabs, and refresh(), which asks for the view on screen and draws it. */
import { exportHref, setTitle, writeUrl } from './address';
import { ApiError, type CompareResult, rankingQuery, type RankingResult, runQuery, timelineQuery } from './api';
import { chosen } from './cityChoice';
import { h } from './dom';
import { IMPACT_VIEWS, output, state, ui, VIEWS } from './explorerState';
import { drawEventStudy, drawSynthetic, impactAnnouncement, loadEventStudy, loadSynthetic } from './impactView';
import { yearsOf } from './indicatorPicker';
import { drawMap, loadMap } from './mapView';
import { announce, renderWarnings, showError } from './messages';
import { defaultRankingYear, drawRanking, unranked } from './rankingView';
import { writeEmbed } from './takeAway';
import { drawTimeline } from './timelineView';
import type { View } from './viewState';

let pending: AbortController | null = null;

export function setView(view: View, focus = false): void {
  state.view = view;
  for (const name of VIEWS) {
    const selected = name === view;
    ui.tabs[name].setAttribute('aria-selected', String(selected));
    ui.tabs[name].tabIndex = selected ? 0 : -1;
    ui.panels[name].hidden = !selected;
  }
  // The embed page draws the timeline, the ranking and the map only.
  const embeddable = !IMPACT_VIEWS.includes(view);
  ui.embedButton.hidden = !embeddable;
  if (!embeddable) {
    ui.embedPanel.hidden = true;
    ui.embedButton.setAttribute('aria-expanded', 'false');
  }
  if (focus) ui.tabs[view].focus();
}

export function wireTabs(): void {
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

export function fillRankingYears(): void {
  const years = state.indicator ? yearsOf(state.indicator) : [];
  ui.rankingYear.replaceChildren(
    ...years.map((year) => h('option', { value: String(year) }, String(year))),
    h('option', { value: 'latest' }, "Each city's latest year"),
  );
  ui.rankingYear.value = state.year === null ? '' : String(state.year);
  ui.mapYear.replaceChildren(...years.map((year) => h('option', { value: String(year) }, String(year))));
  ui.mapYear.value = typeof state.year === 'number' ? String(state.year) : String(years[0] ?? '');
}

function clearOutput(): void {
  output.shown = null;
  output.query = '';
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
    ui.eventChart,
    ui.eventNote,
    ui.eventTable,
    ui.syntheticChart,
    ui.syntheticNote,
    ui.syntheticWeights,
    ui.syntheticTable,
  ]) {
    element.replaceChildren();
  }
  renderWarnings([]);
  ui.citation.textContent = '';
  ui.queryText.textContent = '';
}

export async function refresh(): Promise<void> {
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
    if (state.view === 'event-study') {
      const loaded = await loadEventStudy(controller.signal);
      if (controller.signal.aborted) return;
      output.shown = { view: 'event-study', result: loaded.result };
      output.query = loaded.query;
    } else if (state.view === 'synthetic') {
      const loaded = await loadSynthetic(controller.signal);
      if (controller.signal.aborted) return;
      // The view may have picked its city: the address, the title and the CSV link name it.
      writeUrl();
      setTitle();
      ui.download.href = exportHref();
      output.shown = { view: 'synthetic', result: loaded.result };
      output.query = loaded.query;
    } else if (state.view === 'map') {
      const data = await loadMap(controller.signal);
      if (controller.signal.aborted) return;
      output.shown = { view: 'map', result: data };
      output.query = data.query;
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
      output.shown = { view: 'ranking', result: data.ranking, unranked: missing };
      output.query = query;
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
      output.shown = { view: 'timeline', result: data.compare };
      output.query = query;
    }
    draw();
    const shown = output.shown;
    const count =
      shown.view === 'ranking'
        ? shown.result.entries.length
        : shown.view === 'map'
          ? shown.result.values.size
          : shown.view === 'timeline'
            ? shown.result.series.length
            : 0;
    const what =
      shown.view === 'event-study' || shown.view === 'synthetic'
        ? impactAnnouncement(shown)
        : `${count} ${count === 1 ? 'city' : 'cities'}`;
    announce(
      `Showing ${ui.title.textContent}: ${what}` +
        (output.shown.result.warnings.length > 0
          ? `, ${output.shown.result.warnings.length} ${output.shown.result.warnings.length === 1 ? 'warning' : 'warnings'}`
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

export function draw(): void {
  if (!output.shown) return;
  if (!ui.embedPanel.hidden) writeEmbed();
  renderWarnings(output.shown.result.warnings);
  ui.citation.textContent = output.shown.result.citation.text;
  ui.queryText.textContent = output.query;
  if (output.shown.view === 'timeline') drawTimeline(output.shown.result);
  else if (output.shown.view === 'map') drawMap(output.shown.result);
  else if (output.shown.view === 'event-study') drawEventStudy(output.shown.result);
  else if (output.shown.view === 'synthetic') drawSynthetic(output.shown.result);
  else drawRanking(output.shown.result, output.shown.unranked);
}
