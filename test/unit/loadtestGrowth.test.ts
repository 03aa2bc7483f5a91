import { levelGrowth, type MemorySample } from '../../src/cli/loadtestMemory';

const MB = 1024 * 1024;
const sample = (rssMb: number, heapMb = 47): MemorySample => ({
  rss: rssMb * MB,
  heapUsed: heapMb * MB,
  heapTotal: 86 * MB,
  external: 4 * MB,
});

describe('levelGrowth (the soak test criterion)', () => {
  it('compares the median of the first three samples under load with the median of the last three', () => {
    // First three 209, 193, 210 -> median 209; last three 202, 200, 204 -> median 202: -3.3 %.
    const trace = [209, 193, 210, 207, 202, 200, 201, 202, 200, 204].map((rss) => sample(rss));
    const growth = levelGrowth(trace, sample(202), sample(159));
    expect(growth.rss).toBeCloseTo((202 - 209) / 209, 10);
    expect(growth.heapUsed).toBe(0);
  });

  it('sees a leak that climbs through the run', () => {
    // 300 -> 390 MB over ten samples: medians 310 and 380, +22.6 %.
    const trace = Array.from({ length: 10 }, (_, i) => sample(300 + 10 * i, 47 + 5 * i));
    const growth = levelGrowth(trace, sample(300), sample(300));
    expect(growth.rss).toBeCloseTo(70 / 310, 10);
    // Heap 47 -> 92 MB: medians 52 and 87, +67.3 %.
    expect(growth.heapUsed).toBeCloseTo(35 / 52, 10);
  });

  it('is not fooled by one high sample at either end', () => {
    const trace = [150, 260, 152, 151, 150, 149, 151, 150, 148, 280].map((rss) => sample(rss));
    // Medians 152 and 150.
    expect(levelGrowth(trace, sample(150), sample(150)).rss).toBeCloseTo(-2 / 152, 10);
  });

  it('falls back to the samples with the load stopped when the run took fewer than six', () => {
    const growth = levelGrowth([sample(100), sample(300)], sample(100, 40), sample(125, 50));
    expect(growth.rss).toBeCloseTo(0.25, 10);
    expect(growth.heapUsed).toBeCloseTo(0.25, 10);
    expect(growth.basis).toMatch(/load stopped/);
  });
});
