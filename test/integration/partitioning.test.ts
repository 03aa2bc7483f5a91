import { loadFixture, series, type Fixture } from '../fixtures/fixture';
import { observationPartitions, partitionsAdmitting, statementsSent } from '../helpers/plans';
import { createTestServer, dataOf, type TestServer } from '../helpers/testServer';

/**
 * `observation` is partitioned by HASH (indicator_id) into 8 partitions (migration
 * PartitionObservations). The expectations come from the catalog: which partitions exist, with
 * which bounds, and which one holds an indicator's rows, by Postgres' own
 * satisfies_hash_partition over the bound each partition records.
 */

let t: TestServer;
let f: Fixture;
const INDICATORS = Array.from({ length: 12 }, (_, i) => `ind-${String(i + 1).padStart(2, '0')}`);

beforeAll(async () => {
  t = await createTestServer({ seed: false });
  f = await loadFixture(t.db.dataSource, {
    cities: [
      { slug: 'anna', country: 'AT' },
      { slug: 'bert', country: 'DE' },
      { slug: 'cleo', country: 'FR' },
    ],
    indicators: INDICATORS.map((code) => ({ code })),
    observations: INDICATORS.flatMap((code, k) => [
      ...series('anna', code, [
        [2019, k + 1],
        [2020, k + 2],
      ]),
      ...series('bert', code, [[2020, k + 3]]),
      ...series('cleo', code, [[2020, k + 4]]),
    ]),
  });
});
afterAll(async () => {
  await t.close();
});

async function rows<T>(text: string, parameters: unknown[] = []): Promise<T[]> {
  return t.db.dataSource.query(text, parameters);
}

const partitionByBound = (indicatorId: number) => partitionsAdmitting(t.db.dataSource, indicatorId);

/** The partitions of observation that the statements of one GraphQL operation actually read (EXPLAIN ANALYZE). */
async function partitionsRead(query: string, variables: Record<string, unknown>): Promise<string[]> {
  const sent = await statementsSent(t.db.dataSource, async () => dataOf(await t.query(query, variables)));
  return observationPartitions(t.db.dataSource, sent, 'read');
}

describe('observation partitioning', () => {
  it('is a table partitioned by HASH (indicator_id) into observation_p0 to observation_p7', async () => {
    const [parent] = await rows<{ strategy: string; key: string }>(
      `SELECT p.partstrat AS strategy, a.attname AS key
       FROM pg_partitioned_table p
       JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
       WHERE p.partrelid = 'observation'::regclass`,
    );
    expect(parent).toEqual({ strategy: 'h', key: 'indicator_id' });
    const partitions = await rows<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
       WHERE h.inhparent = 'observation'::regclass ORDER BY c.relname`,
    );
    expect(partitions).toEqual(
      Array.from({ length: 8 }, (_, r) => ({
        name: `observation_p${r}`,
        bound: `FOR VALUES WITH (modulus 8, remainder ${r})`,
      })),
    );
  });

  it('creates each index of the parent on every partition', async () => {
    const perPartition = await rows<{ parent_index: string; partitions: number }>(
      `SELECT p.relname AS parent_index, count(*)::int AS partitions
       FROM pg_index pi JOIN pg_class p ON p.oid = pi.indexrelid
       JOIN pg_inherits h ON h.inhparent = p.oid
       WHERE pi.indrelid = 'observation'::regclass
       GROUP BY p.relname ORDER BY p.relname`,
    );
    expect(perPartition).toEqual(
      [
        'IDX_observation_latest',
        'PK_57f5dee7b6149652b29cc5bd7a5',
        'UQ_observation_current',
        'UQ_observation_key_release',
      ]
        .sort()
        .map((parent_index) => ({ parent_index, partitions: 8 })),
    );
  });

  it('leads the indexes an import fills across every city with the indicator, and keeps the city first in the key per release', async () => {
    // LeadObservationKeysWithIndicator: an import's entries then land in one range per indicator.
    const keys = await rows<{ name: string; leading: string[] }>(
      `SELECT c.relname AS name,
              array(SELECT a.attname::text FROM unnest((i.indkey::int2[])[0:1]) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n) AS leading
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'observation'::regclass AND c.relname <> 'PK_57f5dee7b6149652b29cc5bd7a5'
       ORDER BY c.relname`,
    );
    expect(keys).toEqual([
      { name: 'IDX_observation_latest', leading: ['indicator_id', 'city_id'] },
      { name: 'UQ_observation_current', leading: ['indicator_id', 'city_id'] },
      { name: 'UQ_observation_key_release', leading: ['city_id', 'indicator_id'] },
    ]);
  });

  it('keeps all of an indicator’s rows in the partition its bound names', async () => {
    const placed = await rows<{ indicator_id: number; partitions: string[] }>(
      `SELECT indicator_id, array_agg(DISTINCT tableoid::regclass::text) AS partitions
       FROM observation GROUP BY indicator_id ORDER BY indicator_id`,
    );
    expect(placed).toHaveLength(INDICATORS.length);
    for (const { indicator_id, partitions } of placed) {
      expect(partitions).toEqual(await partitionByBound(indicator_id));
    }
    // Otherwise "reads one partition" below would hold without any pruning.
    const used = new Set(placed.flatMap((p) => p.partitions));
    expect(used.size).toBeGreaterThan(1);
  });

  it('reads one partition for a ranking of one indicator in a year', async () => {
    const code = INDICATORS[4];
    const expected = await partitionByBound(f.indicator(code));
    expect(expected).toHaveLength(1);
    const read = await partitionsRead(
      `query ($indicator: String!) { ranking(indicator: $indicator, year: 2020) { entries { city { slug } rank value } } }`,
      { indicator: code },
    );
    expect(read).toEqual(expected);
  });

  it('reads one partition for the statistics of one indicator', async () => {
    const code = INDICATORS[9];
    const expected = await partitionByBound(f.indicator(code));
    const read = await partitionsRead(
      `query ($indicator: String!) { statistics(indicator: $indicator, year: 2020) { count groups { mean } } }`,
      { indicator: code },
    );
    expect(read).toEqual(expected);
  });

  it('still fires the statement-level triggers of the parent: latest_observation follows an insert into a partition', async () => {
    const code = INDICATORS[0];
    const [{ id: releaseId }] = await rows<{ id: number }>(
      `INSERT INTO release (description, source_id) VALUES ('partition trigger test', $1) RETURNING id`,
      [f.source(f.defaultSource)],
    );
    await rows(
      `INSERT INTO observation (city_id, indicator_id, year, value, source_id, release_id) VALUES ($1, $2, 2023, 99, $3, $4)`,
      [f.city('bert'), f.indicator(code), f.source(f.defaultSource), releaseId],
    );
    const [latest] = await rows<{ year: number; value: number }>(
      `SELECT year, value FROM latest_observation WHERE city_id = $1 AND indicator_id = $2`,
      [f.city('bert'), f.indicator(code)],
    );
    expect(latest).toEqual({ year: 2023, value: 99 });
  });
});
