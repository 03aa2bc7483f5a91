import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readDatapackage } from '../../src/modules/ingest/datapackage';
import type { ImportProblem } from '../../src/modules/ingest/importErrors';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { workedExampleQuery } from '../helpers/docReads';
import { createTestServer, dataOf, type TestServer } from '../helpers/testServer';

/**
 * The README's "Importing data" worked example, step by step, on the seeded demo database.
 * Expected ranks are worked out by hand from the fact sheet's 2013 homicide counts:
 * SLC 7, Honolulu 18, Seattle 18 (81 with the typo), Long Beach 34, Minneapolis 36, Boston 39,
 * Pittsburgh 45, San Francisco 48, Louisville 48, Miami 71, Washington 103, Los Angeles 251.
 */
const EXAMPLE = path.resolve(__dirname, '../../examples/ucr-homicides');

let t: TestServer;
beforeAll(async () => {
  t = await createTestServer();
});
afterAll(async () => {
  await t.close();
});

function metadata() {
  const problems: ImportProblem[] = [];
  const result = readDatapackage(JSON.parse(readFileSync(path.join(EXAMPLE, 'datapackage.json'), 'utf8')), problems);
  expect(problems).toEqual([]);
  return result;
}

type Ranking = { ranking: { totalCount: number; entries: { rank: number; value: number; city: { slug: string } }[] } };
const RANKING = `query($asOf: ID) { ranking(indicator: "homicides", year: 2013, first: 12, asOf: $asOf) {
  totalCount entries { rank value city { slug } } } }`;

describe('the worked import example of the README', () => {
  it('imports, ranks, corrects and answers as of both releases', async () => {
    const first = await importObservations(
      t.db.dataSource,
      readFileSync(path.join(EXAMPLE, 'homicides-with-typo.csv')),
      {
        metadata: metadata(),
      },
    );
    expect(first).toMatchObject({
      ok: true,
      added: 72,
      changed: 0,
      unchanged: 0,
      missing: 0,
      createdIndicators: ['homicides'],
    });
    const typoRelease = String(first.releaseId);

    const withTypo = dataOf<Ranking>(await t.query(RANKING));
    expect(withTypo.ranking.totalCount).toBe(12);
    expect(withTypo.ranking.entries.find((e) => e.city.slug === 'seattle-us')).toMatchObject({ rank: 10, value: 81 });

    const second = await importObservations(t.db.dataSource, readFileSync(path.join(EXAMPLE, 'homicides.csv')), {
      metadata: metadata(),
    });
    expect(second).toMatchObject({ ok: true, added: 0, changed: 1, unchanged: 71 });

    const now = dataOf<Ranking>(await t.query(workedExampleQuery()));
    expect(now.ranking.entries.map((e) => [e.rank, e.value, e.city.slug])).toEqual([
      [1, 7, 'salt-lake-city-us'],
      [2, 18, 'honolulu-us'],
      [2, 18, 'seattle-us'],
    ]);

    const asOf = dataOf<Ranking>(await t.query(RANKING, { asOf: typoRelease }));
    expect(asOf.ranking.entries.find((e) => e.city.slug === 'seattle-us')).toMatchObject({ rank: 10, value: 81 });

    const again = await importObservations(t.db.dataSource, readFileSync(path.join(EXAMPLE, 'homicides.csv')), {
      metadata: metadata(),
    });
    expect(again).toMatchObject({ ok: true, added: 0, changed: 0, unchanged: 72, releaseId: null });
    expect(again.message).toBe('nothing to import: all 72 values are already current; no release was created');
  });
});
