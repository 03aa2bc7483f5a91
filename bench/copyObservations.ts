import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type DatasetPlan, type IndicatorPlan, SOURCE_TITLE } from './dataset';
import { indicatorCsv } from './observationsCsv';

/** What loading took, in the shape importAll reports it (generate.ts). */
export interface LoadTally {
  records: number;
  missing: number;
  seconds: number;
  count: number;
  slowest: number;
  fastest: number;
  peakRss: number;
}

const MISSING = new Set(['NA', '', '..']);

/**
 * The values of the CSV the import would read (indicatorCsv: same seed, same values, missing
 * values and statuses), as COPY text rows for observation: what the import would store, without
 * its checks, staging and merge. Missing values are counted, not written, as the import does.
 */
function* copyRows(
  plan: DatasetPlan,
  batch: IndicatorPlan[],
  ids: { city: Map<string, number>; indicator: Map<string, number>; sourceId: number; releaseId: number },
  tally: { records: number; missing: number },
): Generator<string> {
  for (const indicator of batch) {
    const indicatorId = ids.indicator.get(indicator.code);
    if (indicatorId === undefined) throw new Error(`no indicator ${indicator.code}`);
    for (const chunk of indicatorCsv(plan, indicator)) {
      let out = '';
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        const [slug, , , year, value, lower, upper, status] = line.split(',');
        tally.records += 1;
        if (MISSING.has(value)) {
          tally.missing += 1;
          continue;
        }
        const cityId = ids.city.get(slug);
        if (cityId === undefined) throw new Error(`no city ${slug}`);
        out += `${cityId}\t${indicatorId}\t${year}\t${value}\t${lower || '\\N'}\t${upper || '\\N'}\t${status || 'MEASURED'}\t${ids.sourceId}\t${ids.releaseId}\n`;
      }
      yield out;
    }
  }
}

/**
 * Loads the observations of a plan with COPY straight into `observation`, one transaction and
 * one release per batch of indicators (as importAll makes one release per import). For the
 * xlarge scale: 30M values through the import (about 25,000 rows/s) would take some 20 minutes
 * on the reference machine. The latest_observation and notification triggers fire as on an
 * import; the import's own checks do not run, which is fine for data this generator made.
 */
export async function copyObservations(
  url: string,
  plan: DatasetPlan,
  options: { indicatorsPerImport: number; log: (line: string) => void },
): Promise<LoadTally> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const tally: LoadTally = { records: 0, missing: 0, seconds: 0, count: 0, slowest: Infinity, fastest: 0, peakRss: 0 };
  const sampler = setInterval(() => {
    tally.peakRss = Math.max(tally.peakRss, process.memoryUsage.rss());
  }, 100);
  try {
    const city = new Map(
      (await client.query<{ slug: string; id: number }>('SELECT slug, id FROM city')).rows.map((r) => [r.slug, r.id]),
    );
    const indicator = new Map(
      (await client.query<{ code: string; id: number }>('SELECT code, id FROM indicator')).rows.map((r) => [
        r.code,
        r.id,
      ]),
    );
    const {
      rows: [{ id: sourceId }],
    } = await client.query<{ id: number }>('SELECT id FROM source WHERE title = $1', [SOURCE_TITLE]);
    for (let first = 0; first < plan.indicators.length; first += options.indicatorsPerImport) {
      const batch = plan.indicators.slice(first, first + options.indicatorsPerImport);
      const began = performance.now();
      const before = { records: tally.records, missing: tally.missing };
      await client.query('BEGIN');
      try {
        const {
          rows: [{ id: releaseId }],
        } = await client.query<{ id: number }>(
          'INSERT INTO release (description, source_id) VALUES ($1, $2) RETURNING id',
          [`Synthetic benchmark data (COPY): ${batch[0].code} to ${batch[batch.length - 1].code}`, sourceId],
        );
        const copy = client.query(
          copyFrom(
            'COPY observation (city_id, indicator_id, year, value, lower, upper, status, source_id, release_id) FROM STDIN',
          ),
        );
        await pipeline(Readable.from(copyRows(plan, batch, { city, indicator, sourceId, releaseId }, tally)), copy);
        const added = tally.records - before.records - (tally.missing - before.missing);
        await client.query('UPDATE release SET rows_added = $1, rows_changed = 0, rows_unchanged = 0 WHERE id = $2', [
          added,
          releaseId,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      const took = (performance.now() - began) / 1000;
      const rows = tally.records - before.records;
      tally.seconds += took;
      tally.count += 1;
      tally.slowest = Math.min(tally.slowest, rows / took);
      tally.fastest = Math.max(tally.fastest, rows / took);
      options.log(
        `copy ${tally.count}: ${rows.toLocaleString('en')} rows in ${took.toFixed(1)} s (${Math.round(rows / took).toLocaleString('en')} rows/s); ${tally.records.toLocaleString('en')} in all`,
      );
    }
  } finally {
    clearInterval(sampler);
    await client.end();
  }
  tally.peakRss = Math.max(tally.peakRss, process.memoryUsage.rss());
  return tally;
}
