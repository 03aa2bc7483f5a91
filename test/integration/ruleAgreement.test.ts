import { computeRanking } from '../../src/modules/analytics/ranking.sql';
import type { ObservationScope } from '../../src/modules/analytics/scope.types';
import { selectCitySeries } from '../../src/modules/analytics/trend/trend.sql';
import { sql } from '../../src/modules/common/sqlTag';
import { releaseParameter, visibleAsOf } from '../../src/modules/source/visibility';
import { loadFixture, supersede, type Fixture } from '../fixtures/fixture';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * The trigger that keeps latest_observation and the read paths (the trend's series, the
 * ranking's per-city probe) must choose the same value for a city: totals only, visible as of
 * the release, the latest year, the lowest source id within it. Each reads the rule from the
 * SQL functions of AddObservationRuleFunctions; this test fails if one of them drifts.
 *
 * The world, and each city's value by hand:
 * - aa: 2019 = 1; 2020 = 2 (first source) and 20 (second); a disaggregated 2021 = 99 (never a
 *   total). Release 2 corrects 2020 (first) to 2.5.
 *   As of release 1: 2020, 2 (first). Current: 2020, 2.5 (first).
 * - bb: 2018 = 5 and 2019 = 6 (second source), 2019 = 60 (first). Release 2 adds 2020 = 7
 *   (second).
 *   As of release 1: 2019, 60 (first). Current: 2020, 7 (second).
 * Release 3 changes nothing, so "as of release 2" is the current data read by the probe.
 */

let db: TestDatabase;
let f: Fixture;
let release1: number;
let release2: number;

beforeAll(async () => {
  db = await createTestDatabase({ seed: false });
  f = await loadFixture(db.dataSource, {
    cities: [
      { slug: 'aa', country: 'AT' },
      { slug: 'bb', country: 'AT' },
    ],
    indicators: [{ code: 'x', direction: 'HIGHER_IS_BETTER' }],
    sources: ['first', 'second'],
    observations: [
      { city: 'aa', indicator: 'x', year: 2019, value: 1 },
      { city: 'aa', indicator: 'x', year: 2020, value: 2, source: 'first' },
      { city: 'aa', indicator: 'x', year: 2020, value: 20, source: 'second' },
      { city: 'aa', indicator: 'x', year: 2021, value: 99, disaggregation: 'sex=female' },
      { city: 'bb', indicator: 'x', year: 2018, value: 5, source: 'second' },
      { city: 'bb', indicator: 'x', year: 2019, value: 6, source: 'second' },
      { city: 'bb', indicator: 'x', year: 2019, value: 60, source: 'first' },
    ],
  });
  release1 = f.releaseId;
  release2 = await supersede(db.dataSource, f, [
    { city: 'aa', indicator: 'x', year: 2020, value: 2.5, source: 'first' },
    { city: 'bb', indicator: 'x', year: 2020, value: 7, source: 'second' },
  ]);
  await db.dataSource.query(`INSERT INTO release (description) VALUES ('nothing new')`);
});

afterAll(async () => {
  await db.close();
});

type Latest = [city: string, year: number, value: number, source: string];

const AS_OF_RELEASE_1: Latest[] = [
  ['aa', 2020, 2, 'first'],
  ['bb', 2019, 60, 'first'],
];
const CURRENT: Latest[] = [
  ['aa', 2020, 2.5, 'first'],
  ['bb', 2020, 7, 'second'],
];

function named(cityId: number, year: number, value: number, sourceId: number): Latest {
  const city = ['aa', 'bb'].find((slug) => f.city(slug) === cityId) as string;
  const source = ['first', 'second'].find((key) => f.source(key) === sourceId) as string;
  return [city, year, value, source];
}

async function fromTrigger(): Promise<Latest[]> {
  const rows: { city_id: number; year: number; value: number; source_id: number }[] = await db.dataSource.query(
    `SELECT city_id, year, value, source_id FROM latest_observation WHERE indicator_id = $1`,
    [f.indicator('x')],
  );
  return rows.map((r) => named(r.city_id, r.year, r.value, r.source_id)).sort();
}

/** The last point of each city's trend series. */
async function fromTrend(releaseId: number | null): Promise<Latest[]> {
  const series = await selectCitySeries(
    db.dataSource,
    ['aa', 'bb'].map((slug) => ({ cityId: f.city(slug), indicatorCode: 'x', yearFrom: 1900, yearTo: 2100, releaseId })),
  );
  return series.map((points, i) => {
    const last = (points ?? []).at(-1);
    if (!last) throw new Error('no points');
    return named(f.city(['aa', 'bb'][i]), last.year, last.value, last.sourceId);
  });
}

/** The ranking's per-city probe: a release older than the newest is never read from latest_observation. */
async function fromRankingProbe(releaseId: number): Promise<Latest[]> {
  const scope: ObservationScope = {
    where: sql`${visibleAsOf('o', releaseParameter(releaseId))} AND o.disaggregation = ''`,
    cities: null,
    releaseId,
  };
  const table = await computeRanking(db.dataSource, { indicatorCode: 'x', year: null, scope, limit: null });
  return (table?.rows ?? []).map((r) => named(r.cityId, r.year, r.value, r.sourceId)).sort();
}

describe('the latest-value rule', () => {
  it('is the same in the trigger, the trend and the ranking, as of now', async () => {
    expect(await fromTrigger()).toEqual(CURRENT);
    expect(await fromTrend(null)).toEqual(CURRENT);
    expect(await fromRankingProbe(release2)).toEqual(CURRENT);
  });

  it('is the same in the trend and the ranking as of an earlier release', async () => {
    expect(await fromTrend(release1)).toEqual(AS_OF_RELEASE_1);
    expect(await fromRankingProbe(release1)).toEqual(AS_OF_RELEASE_1);
  });

  it('stays the same after the trigger recomputes a pair from scratch', async () => {
    await db.dataSource.query(`UPDATE observation SET value = value WHERE indicator_id = $1`, [f.indicator('x')]);
    expect(await fromTrigger()).toEqual(CURRENT);
  });
});
