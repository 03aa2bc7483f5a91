import {
  eventStudyLayout,
  linear,
  niceAxis,
  niceStep,
  syntheticLayout,
} from '../../src/modules/explorer/web/impactGeometry';

/*
 * The explorer's impact charts: every expected coordinate below is worked out by hand from the
 * margins (top 28, right 16, bottom 44, left 56), not read from the code's output.
 */

describe('axes', () => {
  it('maps a domain linearly onto a range, a one-value domain to the middle', () => {
    const x = linear([2000, 2010], [100, 600]);
    expect(x(2000)).toBe(100);
    expect(x(2004)).toBe(300); // 100 + 4/10 × 500
    expect(x(2010)).toBe(600);
    expect(linear([3, 3], [10, 20])(3)).toBe(15);
  });

  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(7.5, 5)).toBe(2); // 1.5 rounds up to 2
    expect(niceStep(12, 5)).toBe(5); // 2.4 to 5
    expect(niceStep(60, 5)).toBe(20); // 12 = 1.2 × 10 to 2 × 10
    expect(niceStep(0.22, 5)).toBeCloseTo(0.05, 12); // 0.044 = 4.4 × 0.01 to 5 × 0.01
  });

  it('widens the extent to whole steps and writes decimal ticks exactly', () => {
    // Step 0.05 (above); 0.05 / 0.05 = 1 and 0.27 / 0.05 = 5.4, so ticks 1..6 steps.
    expect(niceAxis(0.05, 0.27, 5)).toEqual({ domain: [0.05, 0.3], values: [0.05, 0.1, 0.15, 0.2, 0.25, 0.3] });
    // A single value gets a unit either side: -1..1 over 3 ticks steps by 1 (0.667 rounds up).
    expect(niceAxis(0, 0, 3)).toEqual({ domain: [-1, 1], values: [-1, 0, 1] });
  });
});

describe('eventStudyLayout', () => {
  /*
   * 640 × 300: plot x 56..624, y 28..256.
   * Relative years -1..2, so x spans -1.5..2.5 (4 slots over 568 px: 142 px each):
   *   x(-1) = 56 + 0.5 × 142 = 127, x(0) = 269, x(1) = 411, x(2) = 553, adoption x(-0.5) = 198.
   * Values -6..1.5 with 0; about round(300 / 60) = 5 ticks: 7.5 / 5 = 1.5, step 2, axis -6..2.
   *   228 px over 8 units: 28.5 px each, y(v) = 256 - (v + 6) × 28.5:
   *   y(2) = 28, y(1.5) = 42.25, y(1) = 56.5, y(0.5) = 70.75, y(0) = 85, y(-0.5) = 99.25,
   *   y(-1) = 113.5, y(-2) = 142, y(-3) = 170.5, y(-4) = 199, y(-6) = 256.
   */
  const layout = eventStudyLayout(
    [
      { relativeYear: 1, estimate: -4, lower: -6, upper: -2 },
      { relativeYear: -1, estimate: 0.5, lower: -0.5, upper: 1.5 },
      { relativeYear: 0, estimate: -2, lower: -3, upper: -1 },
      { relativeYear: 2, estimate: 1, lower: null, upper: null },
    ],
    640,
    300,
  );

  it('puts each estimate and its interval at its relative year, in order', () => {
    expect(layout.marks.map(({ relativeYear, x, y, yUpper, yLower }) => [relativeYear, x, y, yUpper, yLower])).toEqual([
      [-1, 127, 70.75, 42.25, 99.25],
      [0, 269, 142, 113.5, 170.5],
      [1, 411, 199, 142, 256],
      [2, 553, 56.5, null, null],
    ]);
  });

  it('draws the zero line, the adoption line between -1 and 0, and the ticks', () => {
    expect(layout.frame).toEqual({ width: 640, height: 300, left: 56, right: 624, top: 28, bottom: 256 });
    expect(layout.zeroY).toBe(85);
    expect(layout.adoptionX).toBe(198);
    expect(layout.xTicks).toEqual([
      { value: -1, at: 127 },
      { value: 0, at: 269 },
      { value: 1, at: 411 },
      { value: 2, at: 553 },
    ]);
    expect(layout.yTicks).toEqual([
      { value: -6, at: 256 },
      { value: -4, at: 199 },
      { value: -2, at: 142 },
      { value: 0, at: 85 },
      { value: 2, at: 28 },
    ]);
  });

  it('keeps -1 and 0 on the axis when every estimate is after adoption', () => {
    // Relative years 0..1 widen to -1..1: x spans -1.5..1.5, 3 slots of 568 / 3 px.
    const only = eventStudyLayout([{ relativeYear: 1, estimate: 2, lower: 1, upper: 3 }], 640, 300);
    expect(only.adoptionX).toBeCloseTo(56 + 568 / 3, 2); // x(-0.5)
    expect(only.xTicks.map((t) => t.value)).toEqual([-1, 0, 1]);
    // Values 0..3: 3 / 5 = 0.6, step 1, axis 0..3 (76 px a unit); 0 is the bottom of the plot.
    expect(only.zeroY).toBe(256);
    expect(only.marks[0]).toMatchObject({ x: 529.33, y: 104, yUpper: 28, yLower: 180 }); // x(1) = 56 + 2.5 × 568 / 3
  });

  it('labels every few years on a narrow chart, 0 always among them', () => {
    // -10..10 in 300 px: plot 228 px, room for floor(228 / 36) = 6 labels, 21 years: every 4th.
    const points = Array.from({ length: 21 }, (_, i) => ({
      relativeYear: i - 10,
      estimate: 0,
      lower: null,
      upper: null,
    }));
    expect(eventStudyLayout(points, 300, 300).xTicks.map((t) => t.value)).toEqual([-8, -4, 0, 4, 8]);
  });
});

