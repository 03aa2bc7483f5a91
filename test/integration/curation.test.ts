import { createHash } from 'node:crypto';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey, revokeApiKey } from '../../src/modules/auth/apiKeys';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

let t: TestServer;
const keys: Record<'reader' | 'editor' | 'revoked', string> = { reader: '', editor: '', revoked: '' };
const as = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  t = await createTestServer();
  keys.reader = (await createApiKey(t.db.dataSource, { name: 'reader', role: Role.READER })).key;
  keys.editor = (await createApiKey(t.db.dataSource, { name: 'editor', role: Role.EDITOR })).key;
  const revoked = await createApiKey(t.db.dataSource, { name: 'gone', role: Role.ADMIN });
  keys.revoked = revoked.key;
  await revokeApiKey(t.db.dataSource, revoked.apiKey.prefix);
});
afterAll(async () => {
  await t.close();
});

/** Every mutation, with arguments valid enough to reach the role check. */
const MUTATIONS = [
  `mutation { createCity(input: { name: "X", countryCode: "US" }) { id } }`,
  `mutation { updateCity(id: "1", input: { name: "X" }) { id } }`,
  `mutation { createIndicator(input: { code: "x", name: "X", unit: "%", direction: NEUTRAL, kind: OUTCOME }) { id } }`,
  `mutation { updateIndicator(code: "population", input: { code: "population", name: "X", unit: "%", direction: NEUTRAL, kind: OUTCOME }) { id } }`,
  `mutation { createSource(input: { publisher: "P", title: "T", citation: "C" }) { id } }`,
  `mutation { updateSource(id: "1", input: { publisher: "P", title: "T", citation: "C" }) { id } }`,
  `mutation { createNetwork(input: { code: "n", name: "N" }) { id } }`,
  `mutation { updateNetwork(code: "cities-for-cedaw", input: { code: "n", name: "N" }) { id } }`,
  `mutation { addNetworkMember(network: "cities-for-cedaw", cityId: "1") { id } }`,
  `mutation { removeNetworkMember(network: "cities-for-cedaw", cityId: "1") }`,
  `mutation { createCommitment(input: { cityId: "1", kind: ORDINANCE, title: "T", status: ADOPTED }) { id } }`,
  `mutation { updateCommitment(id: "1", input: { cityId: "1", kind: ORDINANCE, title: "T", status: ADOPTED }) { id } }`,
  `mutation { deleteCommitment(id: "1") }`,
];

describe('API keys and roles', () => {
  it('stores only a SHA-256 of each key', async () => {
    const rows: { prefix: string; key_hash: string }[] = await t.db.dataSource.query(
      `SELECT prefix, key_hash FROM api_key`,
    );
    const dump = JSON.stringify(await t.db.dataSource.query(`SELECT * FROM api_key`));
    for (const key of Object.values(keys)) {
      expect(dump).not.toContain(key);
      // The secret part (base64url, so it may itself contain '_') follows 'rg_<8-char prefix>_'.
      expect(dump).not.toContain(key.slice('rg_12345678_'.length));
      const row = rows.find((r) => key.startsWith(`rg_${r.prefix}_`));
      expect(row?.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    }
  });

  it('refuses every mutation without a key, with a malformed or unknown key, a reader key or a revoked key', async () => {
    const unknown = `${keys.editor.slice(0, 'rg_12345678_'.length)}${'A'.repeat(43)}`;
    for (const mutation of MUTATIONS) {
      expect(errorCodes(await t.query(mutation))).toEqual(['UNAUTHENTICATED']);
      expect(errorCodes(await t.query(mutation, {}, { authorization: 'Bearer nonsense' }))).toEqual([
        'UNAUTHENTICATED',
      ]);
      expect(errorCodes(await t.query(mutation, {}, as(unknown)))).toEqual(['UNAUTHENTICATED']);
      expect(errorCodes(await t.query(mutation, {}, as(keys.reader)))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await t.query(mutation, {}, as(keys.revoked)))).toEqual(['FORBIDDEN']);
    }
  });

  it('lets anyone read without a key', async () => {
    expect(dataOf<{ city: { name: string } }>(await t.query(`{ city(slug: "graz-at") { name } }`)).city.name).toBe(
      'Graz',
    );
  });
});

