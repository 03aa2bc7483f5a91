import type { FormattedExecutionResult } from 'graphql';
import type { DataSource } from 'typeorm';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { importFixtureMetadata, readImportFixture } from '../fixtures/importFixtures';
import { describeOnServer, heldAndPlain, until } from '../helpers/heldCaches';

/**
 * Full rankings held in process (src/cache/rankingCache.ts): pages and City.rank read from a
 * held ranking without a ranking statement, answers equal to those of a server that holds
 * nothing and to the definition applied to the raw rows, and a new release seen once its
 * notification arrives.
 */

const data = (result: FormattedExecutionResult) => {
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

/** Whether a statement ranks: the window functions only the ranking statement has. */
const ranks = (statements: string[]) => statements.some((s) => /rank\(\) OVER/.test(s));

const PAGE = `query($indicator: String!, $year: Int, $first: Int, $asOf: ID) {
  ranking(indicator: $indicator, year: $year, first: $first, asOf: $asOf) {
    totalCount entries { rank value percentile city { slug } }
  }
}`;

const FULL = `query($indicator: String!, $year: Int, $first: Int) {
  ranking(indicator: $indicator, year: $year, first: $first) {
    totalCount year indicator { code }
    entries { rank value lower upper year status percentile tier city { slug name } source { id title } }
    warnings { code message }
    citation { text release { id } sources { id } }
  }
}`;

const NESTED = `query($indicator: String!, $year: Int) {
  cities(first: 100) { edges { node { slug rank(indicator: $indicator, year: $year) { rank value percentile of } } } }
}`;

const read = readImportFixture;
const metadata = importFixtureMetadata;

interface Expected {
  slug: string;
  value: number;
  rank: number;
  percentile: number;
}

/**
 * The ranking by its definition, from the raw rows: each city's current total for the year
 * (the lowest source id when several sources give it), best first by the indicator's direction,
 * ties by city name then id; rank = 1 + the cities strictly better, percentile = 100 * the cities
 * equal or worse / n.
 */
async function byDefinition(dataSource: DataSource, indicator: string, year: number): Promise<Expected[]> {
  const rows: { id: number; slug: string; name: string; value: number; source_id: number; direction: string }[] =
    await dataSource.query(
      `SELECT c.id, c.slug, c.name, o.value, o.source_id, i.direction
       FROM observation o JOIN city c ON c.id = o.city_id JOIN indicator i ON i.id = o.indicator_id
       WHERE i.code = $1 AND o.year = $2 AND o.disaggregation = '' AND o.superseded_in_release_id IS NULL`,
      [indicator, year],
    );
  const byCity = new Map<number, (typeof rows)[number]>();
  for (const row of rows) {
    const held = byCity.get(row.id);
    if (!held || row.source_id < held.source_id) byCity.set(row.id, row);
  }
  const cities = [...byCity.values()];
  const lowerIsBetter = rows[0]?.direction === 'LOWER_IS_BETTER';
  const better = (a: number, b: number) => (lowerIsBetter ? a < b : a > b);
  const values = cities.map((c) => c.value);
  return cities
    .map((c) => ({
      c,
      rank: 1 + values.filter((v) => better(v, c.value)).length,
      percentile: (100 * values.filter((v) => !better(v, c.value)).length) / values.length,
    }))
    .sort((a, b) => a.rank - b.rank || (a.c.name < b.c.name ? -1 : a.c.name > b.c.name ? 1 : a.c.id - b.c.id))
    .map(({ c, rank, percentile }) => ({ slug: c.slug, value: c.value, rank, percentile }));
}

const entriesOf = (result: FormattedExecutionResult): Expected[] =>
  data(result).ranking.entries.map(
    (e: { city: { slug: string }; value: number; rank: number; percentile: number }) => ({
      slug: e.city.slug,
      value: e.value,
      rank: e.rank,
      percentile: e.percentile,
    }),
  );

describeOnServer('rankings held in process (DATABASE_URL: notifications)', () => {
  const t = heldAndPlain();

  it('reads another page of a held ranking without a ranking statement, ranked as defined', async () => {
    const expected = await byDefinition(t.db.dataSource, 'homicide-rate', 2015);
    // The seed ranks enough cities for two different pages.
    expect(expected.length).toBeGreaterThan(6);
    const first = await t.cached.run(PAGE, { indicator: 'homicide-rate', year: 2015, first: 3 });
    expect(ranks(first.statements)).toBe(true);
    expect(entriesOf(first.result)).toEqual(expected.slice(0, 3));

    const second = await t.cached.run(PAGE, { indicator: 'homicide-rate', year: 2015, first: 6 });
    // Only the page's cities: the indicator is held, the ranking too.
    expect(ranks(second.statements)).toBe(false);
    expect(second.statements).toHaveLength(1);
    expect(entriesOf(second.result)).toEqual(expected.slice(0, 6));
    expect(data(second.result).ranking.totalCount).toBe(expected.length);
  });

  it('answers exactly what a server holding nothing answers, held or not', async () => {
    for (const variables of [
      { indicator: 'homicide-rate', year: 2015, first: 4 },
      { indicator: 'homicide-rate', year: 2015, first: 100 },
      { indicator: 'homicide-rate', first: 5 },
    ]) {
      const fresh = await t.uncached.run(FULL, variables);
      const filled = await t.cached.run(FULL, variables);
      const held = await t.cached.run(FULL, variables);
      expect(ranks(held.statements)).toBe(false);
      expect(filled.result).toEqual(fresh.result);
      expect(held.result).toEqual(fresh.result);
    }
  });

  it("reads City.rank from the held ranking the `ranking` query filled, and `ranking` from City.rank's", async () => {
    const expected = await byDefinition(t.db.dataSource, 'homicide-rate', 2014);
    expect(expected.length).toBeGreaterThan(2);
    await t.cached.run(PAGE, { indicator: 'homicide-rate', year: 2014, first: 1 });
    const nested = await t.cached.run(NESTED, { indicator: 'homicide-rate', year: 2014 });
    expect(ranks(nested.statements)).toBe(false);
    const bySlug = new Map(
      data(nested.result).cities.edges.map((e: { node: { slug: string; rank: unknown } }) => [
        e.node.slug,
        e.node.rank,
      ]),
    );
    for (const e of expected) {
      expect(bySlug.get(e.slug)).toEqual({
        rank: e.rank,
        value: e.value,
        percentile: e.percentile,
        of: expected.length,
      });
    }

    const other2013 = await byDefinition(t.db.dataSource, 'homicide-rate', 2013);
    expect(other2013.length).toBeGreaterThan(2);
    expect((await t.cached.run(NESTED, { indicator: 'homicide-rate', year: 2013 })).statements).toHaveLength(2);
    const page = await t.cached.run(PAGE, { indicator: 'homicide-rate', year: 2013, first: 2 });
    expect(ranks(page.statements)).toBe(false);
    expect(entriesOf(page.result)).toEqual(other2013.slice(0, 2));
  });

  it('ranks a new release once its notification arrives, and the release before as it was', async () => {
    // valid.csv: shelter-beds 2015 for Pittsburgh 1,234.5 and Washington 20 (HIGHER_IS_BETTER);
    // Vienna's value is for women only, not a total.
    const first = await importObservations(t.other, read('valid.csv'), { metadata: metadata() });
    expect(first.ok).toBe(true);
    const shelter = { indicator: 'shelter-beds', year: 2015, first: 10 };
    const before = [
      { slug: 'pittsburgh-us', value: 1234.5, rank: 1, percentile: 100 },
      { slug: 'washington-us', value: 20, rank: 2, percentile: 50 },
    ];
    await until(
      async () => !(await t.cached.run(PAGE, shelter)).result.errors,
      'the new indicator (its notification empties the held ones)',
    );
    expect(entriesOf((await t.cached.run(PAGE, shelter)).result)).toEqual(before);
    expect(ranks((await t.cached.run(PAGE, shelter)).statements)).toBe(false);

    // Pittsburgh's value corrected to 5: Washington is first now.
    const corrected = read('valid.csv').toString('utf8').replace('"1,234.5"', '5');
    const second = await importObservations(t.other, corrected, { metadata: metadata() });
    expect(second).toMatchObject({ ok: true, changed: 1 });
    const after = [
      { slug: 'washington-us', value: 20, rank: 1, percentile: 100 },
      { slug: 'pittsburgh-us', value: 5, rank: 2, percentile: 50 },
    ];
    expect(after).toEqual(await byDefinition(t.db.dataSource, 'shelter-beds', 2015));
    await until(
      async () => JSON.stringify(entriesOf((await t.cached.run(PAGE, shelter)).result)) === JSON.stringify(after),
      'the new release to be ranked',
    );
    const asBefore = await t.cached.run(PAGE, { ...shelter, asOf: String(first.releaseId) });
    expect(entriesOf(asBefore.result)).toEqual(before);
    expect(entriesOf((await t.cached.run(PAGE, { ...shelter, asOf: String(first.releaseId) })).result)).toEqual(before);
  });
});