describe('syntheticLayout', () => {
  /*
   * 500 × 260: plot x 56..484, y 28..216. Years 2008..2012 (2011 missing): 428 / 4 = 107 px a year,
   *   x(2008) = 56, x(2009) = 163, x(2010) = 270, x(2011) = 377, x(2012) = 484.
   * Values 9..14, about round(260 / 60) = 4 ticks: 5 / 4 = 1.25, step 2, axis 8..14.
   *   188 px over 6 units, y(v) = 216 - (v - 8) × 188 / 6:
   *   y(9) = 184.67, y(10) = 153.33, y(11) = 122, y(12) = 90.67, y(13) = 59.33, y(14) = 28.
   */
  const layout = syntheticLayout(
    [
      { year: 2012, actual: 9, synthetic: 13 },
      { year: 2008, actual: 10, synthetic: 10 },
      { year: 2009, actual: 12, synthetic: 11 },
      { year: 2010, actual: 14, synthetic: 12 },
    ],
    2010,
    500,
    260,
  );

  it('draws both lines by year, breaking them at the missing year', () => {
    expect(layout.actualPath).toBe('M56,153.33L163,90.67L270,28M484,184.67');
    expect(layout.syntheticPath).toBe('M56,153.33L163,122L270,90.67M484,59.33');
    expect(layout.actual.map((m) => [m.year, m.value, m.x, m.y])).toEqual([
      [2008, 10, 56, 153.33],
      [2009, 12, 163, 90.67],
      [2010, 14, 270, 28],
      [2012, 9, 484, 184.67],
    ]);
  });

  it('marks the adoption year and ticks every year', () => {
    expect(layout.adoptionX).toBe(270);
    expect(layout.xTicks).toEqual([
      { value: 2008, at: 56 },
      { value: 2009, at: 163 },
      { value: 2010, at: 270 },
      { value: 2011, at: 377 },
      { value: 2012, at: 484 },
    ]);
    expect(layout.yTicks).toEqual([
      { value: 8, at: 216 },
      { value: 10, at: 153.33 },
      { value: 12, at: 90.67 },
      { value: 14, at: 28 },
    ]);
  });

  it('widens the years to an adoption after the last value', () => {
    // 2005..2007, adopted 2010: years 2005..2010, 428 / 5 = 85.6 px a year; adoption at the right edge.
    const early = syntheticLayout(
      [2005, 2006, 2007].map((year) => ({ year, actual: 1, synthetic: 1 })),
      2010,
      500,
      260,
    );
    expect(early.adoptionX).toBe(484);
    expect(early.actual.map((m) => m.x)).toEqual([56, 141.6, 227.2]);
  });
});
