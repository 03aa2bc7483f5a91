/// <reference lib="dom" />
/** The explorer's ranking view: its default year, the chosen cities left unranked, chart and table. */
import { argumentList, type CityRef, type RankingResult, runQuery } from './api';
import { rankingChart } from './charts';
import { chosen } from './cityChoice';
import { flagOf, h } from './dom';
import { chartWidth, coverage, MAX_CITIES, state, ui } from './explorerState';
import { DIRECTION_WORDS, formatPercentile, formatValue, uniqueLabels } from './format';

/** The ranking's year when none is chosen: the latest year any city in scope has a value. */
export async function defaultRankingYear(signal: AbortSignal): Promise<number | 'latest'> {
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
export async function unranked(result: RankingResult, signal: AbortSignal): Promise<CityRef[]> {
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

export function drawRanking(result: RankingResult, missing: CityRef[]): void {
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
