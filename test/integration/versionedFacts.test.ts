import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { RatificationStatus } from '../../src/modules/country/ratification.entity';
import { mergeRatificationFacts } from '../../src/db/mergeRatificationFacts';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

/**
 * Issue 14 item 6: commitments, ratifications and network memberships are versioned by release,
 * so an answer as of a release never changes after publication. Each test records the answer as
 * of the newest release R, changes a fact (which opens release R + 1), and checks that the answer
 * as of R is the same, citation hash included, while the newest answer moved as the change says.
 */
let t: TestServer;
let editor: { authorization: string };

beforeAll(async () => {
  t = await createTestServer();
  editor = { authorization: `Bearer ${(await createApiKey(t.db.dataSource, { name: 'e', role: Role.EDITOR })).key}` };
});
afterAll(async () => {
  await t.close();
});

const newestRelease = async (): Promise<number> =>
  Number((await t.db.dataSource.query('SELECT max(id) AS id FROM release'))[0].id);
/**
 * The release a change just opened: newer than `after`, and the only one since (release ids are
 * not dense on the embedded database: its sequences may jump after a restore).
 */
const openedAfter = async (after: number): Promise<number> => {
  const rows: { id: number }[] = await t.db.dataSource.query('SELECT id FROM release WHERE id > $1', [after]);
  expect(rows).toHaveLength(1);
  return Number(rows[0].id);
};
const cityId = async (slug: string): Promise<string> =>
  String((await t.db.dataSource.query('SELECT id FROM city WHERE slug = $1', [slug]))[0].id);

interface Impact {
  adopters: { city: { slug: string }; adoptionYear: number | null }[];
  nAdopters: number;
  differenceInDifferences: number | null;
  citation: { text: string; queryHash: string; release: { id: string } };
}
const IMPACT = `query($asOf: ID) {
  commitmentImpact(instrument: "HRC", indicator: "homicide-rate", window: 3, filter: { countryCodes: ["US"] }, asOf: $asOf) {
    adopters { city { slug } adoptionYear }
    nAdopters differenceInDifferences
    citation { text queryHash release { id } }
  }
}`;
const impact = async (asOf: number | null): Promise<Impact> =>
  dataOf<{ commitmentImpact: Impact }>(await t.query(IMPACT, { asOf: asOf === null ? null : String(asOf) }))
    .commitmentImpact;

