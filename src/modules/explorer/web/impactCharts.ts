/// <reference lib="dom" />
/**
 * The explorer's impact charts as plain SVG, at the places impactGeometry.ts computes: the
 * event study and the synthetic control. Styles are attributes, not CSS, so "Download SVG"
 * carries them. The SVG has a title and a description; each mark a reader can see carries an
 * aria-label (and a <title>, the hover tip) with its numbers, and the tables under the charts
 * carry the same.
 */
import { formatValue } from './format';
import { eventStudyLayout, type Frame, MARGIN, syntheticLayout, type Tick } from './impactGeometry';

const SVG_NS = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, DejaVu Sans, sans-serif';
const INK = '#1b1f24';
const MUTED = '#5b6470';
const GRID = '#e3e7ec';
const POINT = '#3d6fa3';
const SYNTHETIC = '#c2571a';
const ADOPTION = '#8a4b08';
/** About the width of a character of the 12 px labels, to lay out the key. */
const CHAR = 6.6;

type Attributes = Record<string, string | number | undefined>;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) element.setAttribute(name, String(value));
  }
  element.append(...children);
  return element;
}

function text(x: number, y: number, words: string, attributes: Attributes = {}): SVGTextElement {
  return svg('text', { x, y, 'font-family': FONT, 'font-size': 12, fill: MUTED, ...attributes }, words);
}

/** A mark with its words for screen readers and for the hover tip. */
function labelled(label: string, className: string, ...children: SVGElement[]): SVGGElement {
  return svg('g', { 'aria-label': label, role: 'img', class: className }, svg('title', {}, label), ...children);
}

/** The svg element with its accessible title and description, sized for the page and the download. */
function chartRoot(id: string, frame: Frame, title: string, description: string): SVGSVGElement {
  return svg(
    'svg',
    {
      width: frame.width,
      height: frame.height,
      viewBox: `0 0 ${frame.width} ${frame.height}`,
      role: 'group',
      'aria-labelledby': `${id}-title`,
      'aria-describedby': `${id}-desc`,
      class: 'impact-chart',
    },
    svg('title', { id: `${id}-title` }, title),
    svg('desc', { id: `${id}-desc` }, description),
  );
}

/** Grid lines and labels of the value axis, labels of the x axis, and both axis titles. */
function axes(
  frame: Frame,
  xTicks: Tick[],
  yTicks: Tick[],
  xTitle: string,
  yTitle: string,
  xLabel: (value: number) => string = String,
): SVGGElement {
  const marks: SVGElement[] = [];
  for (const tick of yTicks) {
    marks.push(
      svg('line', { x1: frame.left, x2: frame.right, y1: tick.at, y2: tick.at, stroke: GRID }),
      text(frame.left - 8, tick.at + 4, formatValue(tick.value), { 'text-anchor': 'end' }),
    );
  }
  for (const tick of xTicks) {
    marks.push(
      svg('line', { x1: tick.at, x2: tick.at, y1: frame.bottom, y2: frame.bottom + 5, stroke: MUTED }),
      text(tick.at, frame.bottom + 18, xLabel(tick.value), { 'text-anchor': 'middle' }),
    );
  }
  marks.push(
    text((frame.left + frame.right) / 2, frame.height - 6, xTitle, { 'text-anchor': 'middle' }),
    text(4, MARGIN.top - 12, yTitle, { 'text-anchor': 'start' }),
  );
  return svg('g', { 'aria-hidden': 'true' }, ...marks);
}

function adoptionLine(frame: Frame, x: number, words: string): SVGGElement {
  return svg(
    'g',
    { 'aria-hidden': 'true', class: 'adoption-line' },
    svg('line', { x1: x, x2: x, y1: frame.top, y2: frame.bottom, stroke: ADOPTION, 'stroke-dasharray': '5,4' }),
    text(x + 4, frame.top + 12, words, { fill: ADOPTION }),
  );
}

export function chartHeight(width: number): number {
  return Math.round(Math.max(260, Math.min(400, width * 0.5)));
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}

export interface EventStudyPoint {
  relativeYear: number;
  estimate: number;
  lower: number | null;
  upper: number | null;
}

