/// <reference lib="dom" />
/**
 * The explorer's two charts, drawn with Observable Plot (bundled: no CDN). Every mark a reader
 * can see also carries an aria-label with its city, year and value, so a screen reader, and
 * the browser tests, read the numbers the chart shows.
 */
import * as Plot from '@observablehq/plot';
import type { CompareResult, RankingResult } from './api';
import { adoptionPosition, DIRECTION_WORDS, formatValue, instrumentWords, STATUS_FLAGS, uniqueLabels } from './format';

interface LinePoint {
  city: string;
  year: number;
  value: number;
}

interface ValueDot extends LinePoint {
  label: string;
}

interface CommitmentMarker {
  city: string;
  x: number;
  kind: string;
  label: string;
  /** The row of the commitment lane, 0 nearest the plot: markers closer than a symbol apart stack. */
  row: number;
}

/** Marker symbols by instrument: the two the explorer's quick picks are about, and the rest. */
const MARKER_KINDS = [
  { key: 'HRC', words: 'Human rights city declaration', symbol: 'star' },
  { key: 'CEDAW', words: 'CEDAW commitment', symbol: 'diamond2' },
  { key: 'OTHER', words: 'Other commitment', symbol: 'triangle2' },
] as const;

function markerKind(code: string | undefined): string {
  return code === 'HRC' || code === 'CEDAW' ? code : 'OTHER';
}

export interface TimelineChart {
  element: Element;
  /** Commitments too far from the years with data to be drawn, in words. */
  outside: string[];
}

const COMMITMENT_MARGIN_YEARS = 3;
const MARGIN_LEFT = 52;
const MARGIN_RIGHT = 20;
/** Room above the plot for the y axis label (Plot draws it at the top edge of the figure). */
const LABEL_ROOM = 22;
const LANE_ROW = 18;
/** Markers nearer than this many pixels go to different rows of the lane. */
const MARKER_SPACING = 16;
const MAX_LANE_ROWS = 4;

/**
 * Puts each marker in the lowest lane row where it keeps clear of the one before it, so that
 * two commitments adopted weeks apart stay two visible symbols.
 */
function stackMarkers(markers: CommitmentMarker[], toPixels: (x: number) => number): number {
  const rowEnds: number[] = [];
  for (const marker of [...markers].sort((a, b) => a.x - b.x)) {
    const px = toPixels(marker.x);
    let row = rowEnds.findIndex((end) => px - end >= MARKER_SPACING);
    if (row < 0) row = rowEnds.length < MAX_LANE_ROWS ? rowEnds.length : rowEnds.indexOf(Math.min(...rowEnds));
    rowEnds[row] = px;
    marker.row = row;
  }
  return Math.max(1, rowEnds.length);
}