describe('curator mutations', () => {
  const editor = () => as(keys.editor);

  it('creates a city with alternate names that search then finds, and updates it', async () => {
    const created = dataOf<{ createCity: { id: string; slug: string; asciiName: string; country: { code: string } } }>(
      await t.query(
        `mutation($input: CreateCityInput!) { createCity(input: $input) { id slug asciiName country { code } } }`,
        {
          input: {
            name: 'Linz',
            countryCode: 'at',
            region: 'Upper Austria',
            alternateNames: ['Linec'],
            latitude: 48.31,
            longitude: 14.29,
          },
        },
        editor(),
      ),
    ).createCity;
    expect(created).toMatchObject({ slug: 'linz-at', asciiName: 'Linz', country: { code: 'AT' } });
    const found = dataOf<{ cities: { edges: { node: { slug: string } }[] } }>(
      await t.query(`{ cities(filter: { search: "linec" }) { edges { node { slug } } } }`),
    );
    expect(found.cities.edges.map((e) => e.node.slug)).toEqual(['linz-at']);
    const updated = dataOf<{ updateCity: { name: string; alternateNames: string[]; region: string } }>(
      await t.query(
        `mutation($id: ID!) { updateCity(id: $id, input: { alternateNames: ["Linec", "Lentia"] }) { name alternateNames region } }`,
        { id: created.id },
        editor(),
      ),
    ).updateCity;
    expect(updated).toEqual({ name: 'Linz', alternateNames: ['Linec', 'Lentia'], region: 'Upper Austria' });
  });

  it('answers bad city input with BAD_USER_INPUT naming the field, and an unknown city with NOT_FOUND', async () => {
    const invalid = await t.query(
      `mutation { createCity(input: { name: "", countryCode: "USA", latitude: 91 }) { id } }`,
      {},
      editor(),
    );
    expect(errorCodes(invalid)).toEqual(['BAD_USER_INPUT']);
    const fields = (invalid.errors?.[0].extensions?.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['countryCode', 'latitude', 'name']);
    const unknownCountry = await t.query(
      `mutation { createCity(input: { name: "Paris", countryCode: "ZZ" }) { id } }`,
      {},
      editor(),
    );
    expect(errorCodes(unknownCountry)).toEqual(['BAD_USER_INPUT']);
    expect(unknownCountry.errors?.[0].message).toContain('"ZZ"');
    const taken = await t.query(
      `mutation { createCity(input: { name: "Graz", countryCode: "AT" }) { id } }`,
      {},
      editor(),
    );
    expect(errorCodes(taken)).toEqual(['BAD_USER_INPUT']);
    expect(taken.errors?.[0].message).toContain('graz-at');
    expect(
      errorCodes(await t.query(`mutation { updateCity(id: "999999", input: { name: "X" }) { id } }`, {}, editor())),
    ).toEqual(['NOT_FOUND']);
  });

  it('creates and redefines an indicator with the rights it measures', async () => {
    const input = {
      code: 'shelter-beds',
      name: 'Shelter beds',
      unit: 'per 10k',
      direction: 'HIGHER_IS_BETTER',
      kind: 'PROCESS',
      rightCodes: ['housing'],
    };
    const created = dataOf<{ createIndicator: { code: string; rights: { code: string }[] } }>(
      await t.query(
        `mutation($input: IndicatorInput!) { createIndicator(input: $input) { code rights { code } } }`,
        { input },
        editor(),
      ),
    );
    expect(created.createIndicator).toEqual({ code: 'shelter-beds', rights: [{ code: 'housing' }] });
    const updated = dataOf<{ updateIndicator: { name: string; rights: { code: string }[] } }>(
      await t.query(
        `mutation($input: IndicatorInput!) { updateIndicator(code: "shelter-beds", input: $input) { name rights { code } } }`,
        { input: { ...input, name: 'Emergency shelter beds', rightCodes: ['housing', 'health'] } },
        editor(),
      ),
    );
    expect(updated.updateIndicator).toEqual({
      name: 'Emergency shelter beds',
      rights: [{ code: 'health' }, { code: 'housing' }],
    });
    const badRight = await t.query(
      `mutation($input: IndicatorInput!) { createIndicator(input: $input) { code } }`,
      { input: { ...input, code: 'other', rightCodes: ['happiness'] } },
      editor(),
    );
    expect(errorCodes(badRight)).toEqual(['BAD_USER_INPUT']);
    const badCode = await t.query(
      `mutation($input: IndicatorInput!) { createIndicator(input: $input) { code } }`,
      { input: { ...input, code: 'Bad Code' } },
      editor(),
    );
    expect(errorCodes(badCode)).toEqual(['BAD_USER_INPUT']);
  });

  it('manages sources and network memberships', async () => {
    const source = dataOf<{ createSource: { id: string } }>(
      await t.query(
        `mutation { createSource(input: { publisher: "P", title: "A test source", url: "https://example.org", citation: "P. A test source." }) { id } }`,
        {},
        editor(),
      ),
    ).createSource;
    const updated = dataOf<{ updateSource: { license: string } }>(
      await t.query(
        `mutation($id: ID!) { updateSource(id: $id, input: { publisher: "P", title: "A test source", license: "CC-BY-4.0", citation: "P." }) { license } }`,
        { id: source.id },
        editor(),
      ),
    );
    expect(updated.updateSource.license).toBe('CC-BY-4.0');
    expect(
      errorCodes(
        await t.query(
          `mutation { createSource(input: { publisher: "P", title: "T2", url: "javascript:alert(1)", citation: "C" }) { id } }`,
          {},
          editor(),
        ),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    const [{ id: graz }] = await t.db.dataSource.query(`SELECT id FROM city WHERE slug = 'graz-at'`);
    await t.query(
      `mutation($city: ID!) { addNetworkMember(network: "european-cities-for-human-rights", cityId: $city, joinedYear: 2001) { code } }`,
      { city: String(graz) },
      editor(),
    );
    const members = async () =>
      dataOf<{ city: { memberships: { joinedYear: number; network: { code: string } }[] } }>(
        await t.query(`{ city(slug: "graz-at") { memberships { joinedYear network { code } } } }`),
      ).city.memberships;
    expect(await members()).toEqual([{ joinedYear: 2001, network: { code: 'european-cities-for-human-rights' } }]);
    const removed = dataOf<{ removeNetworkMember: boolean }>(
      await t.query(
        `mutation($city: ID!) { removeNetworkMember(network: "european-cities-for-human-rights", cityId: $city) }`,
        { city: String(graz) },
        editor(),
      ),
    );
    expect(removed.removeNetworkMember).toBe(true);
    expect(await members()).toEqual([]);
  });

  it('records a commitment and its status change, with date precision', async () => {
    const [{ id: york }] = await t.db.dataSource.query(`SELECT id FROM city WHERE slug = 'york-gb'`);
    const input = {
      cityId: String(york),
      instrumentCode: 'CEDAW',
      kind: 'RESOLUTION',
      title: 'Test resolution',
      adoptedOn: '2019-03',
      status: 'PROPOSED',
      rightCodes: ['gender-equality'],
    };
    const created = dataOf<{
      createCommitment: {
        id: string;
        adoptedOn: string;
        status: string;
        instrument: { code: string };
        rights: { code: string }[];
      };
    }>(
      await t.query(
        `mutation($input: CommitmentInput!) { createCommitment(input: $input) { id adoptedOn status instrument { code } rights { code } } }`,
        { input },
        editor(),
      ),
    ).createCommitment;
    expect(created).toMatchObject({
      adoptedOn: '2019-03',
      status: 'PROPOSED',
      instrument: { code: 'CEDAW' },
      rights: [{ code: 'gender-equality' }],
    });
    const adopted = dataOf<{ updateCommitment: { status: string; adoptedOn: string } }>(
      await t.query(
        `mutation($id: ID!, $input: CommitmentInput!) { updateCommitment(id: $id, input: $input) { status adoptedOn } }`,
        { id: created.id, input: { ...input, status: 'ADOPTED', adoptedOn: '2019-03-12' } },
        editor(),
      ),
    ).updateCommitment;
    expect(adopted).toEqual({ status: 'ADOPTED', adoptedOn: '2019-03-12' });
    for (const bad of [
      { adoptedOn: '2019-02-30' },
      { instrumentCode: 'NOPE' },
      { cityId: '999999' },
      { adoptedOn: 'March 2019' },
    ]) {
      expect(
        errorCodes(
          await t.query(
            `mutation($input: CommitmentInput!) { createCommitment(input: $input) { id } }`,
            { input: { ...input, ...bad } },
            editor(),
          ),
        ),
      ).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('retracts a commitment in a release, answers its id, and NOT_FOUND for an unknown one', async () => {
    const count = async (table: 'commitment' | 'commitment_right', where = 'true') =>
      Number((await t.db.dataSource.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`))[0].n);
    const current = `superseded_in_release_id IS NULL`;
    const [{ id: graz }] = await t.db.dataSource.query(`SELECT id FROM city WHERE slug = 'graz-at'`);
    const [{ id: earlier }] = await t.db.dataSource.query('SELECT max(id) AS id FROM release');
    const before = { commitments: await count('commitment', current), rows: await count('commitment') };
    const { id } = dataOf<{ createCommitment: { id: string } }>(
      await t.query(
        `mutation($input: CommitmentInput!) { createCommitment(input: $input) { id } }`,
        {
          input: {
            cityId: String(graz),
            kind: 'RESOLUTION',
            title: 'To be retracted',
            status: 'PROPOSED',
            rightCodes: ['gender-equality', 'work'],
          },
        },
        editor(),
      ),
    ).createCommitment;
    expect(await count('commitment', current)).toBe(before.commitments + 1);
    expect(await count('commitment_right', `commitment_id = ${Number(id)}`)).toBe(2);
    const [{ id: created }] = await t.db.dataSource.query('SELECT max(id) AS id FROM release');

    const deleted = `mutation($id: ID!) { deleteCommitment(id: $id) }`;
    expect(dataOf<{ deleteCommitment: string }>(await t.query(deleted, { id }, editor())).deleteCommitment).toBe(id);
    // Retracted, not erased: the row stays with its rights, stamped by the next release.
    expect(await count('commitment', current)).toBe(before.commitments);
    expect(await count('commitment')).toBe(before.rows + 1);
    expect(await count('commitment_right', `commitment_id = ${Number(id)}`)).toBe(2);
    expect(
      await t.db.dataSource.query(`SELECT superseded_in_release_id AS s FROM commitment WHERE id = $1`, [id]),
    ).toEqual(await t.db.dataSource.query('SELECT id AS s FROM release WHERE id > $1', [created]));
    const titles = async (asOf: number | null) =>
      dataOf<{ city: { commitments: { title: string }[] } }>(
        await t.query(`query($asOf: ID) { city(slug: "graz-at") { commitments(asOf: $asOf) { title } } }`, {
          asOf: asOf === null ? null : String(asOf),
        }),
      ).city.commitments.map((c) => c.title);
    expect(await titles(null)).not.toContain('To be retracted');
    expect(await titles(created)).toContain('To be retracted');
    expect(await titles(earlier)).not.toContain('To be retracted');

    // Gone is gone: a second delete, an id never used and one beyond the int range are NOT_FOUND.
    for (const missing of [id, '999999']) {
      const result = await t.query(deleted, { id: missing }, editor());
      expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    }
    // Not an id at all: ids are Postgres ints (docs/api.md).
    for (const bad of ['abc', '99999999999']) {
      expect(errorCodes(await t.query(deleted, { id: bad }, editor()))).toEqual(['BAD_USER_INPUT']);
    }
    expect(await count('commitment', current)).toBe(before.commitments);
  });
});
