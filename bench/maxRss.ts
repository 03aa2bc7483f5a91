import { writeFileSync } from 'node:fs';

/**
 * Preloaded (`node -r`) into a CLI the benchmark measures: on exit, writes the process's peak
 * resident set (getrusage's ru_maxrss, in kB) to BENCH_MAX_RSS_FILE. The kernel keeps the
 * high-water mark, so the peak is exact however short it was; polling /proc from outside
 * would miss a peak between two reads, and /proc is gone once the process exits.
 */
const file = process.env.BENCH_MAX_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
