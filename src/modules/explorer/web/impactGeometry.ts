/**
 * Where the marks of the explorer's two impact charts go: the event study (an estimate with
 * its 95% interval per year since adoption) and the synthetic control (a city against its
 * synthetic twin). Pure arithmetic on numbers, no DOM, so that test/unit/impactGeometry.test.ts
 * checks the coordinates against ones worked out by hand; impactCharts.ts draws them.
 */

/** The plot area inside the SVG: room for the y tick labels on the left, the x ones below. */
export const MARGIN = { top: 28, right: 16, bottom: 44, left: 56 } as const;

export interface Tick {
  value: number;
  /** The pixel position along the tick's axis. */
  at: number;
}

export interface Frame {
  width: number;
  height: number;
  /** The plot area: x from left to right, y from top (largest value) to bottom (smallest). */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Pixels, to two decimals: enough for a screen, and short in the SVG. */
export function px(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The linear map of domain [d0, d1] onto range [r0, r1]; a one-value domain maps to the middle. */
export function linear(domain: [number, number], range: [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/** The step of about `count` ticks over a span: 1, 2 or 5 times a power of ten. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
}

/**
 * A value axis covering [min, max] that starts and ends on a tick: the extent widened to
 * multiples of the nice step, and the ticks between. A single value gets a unit either side.
 */
export function niceAxis(min: number, max: number, count: number): { domain: [number, number]; values: number[] } {
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const step = niceStep(max - min, count);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const values: number[] = [];
  // Rounded to the step's decimals, so 0.1 steps give 0.3, not 0.30000000000000004.
  for (let i = first; i <= last; i += 1) values.push(Number((i * step).toFixed(decimals)) + 0);
  return { domain: [values[0], values[values.length - 1]], values };
}

function frame(width: number, height: number): Frame {
  return {
    width,
    height,
    left: MARGIN.left,
    right: width - MARGIN.right,
    top: MARGIN.top,
    bottom: height - MARGIN.bottom,
  };
}

/**
 * Whole numbers from `from` to `to`, the multiples of a step that keeps labels about 36 px
 * apart (so 0, the adoption year of an event study, is always one when it is in range).
 */
function wholeTicks(from: number, to: number, plotWidth: number, x: (v: number) => number): Tick[] {
  const step = Math.max(1, Math.ceil((to - from + 1) / Math.max(2, Math.floor(plotWidth / 36))));
  const ticks: Tick[] = [];
  for (let value = Math.ceil(from / step) * step; value <= to; value += step) ticks.push({ value, at: px(x(value)) });
  return ticks;
}

export interface EventPoint {
  relativeYear: number;
  estimate: number;
  lower: number | null;
  upper: number | null;
}

export interface EventMark extends EventPoint {
  x: number;
  y: number;
  /** The interval's ends on screen (upper above lower); null without an interval. */
  yUpper: number | null;
  yLower: number | null;
}

export interface EventStudyLayout {
  frame: Frame;
  xTicks: Tick[];
  yTicks: Tick[];
  /** Where the value 0 is: no difference from the controls. */
  zeroY: number;
  /** Between relative years -1 and 0: before it, years before adoption; from it, the adoption year on. */
  adoptionX: number;
  marks: EventMark[];
}

/**
 * The event study: relative years on x, one slot per year (half a slot of room at each end),
 * always spanning -1 to 0 so the adoption line has both sides; estimates and interval ends on
 * a nice y axis that always includes 0.
 */
export function eventStudyLayout(points: EventPoint[], width: number, height: number): EventStudyLayout {
  const box = frame(width, height);
  const years = points.map((p) => p.relativeYear);
  const from = Math.min(-1, ...years);
  const to = Math.max(0, ...years);
  const x = linear([from - 0.5, to + 0.5], [box.left, box.right]);
  const values = points.flatMap((p) => [p.estimate, p.lower ?? p.estimate, p.upper ?? p.estimate]);
  const axis = niceAxis(Math.min(0, ...values), Math.max(0, ...values), Math.max(3, Math.round(height / 60)));
  const y = linear(axis.domain, [box.bottom, box.top]);
  return {
    frame: box,
    xTicks: wholeTicks(from, to, box.right - box.left, x),
    yTicks: axis.values.map((value) => ({ value, at: px(y(value)) })),
    zeroY: px(y(0)),
    adoptionX: px(x(-0.5)),
    marks: [...points]
      .sort((a, b) => a.relativeYear - b.relativeYear)
      .map((p) => ({
        ...p,
        x: px(x(p.relativeYear)),
        y: px(y(p.estimate)),
        yUpper: p.upper === null ? null : px(y(p.upper)),
        yLower: p.lower === null ? null : px(y(p.lower)),
      })),
  };
}

export interface SeriesPoint {
  year: number;
  actual: number;
  synthetic: number;
}

export interface YearMark {
  year: number;
  value: number;
  x: number;
  y: number;
}

export interface SyntheticLayout {
  frame: Frame;
  xTicks: Tick[];
  yTicks: Tick[];
  /** The adoption year: from it on, the gap is the estimated effect. */
  adoptionX: number;
  actual: YearMark[];
  synthetic: YearMark[];
  /** SVG path data of each line; a year missing between two others starts a new piece (no bridging). */
  actualPath: string;
  syntheticPath: string;
}

function path(marks: YearMark[]): string {
  return marks.map((m, i) => `${i > 0 && m.year === marks[i - 1].year + 1 ? 'L' : 'M'}${m.x},${m.y}`).join('');
}

/**
 * The synthetic control: years on x from the first to the last year of the series (widened to
 * the adoption year when the series ends before it), values of both lines on one nice y axis.
 */
export function syntheticLayout(
  series: SeriesPoint[],
  adoptionYear: number,
  width: number,
  height: number,
): SyntheticLayout {
  const box = frame(width, height);
  const sorted = [...series].sort((a, b) => a.year - b.year);
  const years = sorted.map((p) => p.year);
  let from = Math.min(adoptionYear, ...years);
  let to = Math.max(adoptionYear, ...years);
  if (from === to) {
    from -= 1;
    to += 1;
  }
  const x = linear([from, to], [box.left, box.right]);
  const values = sorted.flatMap((p) => [p.actual, p.synthetic]);
  const axis = niceAxis(Math.min(...values), Math.max(...values), Math.max(3, Math.round(height / 60)));
  const y = linear(axis.domain, [box.bottom, box.top]);
  const mark = (year: number, value: number): YearMark => ({ year, value, x: px(x(year)), y: px(y(value)) });
  const actual = sorted.map((p) => mark(p.year, p.actual));
  const synthetic = sorted.map((p) => mark(p.year, p.synthetic));
  return {
    frame: box,
    xTicks: wholeTicks(from, to, box.right - box.left, x),
    yTicks: axis.values.map((value) => ({ value, at: px(y(value)) })),
    adoptionX: px(x(adoptionYear)),
    actual,
    synthetic,
    actualPath: path(actual),
    syntheticPath: path(synthetic),
  };
}