export function timelineChart(result: CompareResult, width: number): TimelineChart | null {
  const withPoints = result.series.filter((s) => s.points.length > 0);
  if (withPoints.length === 0) return null;
  const unit = result.series[0].indicator.unit;
  const labels = uniqueLabels(result.series.map((s) => s.city));
  const line: LinePoint[] = [];
  const dots: ValueDot[] = [];
  const markers: CommitmentMarker[] = [];
  let minY = Infinity;
  let maxY = -Infinity;
  let minX = Infinity;
  let maxX = -Infinity;
  for (const series of result.series) {
    const city = labels.get(series.city.id) as string;
    const byYear = new Map<number, number>();
    for (const point of series.points) {
      // A year two sources report keeps the first (lowest source id) on the line; both are dots.
      if (!byYear.has(point.year)) byYear.set(point.year, point.value);
      const flag = STATUS_FLAGS[point.status];
      dots.push({
        city,
        year: point.year,
        value: point.value,
        label: `${city}, ${point.year}: ${formatValue(point.value)} ${unit}${flag ? ` (${flag.words})` : ''}`,
      });
      minY = Math.min(minY, point.value, point.lower ?? point.value);
      maxY = Math.max(maxY, point.value, point.upper ?? point.value);
      minX = Math.min(minX, point.year);
      maxX = Math.max(maxX, point.year);
    }
    const years = [...byYear.keys()].sort((a, b) => a - b);
    for (let year = years[0]; years.length > 0 && year <= years[years.length - 1]; year += 1) {
      // Missing is missing: a year without a value breaks the line (NaN) rather than bridging it.
      line.push({ city, year, value: byYear.get(year) ?? NaN });
    }
  }
  if (dots.length === 0) return null;
  // Commitments up to a few years either side of the data are drawn, so the chart can show
  // what came just before or after; older or later ones are listed instead of squeezing the
  // data into a corner of a decades-wide axis.
  const from = minX - COMMITMENT_MARGIN_YEARS;
  const to = maxX + COMMITMENT_MARGIN_YEARS + 1;
  const outside: string[] = [];
  for (const series of result.series) {
    const city = labels.get(series.city.id) as string;
    for (const commitment of series.city.commitments) {
      const x = adoptionPosition(commitment);
      if (x === null) continue;
      const words = `${city}: ${commitment.title} (${instrumentWords(commitment)}), adopted ${commitment.adoptedOn}`;
      if (x < from || x >= to) {
        outside.push(words);
        continue;
      }
      markers.push({ city, x, kind: markerKind(commitment.instrument?.code), label: words, row: 0 });
    }
  }
  for (const marker of markers) {
    minX = Math.min(minX, Math.floor(marker.x));
    maxX = Math.max(maxX, Math.ceil(marker.x));
  }
  const domain: [number, number] = [minX - 0.3, maxX + 0.3];
  const plotWidth = width - MARGIN_LEFT - MARGIN_RIGHT;
  const rows =
    markers.length === 0 ? 0 : stackMarkers(markers, (x) => ((x - domain[0]) / (domain[1] - domain[0])) * plotWidth);
  // Commitments are events, not values: they get a lane of their own above the plot, with a
  // faint guide down to the values, rather than a place on the value axis where a marker
  // at the bottom would read as a zero.
  const laneHeight = rows === 0 ? 0 : rows * LANE_ROW + 8;
  const zero = minY >= 0;
  const kinds = MARKER_KINDS.filter((k) => markers.some((m) => m.kind === k.key));
  const span = Math.max(1, maxX - minX);
  const tickStep = Math.max(1, Math.ceil(span / Math.max(2, Math.floor(width / 70))));
  const ticks: number[] = [];
  for (let year = minX; year <= maxX; year += tickStep) ticks.push(year);
  const indicator = result.series[0].indicator;

  const element = Plot.plot({
    width,
    height: Math.round(Math.max(260, Math.min(440, width * 0.55))) + laneHeight,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginTop: LABEL_ROOM + laneHeight,
    // The year label gets a row of its own under the tick labels: at the right end of the tick
    // row (Plot's default) it covered the last year.
    marginBottom: 46,
    style: { fontSize: '13px', overflow: 'visible' },
    ariaLabel: `${indicator.name} over the years`,
    ariaDescription: `A line per city; ${DIRECTION_WORDS[indicator.direction]}. Commitments are marked in a lane above the chart at their adoption date.`,
    x: { label: 'Year', labelAnchor: 'center', labelArrow: 'none', tickFormat: 'd', ticks, domain },
    y: { label: unit, grid: true, zero, domain: zero ? [0, maxY * 1.05] : [minY, maxY] },
    color: { legend: true, domain: [...labels.values()] },
    symbol:
      kinds.length > 0
        ? {
            legend: true,
            domain: kinds.map((k) => k.key),
            range: kinds.map((k) => k.symbol),
            tickFormat: (key: string) => kinds.find((k) => k.key === key)?.words ?? key,
          }
        : undefined,
    marks: [
      zero ? Plot.ruleY([0]) : null,
      Plot.ruleX(markers, { x: 'x', stroke: 'city', strokeOpacity: 0.45, strokeDasharray: '3,4', ariaHidden: 'true' }),
      Plot.line(line, { x: 'year', y: 'value', z: 'city', stroke: 'city', strokeWidth: 2.5 }),
      Plot.dot(dots, { x: 'year', y: 'value', fill: 'city', r: 3.5, ariaLabel: 'label' }),
      // dy is a constant in Plot, so each row of the lane is a mark of its own.
      ...Array.from({ length: rows }, (_, row) =>
        Plot.dot(
          markers.filter((m) => m.row === row),
          {
            x: 'x',
            frameAnchor: 'top',
            dy: -(8 + LANE_ROW / 2 + row * LANE_ROW),
            symbol: 'kind',
            stroke: 'city',
            fill: 'white',
            strokeWidth: 2,
            r: 7,
            ariaLabel: 'label',
            title: 'label',
            className: 'commitment-marker',
          },
        ),
      ),
      Plot.tip(dots, Plot.pointer({ x: 'year', y: 'value', title: 'label' })),
    ],
  });
  return { element, outside };
}

