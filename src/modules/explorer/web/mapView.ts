/// <reference lib="dom" />
/** The explorer's map view: the places loaded once, the map of one year, its keyboard and table. */
import { exportHref, setTitle, writeUrl } from './address';
import type { IndicatorInfo } from './api';
import { chosen, setChosen } from './cityChoice';
import { h } from './dom';
import { chartWidth, coverage, state, ui } from './explorerState';
import { cityLabel, DIRECTION_WORDS, formatValue, uniqueLabels } from './format';
import { currentIndicator } from './indicatorPicker';
import { mapChart, mapLegends, type MapMark } from './map';
import { fetchMap, fetchPlaces, type MapCity, type MapData, type MapPlaces } from './mapData';
import { CONTINENTS } from './mapZoom';
import { announce } from './messages';

/** What the map needs whatever the indicator: loaded once. */
let places: MapPlaces | null = null;

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

export async function loadMap(signal: AbortSignal) {
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

export function drawMap(data: MapData): void {
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
