import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

let t: TestServer;
beforeAll(async () => {
  t = await createTestServer();
});
afterAll(async () => {
  await t.close();
});

type CityPage = { cities: { totalCount: number; edges: { cursor: string; node: { slug: string; name: string } }[] } };

async function slugs(filter: Record<string, unknown>): Promise<string[]> {
  const data = dataOf<CityPage>(
    await t.query(
      `query($filter: CityFilter) { cities(filter: $filter, first: 100) { totalCount edges { cursor node { slug name } } } }`,
      {
        filter,
      },
    ),
  );
  expect(data.cities.totalCount).toBe(data.cities.edges.length);
  return data.cities.edges.map((e) => e.node.slug).sort();
}

describe('city lookups', () => {
  it('finds a city by slug and by id, and answers null for an unknown slug', async () => {
    const bySlug = dataOf<{ city: { id: string; name: string; region: string } }>(
      await t.query(`{ city(slug: "louisville-co-us") { id name region } }`),
    );
    expect(bySlug.city).toMatchObject({ name: 'Louisville', region: 'CO' });
    const byId = dataOf<{ city: { slug: string } }>(
      await t.query(`query($id: ID) { city(id: $id) { slug } }`, { id: bySlug.city.id }),
    );
    expect(byId.city.slug).toBe('louisville-co-us');
    expect(dataOf<{ city: null }>(await t.query(`{ city(slug: "atlantis-xx") { id } }`)).city).toBeNull();
  });

  it('rejects a lookup with both or neither of id and slug', async () => {
    expect(errorCodes(await t.query(`{ city { id } }`))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.query(`{ city(id: "1", slug: "graz-at") { id } }`))).toEqual(['BAD_USER_INPUT']);
  });

  it('searches accent- and case-insensitively over names and alternate names', async () => {
    expect(await slugs({ search: 'wien' })).toEqual(['vienna-at']);
    expect(await slugs({ search: 'WIEN' })).toEqual(['vienna-at']);
    expect(await slugs({ search: 'wïen' })).toEqual(['vienna-at']);
    expect(await slugs({ search: 'washington, d.c.' })).toEqual(['washington-us']);
    expect(await slugs({ search: 'louisville' })).toEqual(['louisville-co-us', 'louisville-ky-us']);
  });

  it('treats LIKE wildcards in a search as literal characters', async () => {
    expect(await slugs({ search: '%' })).toEqual([]);
    expect(await slugs({ search: '_' })).toEqual([]);
    expect(await slugs({ search: '\\' })).toEqual([]);
  });

  it('filters by country and by commitments', async () => {
    expect(await slugs({ countryCodes: ['AT'] })).toEqual(['graz-at', 'vienna-at']);
    // Local CEDAW commitments in the fact sheet: Pittsburgh, San Francisco, Toledo, Lafayette,
    // Louisville CO, Greeley.
    expect(await slugs({ hasCommitment: { instrumentCodes: ['CEDAW'] } })).toEqual([
      'greeley-us',
      'lafayette-us',
      'louisville-co-us',
      'pittsburgh-us',
      'san-francisco-us',
      'toledo-us',
    ]);
    // CEDAW ordinances only: Pittsburgh 2016, San Francisco 1998, Toledo 2022.
    expect(await slugs({ hasCommitment: { instrumentCodes: ['CEDAW'], kinds: ['ORDINANCE'] } })).toEqual([
      'pittsburgh-us',
      'san-francisco-us',
      'toledo-us',
    ]);
    // Human-rights-city declarations up to 2010: Rosario 1997, Graz 2001, Washington 2008, Utrecht 2010.
    expect(await slugs({ hasCommitment: { instrumentCodes: ['HRC'], adoptedToYear: 2010 } })).toEqual([
      'graz-at',
      'rosario-ar',
      'utrecht-nl',
      'washington-us',
    ]);
  });

  it('finds several cities by slug', async () => {
    expect(await slugs({ slugs: ['boston-us', 'pittsburgh-us', 'atlantis-xx'] })).toEqual([
      'boston-us',
      'pittsburgh-us',
    ]);
  });

  it('gives the source of a national ratification', async () => {
    const data = dataOf<{
      country: {
        ratifications: { status: string; instrument: { code: string }; source: { publisher: string } | null }[];
      };
    }>(await t.query(`{ country(code: "us") { ratifications { status instrument { code } source { publisher } } } }`));
    const cedaw = data.country.ratifications.find((r) => r.instrument.code === 'CEDAW');
    expect(cedaw?.status).toBe('SIGNED');
    expect(cedaw?.source?.publisher).toMatch(/United Nations/);
  });

  it('pages through all 25 cities with cursors, without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const data: {
        cities: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
          edges: { node: { slug: string } }[];
        };
      } = dataOf(
        await t.query(
          `query($after: String) { cities(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { slug } } } }`,
          { after },
        ),
      );
      expect(data.cities.totalCount).toBe(25);
      seen.push(...data.cities.edges.map((e) => e.node.slug));
      if (!data.cities.pageInfo.hasNextPage) break;
      after = data.cities.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('orders by country then name, descending when asked', async () => {
    const data = dataOf<CityPage>(
      await t.query(
        `{ cities(first: 3, orderBy: { field: COUNTRY, direction: DESC }) { totalCount edges { cursor node { slug name } } } }`,
      ),
    );
    // US cities come last in ascending order, so first in descending order: Washington, Toledo, Seattle.
    expect(data.cities.edges.map((e) => e.node.slug)).toEqual(['washington-us', 'toledo-us', 'seattle-us']);
  });
});

