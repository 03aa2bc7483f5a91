/// <reference lib="dom" />
/** The explorer's timeline view: the chart of the chosen cities over the years and its table. */
import type { CompareResult } from './api';
import { timelineChart } from './charts';
import { flagOf, h } from './dom';
import { chartWidth, ui } from './explorerState';
import { adoptionPosition, formatValue, instrumentWords, uniqueLabels } from './format';

export function drawTimeline(result: CompareResult): void {
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
