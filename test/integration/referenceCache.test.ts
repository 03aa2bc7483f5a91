import type { FormattedExecutionResult } from 'graphql';
import type { DataSource } from 'typeorm';
import { buildPeerScenarios, type PeerScenario } from '../../bench/peerScenarios';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { describeOnServer, type Harness, heldAndPlain, until } from '../helpers/heldCaches';
import { observationPartitions, partitionsAdmitting, statementsSent } from '../helpers/plans';

/**
 * Reference rows held in process (src/cache/referenceCache.ts): the statements the benchmark's
 * peer scenarios send with and without them, the same answers either way, and freshness after
 * writes through this server and through another connection.
 */

const data = (result: FormattedExecutionResult) => {
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

async function peerScenarios(dataSource: DataSource): Promise<PeerScenario[]> {
  const ids = await dataSource.query(`SELECT id FROM city ORDER BY id`);
  const indicators = await dataSource.query(`SELECT id, code, direction FROM indicator ORDER BY id`);
  const countries = await dataSource.query(`SELECT DISTINCT country_code AS code FROM city ORDER BY 1`);
  return buildPeerScenarios({
    cityIds: ids.map((r: { id: number }) => r.id),
    indicators,
    countries: countries.map((r: { code: string }) => r.code),
    firstYear: 2000,
    lastYear: 2015,
  });
}

const STATISTICS_CITED = `query($indicator: String!) {
  statistics(indicator: $indicator, year: 2015) { count indicator { name } citation { release { id } } }
}`;
const RANKING = `query($indicator: String!) { ranking(indicator: $indicator) { totalCount indicator { name } } }`;

describeOnServer('reference rows held in process (DATABASE_URL: notifications)', () => {
  const t = heldAndPlain();
  let editor: string;
  beforeAll(async () => {
    editor = `Bearer ${(await createApiKey(t.db.dataSource, { name: 'editor', role: Role.EDITOR })).key}`;
  });

  it('sends 1 / 1 / 1 / 1 / 1 statements for the peer scenarios once the rows are held, with the same answers', async () => {
    const counts: Record<string, number> = {};
    const uncachedCounts: Record<string, number> = {};
    for (const scenario of await peerScenarios(t.db.dataSource)) {
      for (const { rightsgraph: op } of scenario.variants) {
        await t.cached.run(op.query, op.variables); // fills the cache
        const warm = await t.cached.run(op.query, op.variables);
        counts[scenario.name] = Math.max(counts[scenario.name] ?? 0, warm.statements.length);
        const read = await t.uncached.run(op.query, op.variables);
        expect(warm.result).toEqual(read.result);
        uncachedCounts[scenario.name] = Math.max(uncachedCounts[scenario.name] ?? 0, read.statements.length);
      }
    }
    // point: the city; dashboard: the cities with their series (nestedSeries.ts); ranking: its page's cities (the
    // ranking is held too, src/cache/rankingCache.ts); statistics: the aggregate; compare: the
    // series with their cities.
    expect(counts).toEqual({ point: 1, dashboard: 1, ranking: 1, statistics: 1, compare: 1 });
    // Holding nothing, the series are read by their loader after the page, the indicator per request (the citation, which would read the
    // newest release and the sources, is not selected by any of them), and the ranking with
    // its page's cities.
    expect(uncachedCounts).toEqual({ point: 1, dashboard: 2, ranking: 2, statistics: 2, compare: 2 });
  });

  it("plans only the indicator's partition of observation for the nested series once the indicator is held", async () => {
    const nested = `query($indicator: String!) {
      cities(first: 50) { edges { node { slug
        observations(indicator: $indicator, yearFrom: 2000) { year value }
        latest(indicator: $indicator) { year value } } } }
    }`;
    const variables = { indicator: 'homicide-rate' };
    const [{ id }] = await t.db.dataSource.query(`SELECT id FROM indicator WHERE code = $1`, [variables.indicator]);
    const own = await partitionsAdmitting(t.db.dataSource, id);
    expect(own).toHaveLength(1);

    await t.cached.run(nested, variables); // holds the indicator
    let held: Awaited<ReturnType<Harness['run']>> | undefined;
    const heldSent = await statementsSent(t.db.dataSource, async () => (held = await t.cached.run(nested, variables)));
    let plain: Awaited<ReturnType<Harness['run']>> | undefined;
    const plainSent = await statementsSent(t.plain, async () => (plain = await t.uncached.run(nested, variables)));
    expect(held!.result).toEqual(plain!.result);
    const values = data(held!.result).cities.edges.flatMap(
      (e: { node: { observations: unknown[] } }) => e.node.observations,
    );
    expect(values.length).toBeGreaterThan(0);
    // Both read only that partition when they run; only the held ids let the planner drop the others.
    expect(await observationPartitions(t.db.dataSource, heldSent, 'planned')).toEqual(own);
    expect(await observationPartitions(t.db.dataSource, heldSent, 'read')).toEqual(own);
    expect((await observationPartitions(t.db.dataSource, plainSent, 'planned')).length).toBeGreaterThan(1);
    expect(await observationPartitions(t.db.dataSource, plainSent, 'read')).toEqual(own);
  });

  it('serves a cited answer from the held release and sources too', async () => {
    const cited = `query { ranking(indicator: "homicide-rate", year: 2015) { totalCount citation { text release { id } } } }`;
    const first = await t.cached.run(cited);
    const again = await t.cached.run(cited);
    // None: the indicator, the newest release and the sources are held, and the ranking too.
    expect(again.statements).toEqual([]);
    expect(again.result).toEqual(first.result);
    expect(again.result).toEqual((await t.uncached.run(cited)).result);
  });

  it('sees a new indicator written through another connection at once, and still explains unknown codes', async () => {
    const before = await t.cached.run(RANKING, { indicator: 'noise-complaints' });
    expect(before.result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await t.other.query(
      `INSERT INTO indicator (code, name, unit, direction, kind) VALUES ('noise-complaints', 'Noise complaints', 'per 1,000', 'LOWER_IS_BETTER', 'OUTCOME')`,
    );
    // No waiting for the notification: a code the cache does not hold is read from the database.
    const after = await t.cached.run(RANKING, { indicator: 'noise-complaints' });
    expect(data(after.result).ranking).toEqual({ totalCount: 0, indicator: { name: 'Noise complaints' } });

    const typo = await t.cached.run(RANKING, { indicator: 'homicide-rat' });
    expect(typo.result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'indicator',
      suggestions: expect.arrayContaining(['homicide-rate']),
    });
  });

  it('sees an indicator changed through another connection once the notification arrives', async () => {
    const name = async () =>
      data((await t.cached.run(RANKING, { indicator: 'homicide-rate' })).result).ranking.indicator.name;
    const original = await name();
    await t.other.query(`UPDATE indicator SET name = 'Homicides per 100,000' WHERE code = 'homicide-rate'`);
    await until(async () => (await name()) === 'Homicides per 100,000', 'the changed name');
    await t.other.query(`UPDATE indicator SET name = $1 WHERE code = 'homicide-rate'`, [original]);
    await until(async () => (await name()) === original, 'the name back');
  });

  it('cites a release written through another connection once the notification arrives', async () => {
    const cited = async () =>
      Number(
        data((await t.cached.run(STATISTICS_CITED, { indicator: 'homicide-rate' })).result).statistics.citation.release
          .id,
      );
    const newestBefore = await cited();
    const [{ id }] = await t.other.query(`INSERT INTO release (description) VALUES ('another writer') RETURNING id`);
    expect(id).toBeGreaterThan(newestBefore);
    await until(async () => (await cited()) === id, 'the new release to be cited');
  });

  it('sees what a mutation through this server wrote in the very next request', async () => {
    const warm = await t.cached.run(RANKING, { indicator: 'violent-crime-rate' });
    const before = data(warm.result).ranking.indicator.name as string;
    const updated = await t.cached.run(
      `mutation($input: IndicatorInput!) { updateIndicator(code: "violent-crime-rate", input: $input) { name } }`,
      {
        input: {
          code: 'violent-crime-rate',
          name: `${before} (renamed)`,
          unit: 'per 100,000',
          direction: 'LOWER_IS_BETTER',
          kind: 'OUTCOME',
        },
      },
      editor,
    );
    expect(data(updated.result).updateIndicator.name).toBe(`${before} (renamed)`);
    const after = await t.cached.run(RANKING, { indicator: 'violent-crime-rate' });
    expect(data(after.result).ranking.indicator.name).toBe(`${before} (renamed)`);

    const [city] = await t.db.dataSource.query(`SELECT id FROM city ORDER BY id LIMIT 1`);
    const [network] = await t.db.dataSource.query(`SELECT code FROM network ORDER BY id LIMIT 1`);
    const [{ max }] = await t.db.dataSource.query(`SELECT max(id) AS max FROM release`);
    await t.cached.run(STATISTICS_CITED, { indicator: 'homicide-rate' });
    const joined = await t.cached.run(
      `mutation($network: String!, $cityId: ID!) { addNetworkMember(network: $network, cityId: $cityId, joinedYear: 2001) { code } }`,
      { network: network.code, cityId: String(city.id) },
      editor,
    );
    expect(joined.result.errors).toBeUndefined();
    const cited = await t.cached.run(STATISTICS_CITED, { indicator: 'homicide-rate' });
    expect(Number(data(cited.result).statistics.citation.release.id)).toBeGreaterThan(Number(max));
  });

  it('reads every time while it cannot hear of changes, and holds rows again once it can', async () => {
    const op = { query: RANKING, variables: { indicator: 'homicide-rate' } };
    const held = async () => {
      await t.cached.run(op.query, op.variables);
      return (await t.cached.run(op.query, op.variables)).statements.length === 0;
    };
    // The notifications of the writes above may still be on their way.
    await until(held, 'the rows to be held');
    await t.db.dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = 'rightsgraph cache listener' AND datname = current_database()`,
    );
    // The indicator and the ranking, read again.
    await until(
      async () => (await t.cached.run(op.query, op.variables)).statements.length === 2,
      'the cache to be bypassed',
    );
    await until(held, 'the listener to reconnect');
  });
});