describe('bad input', () => {
  it('rejects a malformed cursor, a page above the maximum and a negative page', async () => {
    for (const query of [
      `{ cities(after: "not a cursor") { totalCount } }`,
      `{ cities(after: "WyJ4Il0") { totalCount } }`,
      `{ cities(first: 101) { totalCount } }`,
      `{ cities(first: -1) { totalCount } }`,
    ]) {
      expect(errorCodes(await t.query(query))).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('rejects a cursor of another ordering', async () => {
    const data = dataOf<CityPage>(
      await t.query(`{ cities(first: 1) { totalCount edges { cursor node { slug name } } } }`),
    );
    const result = await t.query(
      `query($after: String) { cities(first: 1, after: $after, orderBy: { field: SLUG }) { totalCount } }`,
      {
        after: data.cities.edges[0].cursor,
      },
    );
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('names unknown codes in filters instead of answering "no results"', async () => {
    const cases: [string, string][] = [
      [`{ cities(filter: { hasCommitment: { instrumentCodes: ["CEDAW", "CEDAW "] } }) { totalCount } }`, '"CEDAW "'],
      [`{ cities(filter: { countryCodes: ["US", "XX"] }) { totalCount } }`, '"XX"'],
      [`{ cities(filter: { networkCodes: ["nope"] }) { totalCount } }`, '"nope"'],
      [`{ commitments(filter: { rightCodes: ["happiness"] }) { totalCount } }`, '"happiness"'],
      [`{ indicators(filter: { rightCodes: ["happiness"] }) { totalCount } }`, '"happiness"'],
      [`{ observations(filter: { countryCodes: ["XX"] }) { totalCount } }`, '"XX"'],
    ];
    for (const [query, named] of cases) {
      const result = await t.query(query);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].message).toContain(named);
    }
  });

  it('checks the codes of a nested filter once per request, not once per city', async () => {
    const query = `query($first: Int) { cities(first: $first) { edges { node { commitments(filter: { instrumentCodes: ["CEDAW"] }) { title } } } } }`;
    const small = await t.countStatements(query, { first: 2 });
    const large = await t.countStatements(query, { first: 25 });
    expect(large.result.errors).toBeUndefined();
    // cities, known codes, commitments with instruments
    expect(large.statements).toBe(3);
    expect(small.statements).toBe(3);
    expect(small.sql).toMatchSnapshot('2 cities');
    expect(large.sql).toMatchSnapshot('25 cities');
  });

  it('names an unknown indicator', async () => {
    const result = await t.query(`{ city(slug: "pittsburgh-us") { latest(indicator: "happiness") { value } } }`);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].message).toContain('"happiness"');
  });

  it('rejects inverted and out-of-range year ranges', async () => {
    for (const query of [
      `{ city(slug: "pittsburgh-us") { observations(indicator: "homicide-rate", yearFrom: 2015, yearTo: 2010) { year } } }`,
      `{ city(slug: "pittsburgh-us") { value(indicator: "homicide-rate", year: 20150) { value } } }`,
      `{ observations(filter: { yearFrom: 2015, yearTo: 2010 }) { totalCount } }`,
    ]) {
      expect(errorCodes(await t.query(query))).toEqual(['BAD_USER_INPUT']);
    }
  });
});