// Mid tones, so that the black whiskers stay visible on the bars.
const TIER_FILL = ['#4a7db3', '#9cc0e3'];
const CHOSEN_FILL = '#3d6fa3';
const OTHER_FILL = '#c5cdd6';

export function rankingChart(result: RankingResult, width: number, highlight: Set<string> | null): Element | null {
  if (result.entries.length === 0) return null;
  const labels = uniqueLabels(result.entries.map((e) => e.city));
  const unit = result.indicator.unit;
  const rows = result.entries.map((entry) => {
    const city = labels.get(entry.city.id) as string;
    const flag = STATUS_FLAGS[entry.status];
    const bounds = entry.lower !== null || entry.upper !== null;
    return {
      ...entry,
      label: `${entry.rank}. ${city}`,
      end: Math.max(entry.value, entry.upper ?? entry.value),
      lo: entry.lower ?? entry.value,
      hi: entry.upper ?? entry.value,
      bounds,
      fill: highlight
        ? highlight.has(entry.city.id)
          ? CHOSEN_FILL
          : OTHER_FILL
        : TIER_FILL[(entry.tier - 1) % TIER_FILL.length],
      aria:
        `Rank ${entry.rank}: ${city}, ${formatValue(entry.value)} ${unit} in ${entry.year}, tier ${entry.tier}` +
        (bounds
          ? `, interval ${formatValue(entry.lower ?? entry.value)} to ${formatValue(entry.upper ?? entry.value)}`
          : '') +
        (flag ? ` (${flag.words})` : ''),
    };
  });
  const longest = Math.max(...rows.map((r) => r.label.length));
  const withBounds = rows.filter((r) => r.bounds);
  const min = Math.min(0, ...rows.map((r) => r.lo));
  const max = Math.max(0, ...rows.map((r) => r.hi));
  return Plot.plot({
    width,
    height: 40 + rows.length * 30,
    marginLeft: Math.min(Math.round(width * 0.42), 16 + longest * 7.5),
    marginRight: 96,
    marginTop: 28,
    style: { fontSize: '13px', overflow: 'visible' },
    ariaLabel: `Ranking of ${result.indicator.name}${result.year ? ` in ${result.year}` : ''}, best first`,
    ariaDescription: `Bars are values in ${unit}, ${DIRECTION_WORDS[result.indicator.direction]}; whiskers show uncertainty intervals where the source gives them.`,
    x: { label: unit, grid: true, domain: [min, max * 1.02 || 1] },
    y: { label: null, domain: rows.map((r) => r.label), tickSize: 0 },
    marks: [
      Plot.barX(rows, { y: 'label', x: 'value', fill: 'fill', ariaLabel: 'aria', className: 'ranking-bar' }),
      Plot.ruleY(withBounds, { y: 'label', x1: 'lo', x2: 'hi', stroke: '#111', strokeWidth: 1.5 }),
      Plot.tickX(withBounds, { y: 'label', x: 'lo', stroke: '#111', inset: 8 }),
      Plot.tickX(withBounds, { y: 'label', x: 'hi', stroke: '#111', inset: 8 }),
      Plot.text(rows, {
        y: 'label',
        x: 'end',
        text: (r: (typeof rows)[number]) => `${formatValue(r.value)} · tier ${r.tier}`,
        textAnchor: 'start',
        dx: 6,
        fill: 'currentColor',
      }),
      Plot.ruleX([0]),
      Plot.tip(rows, Plot.pointerY({ y: 'label', x: 'value', title: 'aria' })),
    ],
  });
}