describe('facts versioned by release', () => {
  it('a commitment added after release R changes neither commitmentImpact(asOf: R) nor its hash', async () => {
    const r = await newestRelease();
    const before = await impact(r);
    expect(before.citation.release.id).toBe(String(r));
    const adopters = before.adopters.map((a) => a.city.slug);
    expect(adopters).toContain('pittsburgh-us'); // seeds/commitments.ts: declared 2011
    // A US city with homicide rates that has made no declaration (seeds/observations.ts).
    const rows: { slug: string }[] = await t.db.dataSource.query(
      `SELECT DISTINCT c.slug FROM city c JOIN observation o ON o.city_id = c.id
       JOIN indicator i ON i.id = o.indicator_id
       WHERE c.country_code = 'US' AND i.code = 'homicide-rate' AND NOT (c.slug = ANY($1))
       ORDER BY c.slug LIMIT 1`,
      [adopters],
    );
    const newcomer = rows[0].slug;
    const declaration = async (status: string) => ({
      cityId: await cityId(newcomer),
      instrumentCode: 'HRC',
      kind: 'DECLARATION',
      title: 'Human rights city declaration (test)',
      status,
      adoptedOn: '2012-06',
    });
    const UPDATE = `mutation($id: ID!, $input: CommitmentInput!) { updateCommitment(id: $id, input: $input) { id status } }`;

    const created = dataOf<{ createCommitment: { id: string } }>(
      await t.query(
        `mutation($input: CommitmentInput!) { createCommitment(input: $input) { id } }`,
        { input: await declaration('ADOPTED') },
        editor,
      ),
    ).createCommitment;
    const r1 = await openedAfter(r);

    expect(await impact(r)).toEqual(before);
    const newest = await impact(null);
    const after = await impact(r1);
    expect({ ...newest, citation: null }).toEqual({ ...after, citation: null });
    expect(after.citation.release.id).toBe(String(r1));
    expect(after.citation.queryHash).not.toBe(before.citation.queryHash);
    expect(after.adopters.map((a) => a.city.slug).sort()).toEqual([...adopters, newcomer].sort());
    expect(after.adopters.find((a) => a.city.slug === newcomer)?.adoptionYear).toBe(2012);

    // A status change is a new version with the same id: as of R + 1 the city still adopted.
    const updated = dataOf<{ updateCommitment: { id: string; status: string } }>(
      await t.query(UPDATE, { id: created.id, input: await declaration('REPEALED') }, editor),
    ).updateCommitment;
    expect(updated).toEqual({ id: created.id, status: 'REPEALED' });
    const r2 = await openedAfter(r1);
    expect(await impact(r1)).toEqual(after);
    expect((await impact(null)).adopters.map((a) => a.city.slug).sort()).toEqual([...adopters].sort());

    const statuses = async (asOf: number | null) =>
      dataOf<{ commitments: { edges: { node: { id: string; status: string } }[] } }>(
        await t.query(
          `query($asOf: ID) { commitments(asOf: $asOf, first: 100, filter: { instrumentCodes: ["HRC"] }) {
             edges { node { id status } } } }`,
          { asOf: asOf === null ? null : String(asOf) },
        ),
      ).commitments.edges.filter((e) => e.node.id === created.id);
    expect(await statuses(r)).toEqual([]);
    expect(await statuses(r1)).toEqual([{ node: { id: created.id, status: 'ADOPTED' } }]);
    expect(await statuses(null)).toEqual([{ node: { id: created.id, status: 'REPEALED' } }]);

    // The same update again records nothing: no release for no change.
    await t.query(UPDATE, { id: created.id, input: await declaration('REPEALED') }, editor);
    expect(await newestRelease()).toBe(r2);
  });

  it('a network member removed after release R is still in the network as of R', async () => {
    // The demo seeds no memberships (none is sourced): two cities with a homicide rate in the
    // same year join a network through the curator mutation, each in a release of its own.
    const joined: { slug: string }[] = await t.db.dataSource.query(
      `SELECT c.slug FROM city c JOIN observation o ON o.city_id = c.id
       JOIN indicator i ON i.id = o.indicator_id AND i.code = 'homicide-rate'
       WHERE o.year = 2015 ORDER BY c.slug LIMIT 2`,
    );
    const network = 'us-hrc-alliance';
    const year = 2015;
    const join = async (slug: string) =>
      dataOf<{ addNetworkMember: { code: string } }>(
        await t.query(
          `mutation($city: ID!, $network: String!) { addNetworkMember(network: $network, cityId: $city, joinedYear: 2016) { code } }`,
          { city: await cityId(slug), network },
          editor,
        ),
      );
    const r0 = await newestRelease();
    for (const { slug } of joined) await join(slug);
    const r = await newestRelease();
    // Joining again with the same year changes nothing and records nothing.
    await join(joined[0].slug);
    expect(await newestRelease()).toBe(r);

    const GROUPS = `query($asOf: ID, $year: Int!) {
      statistics(indicator: "homicide-rate", year: $year, groupBy: NETWORK, asOf: $asOf) {
        groups { key cities { slug } }
      }
    }`;
    const members = async (asOf: number | null) =>
      dataOf<{ statistics: { groups: { key: string; cities: { slug: string }[] }[] } }>(
        await t.query(GROUPS, { asOf: asOf === null ? null : String(asOf), year }),
      )
        .statistics.groups.find((g) => g.key === network)
        ?.cities.map((c) => c.slug)
        .sort() ?? [];
    const filtered = async (asOf: number | null) =>
      dataOf<{ ranking: { totalCount: number } }>(
        await t.query(
          `query($asOf: ID, $year: Int!, $network: String!) {
             ranking(indicator: "homicide-rate", year: $year, filter: { networkCodes: [$network] }, asOf: $asOf) { totalCount }
           }`,
          { asOf: asOf === null ? null : String(asOf), year, network },
        ),
      ).ranking.totalCount;
    const before = await members(r);
    expect(before).toEqual(joined.map((j) => j.slug));
    expect(await members(r0)).toEqual([]);
    const countBefore = await filtered(r);
    expect(countBefore).toBe(before.length);
    const leaving = before[0];

    const removed = await t.query(
      `mutation($city: ID!, $network: String!) { removeNetworkMember(network: $network, cityId: $city) }`,
      { city: await cityId(leaving), network },
      editor,
    );
    expect((dataOf(removed) as { removeNetworkMember: boolean }).removeNetworkMember).toBe(true);
    const r1 = await openedAfter(r);

    expect(await members(r)).toEqual(before);
    expect(await filtered(r)).toBe(countBefore);
    expect(await members(null)).toEqual(before.slice(1));
    expect(await filtered(null)).toBe(countBefore - 1);
    // The city's own list shows the current memberships only.
    const networks = dataOf<{ city: { networks: { code: string }[] } }>(
      await t.query(`query($slug: String!) { city(slug: $slug) { networks { code } } }`, { slug: leaving }),
    ).city.networks.map((n) => n.code);
    expect(networks).not.toContain(network);

    // Joining again is a new version; removing a city that is not a member records nothing.
    await t.query(
      `mutation($city: ID!, $network: String!) { addNetworkMember(network: $network, cityId: $city, joinedYear: 2020) { code } }`,
      { city: await cityId(leaving), network },
      editor,
    );
    expect(await members(null)).toEqual(before);
    expect(await members(r1)).toEqual(before.slice(1));
    const r2 = await openedAfter(r1);
    const [{ code: other }] = await t.db.dataSource.query(
      `SELECT code FROM network WHERE id NOT IN (
         SELECT network_id FROM network_membership WHERE city_id = $1 AND superseded_in_release_id IS NULL)
       ORDER BY code LIMIT 1`,
      [await cityId(leaving)],
    );
    const again = await t.query(
      `mutation($city: ID!, $network: String!) { removeNetworkMember(network: $network, cityId: $city) }`,
      { city: await cityId(leaving), network: other },
      editor,
    );
    expect((dataOf(again) as { removeNetworkMember: boolean }).removeNetworkMember).toBe(false);
    expect(await newestRelease()).toBe(r2);
  });

  it('a newer national status opens a release; CityFilter as of R reads the status R had', async () => {
    const r = await newestRelease();
    const CEDAW_WITHOUT_PARTY = `query($asOf: ID) {
      ranking(indicator: "homicide-rate", year: 2015, filter: { localCommitmentWithoutNationalRatification: "CEDAW" }, asOf: $asOf) {
        totalCount
      }
    }`;
    const count = async (asOf: number | null) =>
      dataOf<{ ranking: { totalCount: number } }>(
        await t.query(CEDAW_WITHOUT_PARTY, { asOf: asOf === null ? null : String(asOf) }),
      ).ranking.totalCount;
    const before = await count(r);
    expect(before).toBeGreaterThan(0); // US cities with CEDAW ordinances (seeds/commitments.ts)

    const [{ id: sourceId }] = await t.db.dataSource.query(
      `INSERT INTO source (publisher, title, citation) VALUES ('Test', 'A hypothetical 2030 status', 'Test') RETURNING id`,
    );
    const written = await t.db.dataSource.transaction((m) =>
      mergeRatificationFacts(
        m,
        [
          {
            countryCode: 'US',
            instrumentCode: 'CEDAW',
            status: RatificationStatus.RATIFIED,
            year: 2030,
            date: null,
            signedYear: 1980,
          },
        ],
        sourceId,
        '2030-01-01',
      ),
    );
    expect(written).toBeGreaterThan(0);
    const r1 = await openedAfter(r);
    expect(await count(r)).toBe(before);
    expect(await count(null)).toBe(0);

    const versions: { status: string; release_id: number | null; superseded_in_release_id: number | null }[] =
      await t.db.dataSource.query(
        `SELECT r.status, r.release_id, r.superseded_in_release_id FROM ratification r
         JOIN instrument i ON i.id = r.instrument_id WHERE r.country_code = 'US' AND i.code = 'CEDAW' ORDER BY r.id`,
      );
    expect(versions).toEqual([
      { status: 'SIGNED', release_id: null, superseded_in_release_id: r1 },
      { status: 'RATIFIED', release_id: r1, superseded_in_release_id: null },
    ]);
    const current = dataOf<{ country: { ratifications: { instrument: { code: string }; status: string }[] } }>(
      await t.query(`{ country(code: "US") { ratifications { instrument { code } status } } }`),
    ).country.ratifications.filter((x) => x.instrument.code === 'CEDAW');
    expect(current).toEqual([{ instrument: { code: 'CEDAW' }, status: 'RATIFIED' }]);
  });

  it('refuses an unknown release in the new asOf arguments', async () => {
    const result = await t.query(`{ commitments(asOf: "999999", first: 1) { totalCount } }`);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    const nested = await t.query(`{ city(slug: "pittsburgh-us") { commitments(asOf: "999999") { title } } }`);
    expect(errorCodes(nested)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('the AddReleaseVersionedFacts migration on a populated database', () => {
  it('reverts to the previous schema while no version was superseded, and refuses once one was', async () => {
    const fresh = await createTestServer();
    try {
      const q = (sql: string) => fresh.db.dataSource.query(sql);
      const snapshot = async () => ({
        commitments: await q('SELECT id, city_id, title, status FROM commitment ORDER BY id'),
        memberships: await q('SELECT network_id, city_id, joined_year FROM network_membership ORDER BY 1, 2'),
        ratifications: await q('SELECT country_code, instrument_id, status FROM ratification ORDER BY 1, 2'),
      });
      const before = await snapshot();
      expect(before.commitments.length).toBeGreaterThan(0);
      const last = async () =>
        (await q('SELECT name FROM typeorm_migrations ORDER BY id DESC LIMIT 1'))[0].name as string;
      // Migrations added after it are undone first (they change no versioned table).
      const undoLaterMigrations = async () => {
        for (let later = 0; later < 10 && !/^AddReleaseVersionedFacts/.test(await last()); later += 1) {
          await fresh.db.dataSource.undoLastMigration({ transaction: 'each' });
        }
      };
      await undoLaterMigrations();
      expect(await last()).toMatch(/^AddReleaseVersionedFacts/);

      await fresh.db.dataSource.undoLastMigration({ transaction: 'each' });
      expect(await last()).not.toMatch(/^AddReleaseVersionedFacts/);
      expect(
        await q(
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'commitment' AND column_name LIKE '%release%'`,
        ),
      ).toEqual([]);
      expect(await snapshot()).toEqual(before);

      await fresh.db.dataSource.runMigrations({ transaction: 'each' });
      expect(await snapshot()).toEqual(before);
      expect(await q('SELECT count(*)::int AS n FROM commitment WHERE lineage_id <> id')).toEqual([{ n: 0 }]);

      // A retraction leaves a superseded version: reverting would delete it, so down refuses
      // and its transaction leaves everything as it was.
      const [{ id: release }] = await q(`INSERT INTO release (description) VALUES ('test') RETURNING id`);
      await q(
        `UPDATE commitment SET superseded_in_release_id = ${Number(release)} WHERE id = ${before.commitments[0].id}`,
      );
      await undoLaterMigrations();
      await expect(fresh.db.dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow(
        /cannot be reverted: 1 superseded versions/,
      );
      expect(await last()).toMatch(/^AddReleaseVersionedFacts/);
      expect((await q('SELECT count(*)::int AS n FROM commitment'))[0].n).toBe(before.commitments.length);
    } finally {
      await fresh.close();
    }
  });
});