/** Estimates by year since adoption with their 95% intervals; null without any estimate. */
export function eventStudyChart(
  points: EventStudyPoint[],
  instrument: string,
  unit: string,
  width: number,
): SVGSVGElement | null {
  if (points.length === 0) return null;
  const layout = eventStudyLayout(points, width, chartHeight(width));
  const { frame } = layout;
  const root = chartRoot(
    'event-study',
    frame,
    `Event study: the effect of adopting ${instrument}, by year since adoption`,
    `A dot per year since adoption: the adopters' change minus the controls' change, in ${unit}, with a bar for its 95% interval. ` +
      'The horizontal line is no difference; the dashed vertical line separates the years before adoption from the adoption year (0) on.',
  );
  root.append(
    axes(
      frame,
      layout.xTicks,
      layout.yTicks,
      'Years since adoption (0: the adoption year)',
      `Effect (${unit})`,
      signed,
    ),
    svg('line', {
      x1: frame.left,
      x2: frame.right,
      y1: layout.zeroY,
      y2: layout.zeroY,
      stroke: INK,
      'aria-hidden': 'true',
    }),
    adoptionLine(frame, layout.adoptionX, 'adoption'),
  );
  for (const mark of layout.marks) {
    const interval =
      mark.lower !== null && mark.upper !== null
        ? `, 95% interval ${formatValue(round(mark.lower))} to ${formatValue(round(mark.upper))}`
        : ', no interval';
    const parts: SVGElement[] = [];
    if (mark.yUpper !== null && mark.yLower !== null) {
      parts.push(
        svg('line', { x1: mark.x, x2: mark.x, y1: mark.yUpper, y2: mark.yLower, stroke: INK, 'stroke-width': 1.5 }),
        svg('line', { x1: mark.x - 5, x2: mark.x + 5, y1: mark.yUpper, y2: mark.yUpper, stroke: INK }),
        svg('line', { x1: mark.x - 5, x2: mark.x + 5, y1: mark.yLower, y2: mark.yLower, stroke: INK }),
      );
    }
    parts.push(
      svg('circle', {
        cx: mark.x,
        cy: mark.y,
        r: 4.5,
        fill: mark.relativeYear < 0 ? 'white' : POINT,
        stroke: POINT,
        'stroke-width': 2,
      }),
    );
    root.append(
      labelled(
        `Year ${signed(mark.relativeYear)} since adoption: ${formatValue(round(mark.estimate))} ${unit}${interval}`,
        'event-mark',
        ...parts,
      ),
    );
  }
  return root;
}

/** Three significant digits (two decimals above 1, whole numbers kept): an estimate, not a stored value. */
export function round(value: number): number {
  return Number(value.toPrecision(Math.max(3, Math.ceil(Math.log10(Math.abs(value) + 1)) + 2)));
}

export interface SyntheticSeries {
  year: number;
  actual: number;
  synthetic: number;
  gap: number;
}

/** The city's values and its synthetic control's by year, with the adoption year marked. */
export function syntheticChart(
  series: SyntheticSeries[],
  adoptionYear: number,
  city: string,
  unit: string,
  width: number,
): SVGSVGElement | null {
  if (series.length === 0) return null;
  const layout = syntheticLayout(series, adoptionYear, width, chartHeight(width));
  const { frame } = layout;
  const root = chartRoot(
    'synthetic',
    frame,
    `${city} against a synthetic ${city}, adopted ${adoptionYear}`,
    `Two lines in ${unit}: ${city}'s values (solid, with dots) and the synthetic control's, the weighted mix of cities without the commitment (dashed). ` +
      `The dashed vertical line is the adoption year ${adoptionYear}; before it the lines are fitted to agree, from it on the gap is the estimated effect.`,
  );
  // The key goes top right, beside the unit; where the two would collide (a phone), it takes
  // the place of the "Year" title under the axis instead.
  const keyWidth = (words: string) => 28 + city.length * CHAR + 16 + 28 + words.length * CHAR;
  let synthWords = `Synthetic ${city}`;
  const onTop = frame.right - keyWidth(synthWords) > 4 + unit.length * CHAR + 16;
  // Under the axis, from the left edge; "Synthetic" alone where the city's name makes it too long.
  if (!onTop && 4 + keyWidth(synthWords) > frame.width) synthWords = 'Synthetic';
  const legendY = onTop ? MARGIN.top - 12 : frame.height - 6;
  const cityX = (onTop ? frame.right - keyWidth(synthWords) : 4) + 28;
  const synthX = cityX + city.length * CHAR + 16 + 28;
  root.append(
    axes(frame, layout.xTicks, layout.yTicks, onTop ? 'Year' : '', unit),
    adoptionLine(frame, layout.adoptionX, `adopted ${adoptionYear}`),
    svg(
      'g',
      { 'aria-hidden': 'true', class: 'legend' },
      svg('line', {
        x1: cityX - 24,
        x2: cityX - 4,
        y1: legendY - 4,
        y2: legendY - 4,
        stroke: POINT,
        'stroke-width': 2.5,
      }),
      text(cityX, legendY, city, { fill: INK }),
      svg('line', {
        x1: synthX - 24,
        x2: synthX - 4,
        y1: legendY - 4,
        y2: legendY - 4,
        stroke: SYNTHETIC,
        'stroke-width': 2.5,
        'stroke-dasharray': '6,4',
      }),
      text(synthX, legendY, synthWords, { fill: INK }),
    ),
    svg('path', {
      d: layout.syntheticPath,
      fill: 'none',
      stroke: SYNTHETIC,
      'stroke-width': 2.5,
      'stroke-dasharray': '6,4',
      'aria-hidden': 'true',
    }),
    svg('path', { d: layout.actualPath, fill: 'none', stroke: POINT, 'stroke-width': 2.5, 'aria-hidden': 'true' }),
  );
  layout.actual.forEach((mark, i) => {
    const point = series.find((p) => p.year === mark.year) as SyntheticSeries;
    const synthetic = layout.synthetic[i];
    root.append(
      labelled(
        `${city}, ${mark.year}: ${formatValue(point.actual)} ${unit}; synthetic ${formatValue(round(point.synthetic))}; ` +
          `gap ${formatValue(round(point.gap))}${mark.year >= adoptionYear ? ' (after adoption)' : ''}`,
        'synthetic-mark',
        svg('circle', { cx: synthetic.x, cy: synthetic.y, r: 3, fill: SYNTHETIC }),
        svg('circle', { cx: mark.x, cy: mark.y, r: 3.5, fill: POINT }),
      ),
    );
  });
  return root;
}
