import type { FormattedExecutionResult } from 'graphql';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

/**
 * The reference-resolution rules (docs/api.md): every city argument takes ids or slugs, every
 * code argument answers an unknown value with the same error shape and suggestions, caps and
 * the int range hold for every id. Runs on the demo data; expected ids are read with SQL here,
 * independently of the resolver under test.
 */
let t: TestServer;
let editor: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestServer();
  const rows: { id: number; slug: string }[] = await t.db.dataSource.query(
    `SELECT id, slug FROM city WHERE slug = ANY($1)`,
    [['pittsburgh-us', 'boston-us', 'vienna-at', 'graz-at']],
  );
  for (const row of rows) ids[row.slug] = String(row.id);
  editor = (await createApiKey(t.db.dataSource, { name: 'editor', role: Role.EDITOR })).key;
});
afterAll(() => t.close());

type Errors = NonNullable<FormattedExecutionResult['errors']>;
const firstError = (result: FormattedExecutionResult) => (result.errors as Errors)[0];

describe('cities by slug in every city argument', () => {
  it('has the demo cities the tests name', () => {
    expect(Object.keys(ids).sort()).toEqual(['boston-us', 'graz-at', 'pittsburgh-us', 'vienna-at']);
  });

  const asked = (slugs: boolean) => (slug: string) => (slugs ? slug : ids[slug]);

  it('compare, scorecard and coverage answer the same for slugs as for ids', async () => {
    const query = `query($cities: [ID!]!, $city: ID!, $peers: [ID!]) {
      compare(cityIds: $cities, indicatorCodes: ["homicide-rate"]) { series { city { slug } points { year value } } }
      scorecard(cityId: $city, peerCityIds: $peers) { city { slug } rights { right { code } } }
      coverage(cityIds: $cities, indicatorCodes: ["homicide-rate"]) { indicators { cities observations } }
    }`;
    const answer = async (slugs: boolean) => {
      const as = asked(slugs);
      return dataOf(
        await t.query(query, {
          cities: [as('pittsburgh-us'), as('boston-us')],
          city: as('pittsburgh-us'),
          peers: [as('boston-us'), as('vienna-at')],
        }),
      );
    };
    const bySlug = await answer(true);
    expect(bySlug).toEqual(await answer(false));
    const compared = bySlug as { compare: { series: { city: { slug: string }; points: unknown[] }[] } };
    expect(compared.compare.series.map((s) => s.city.slug)).toEqual(['pittsburgh-us', 'boston-us']);
    expect(compared.compare.series[0].points.length).toBeGreaterThan(0);
  });

  it('CityFilter.ids, the observations filter and the commitment filter take slugs, mixed with ids', async () => {
    const query = `query($ids: [ID!]) {
      cities(filter: { ids: $ids }) { edges { node { slug } } }
      observations(first: 100, filter: { cityIds: $ids, indicatorCodes: ["homicide-rate"] }) { totalCount }
      commitments(filter: { cityIds: $ids }) { totalCount }
      ranking(indicator: "homicide-rate", filter: { ids: $ids }) { entries { city { slug } } }
    }`;
    const mixed = dataOf(await t.query(query, { ids: ['pittsburgh-us', ids['boston-us']] }));
    const numeric = dataOf(await t.query(query, { ids: [ids['pittsburgh-us'], ids['boston-us']] }));
    expect(mixed).toEqual(numeric);
    const cities = (mixed as { cities: { edges: { node: { slug: string } }[] } }).cities.edges.map((e) => e.node.slug);
    expect(cities.sort()).toEqual(['boston-us', 'pittsburgh-us']);
    const [{ count }]: { count: number }[] = await t.db.dataSource.query(
      `SELECT count(*)::int AS count FROM observation o JOIN indicator i ON i.id = o.indicator_id
       WHERE i.code = 'homicide-rate' AND o.superseded_in_release_id IS NULL AND o.city_id = ANY($1)`,
      [[Number(ids['pittsburgh-us']), Number(ids['boston-us'])]],
    );
    expect((mixed as { observations: { totalCount: number } }).observations.totalCount).toBe(count);
  });

  it('an unknown slug is BAD_USER_INPUT naming the argument and the closest slugs', async () => {
    const cases: [string, string, string[]][] = [
      [
        `{ compare(cityIds: ["pittsburg-us"], indicatorCodes: ["homicide-rate"]) { series { city { slug } } } }`,
        'cityIds',
        ['pittsburgh-us'],
      ],
      [`{ scorecard(cityId: "vienna") { city { slug } } }`, 'cityId', ['vienna-at']],
      [
        `{ scorecard(cityId: "pittsburgh-us", peerCityIds: ["bostn-us"]) { city { slug } } }`,
        'peerCityIds',
        ['boston-us'],
      ],
      [
        `{ cities(filter: { ids: ["louisville-us"] }) { totalCount } }`,
        'filter.ids',
        ['louisville-co-us', 'louisville-ky-us'],
      ],
      [`{ observations(filter: { cityIds: ["Pittsburgh"] }) { totalCount } }`, 'filter.cityIds', ['pittsburgh-us']],
      [`{ coverage(cityIds: ["graz"]) { indicators { cities } } }`, 'cityIds', ['graz-at']],
      [`{ commitments(filter: { cityIds: ["wien"] }) { totalCount } }`, 'filter.cityIds', ['vienna-at']],
    ];
    for (const [query, argument, expected] of cases) {
      const result = await t.query(query);
      expect({ query, codes: errorCodes(result) }).toEqual({ query, codes: ['BAD_USER_INPUT'] });
      const error = firstError(result);
      expect(error.extensions?.argument).toBe(argument);
      expect(error.extensions?.suggestions).toEqual(expect.arrayContaining(expected));
      expect(error.message).toMatch(/^Unknown city ".*" \(.* takes city ids or slugs\); did you mean /);
    }
  });

  it('city(slug:) for an unknown slug is null with a warning naming the closest cities', async () => {
    const result = await t.query(`{ city(slug: "Pittsburgh") { slug } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ city: null });
    const warnings = result.extensions?.warnings as { code: string; argument: string; suggestions: string[] }[];
    expect(warnings).toHaveLength(1);
    expect(warnings[0].code).toBe('UNKNOWN_CITY');
    expect(warnings[0].argument).toBe('slug');
    expect(warnings[0].suggestions).toContain('pittsburgh-us');
    for (const [slug, expected] of [
      ['vienna', 'vienna-at'],
      ['wien', 'vienna-at'],
      ['louisville-us', 'louisville-ky-us'],
    ]) {
      const miss = await t.query(`query($s: String!) { city(slug: $s) { slug } }`, { s: slug });
      expect((miss.extensions?.warnings as { suggestions: string[] }[])[0].suggestions).toContain(expected);
    }
    const hit = await t.query(`{ city(slug: "pittsburgh-us") { slug } }`);
    expect(hit.data).toEqual({ city: { slug: 'pittsburgh-us' } });
    expect(hit.extensions?.warnings).toBeUndefined();
  });
});

describe('one error shape for codes, nested fields included', () => {
  it('a mistyped indicator gets the same message and suggestions wherever it is used', async () => {
    const ranking = await t.query(`{ ranking(indicator: "homicide-rat") { totalCount } }`);
    const expected = firstError(ranking);
    expect(expected.extensions?.suggestions).toContain('homicide-rate');
    // The demo's four indicator codes by edit distance to "homicide-rat": 1, 10 and 11 for these three (docs/api.md shows it).
    expect(expected.message).toBe(
      'Unknown indicator "homicide-rat"; did you mean "homicide-rate", "violent-crime-rate", "population"?',
    );
    for (const field of [
      'latest(indicator: "homicide-rat") { value }',
      'value(indicator: "homicide-rat", year: 2015) { value }',
      'observations(indicator: "homicide-rat") { year }',
      'rank(indicator: "homicide-rat") { rank }',
    ]) {
      const result = await t.query(`{ city(slug: "pittsburgh-us") { ${field} } }`);
      expect({ field, message: firstError(result).message }).toEqual({ field, message: expected.message });
      expect(firstError(result).extensions?.suggestions).toEqual(expected.extensions?.suggestions);
    }
    const filtered = await t.query(`{ observations(filter: { indicatorCodes: ["homicide-rat"] }) { totalCount } }`);
    expect(firstError(filtered).message).toBe(expected.message);
    expect(firstError(filtered).extensions?.argument).toBe('filter.indicatorCodes');
  });

  it('gives one error for a nested field, not one per parent row', async () => {
    const [{ count }]: { count: number }[] = await t.db.dataSource.query('SELECT count(*)::int AS count FROM city');
    const first = Math.min(count, 100);
    const result = await t.query(
      `query($first: Int) { cities(first: $first) { edges { node { slug
         a: latest(indicator: "nope") { value } b: latest(indicator: "nope") { value } } } } }`,
      { first },
    );
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(firstError(result).extensions?.occurrences).toBe(2 * first);
  });

  it('names unknown codes of every kind with suggestions', async () => {
    const cases: [string, string, string][] = [
      [
        `{ statistics(indicator: "homicide-rate", year: 2015, groupBy: COMMITMENT, instrument: "CEDAV") { count } }`,
        'instrument',
        'CEDAW',
      ],
      [
        `{ cities(filter: { networkCodes: ["cities-for-cedav"] }) { totalCount } }`,
        'filter.networkCodes',
        'cities-for-cedaw',
      ],
      [`{ commitments(filter: { rightCodes: ["housin"] }) { totalCount } }`, 'filter.rightCodes', 'housing'],
    ];
    for (const [query, argument, suggestion] of cases) {
      const result = await t.query(query);
      expect({ query, codes: errorCodes(result) }).toEqual({ query, codes: ['BAD_USER_INPUT'] });
      expect(firstError(result).extensions?.argument).toBe(argument);
      expect(firstError(result).extensions?.suggestions).toContain(suggestion);
    }
  });
});

describe('bounded input', () => {
  it('caps lists at 1,000 values and codes at 200 characters, naming the cap', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `c${i}`);
    const long = 'x'.repeat(201);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        `query($v: [String!]) { cities(filter: { countryCodes: $v }) { totalCount } }`,
        { v: many },
        /limited to 1000 values, got 1001/,
      ],
      [
        `query($v: [ID!]) { observations(filter: { cityIds: $v }) { totalCount } }`,
        { v: many },
        /limited to 1000 values/,
      ],
      [
        `query($v: [String!]) { indicators(filter: { codes: $v }) { totalCount } }`,
        { v: many },
        /limited to 1000 values/,
      ],
      [
        `query($v: String!) { ranking(indicator: $v) { totalCount } }`,
        { v: long },
        /limited to 200 characters, got 201/,
      ],
      [`query($v: String!) { city(slug: $v) { slug } }`, { v: long }, /limited to 200 characters/],
      [`query($v: String!) { indicator(code: $v) { code } }`, { v: long }, /limited to 200 characters/],
    ];
    for (const [query, variables, message] of cases) {
      const result = await t.query(query, variables);
      expect({ query, codes: errorCodes(result) }).toEqual({ query, codes: ['BAD_USER_INPUT'] });
      expect(firstError(result).message).toMatch(message);
      expect(JSON.stringify(result).length).toBeLessThan(2000);
    }
  });

  it('accepts 1,000 values, the cap itself', async () => {
    const result = await t.query(`query($v: [ID!]) { cities(filter: { ids: $v }) { totalCount } }`, {
      v: Array.from({ length: 1000 }, (_, i) => String(i + 1)),
    });
    expect(result.errors).toBeUndefined();
  });

  it('refuses ids outside the Postgres int range in every kind of id argument, mutations included', async () => {
    for (const bad of ['2147483648', '-1', '1e30', '0', '99999999999999999999']) {
      for (const query of [
        `query($id: ID!) { city(id: $id) { slug } }`,
        `query($id: ID!) { ranking(indicator: "homicide-rate", asOf: $id) { totalCount } }`,
        `query($id: ID!) { observations(asOf: $id) { totalCount } }`,
        `query($id: ID!) { compare(cityIds: [$id], indicatorCodes: ["homicide-rate"]) { series { city { slug } } } }`,
        `query($id: ID!) { scorecard(cityId: $id) { city { slug } } }`,
        `query($id: ID!) { commitments(filter: { cityIds: [$id] }) { totalCount } }`,
        `query($id: ID!) { cities(filter: { ids: [$id] }) { totalCount } }`,
        `query($id: ID!) { city(slug: "pittsburgh-us") { latest(indicator: "homicide-rate", asOf: $id) { value } } }`,
      ]) {
        const result = await t.query(query, { id: bad });
        expect({ bad, query, codes: errorCodes(result) }).toEqual({ bad, query, codes: ['BAD_USER_INPUT'] });
      }
      for (const mutation of [
        `mutation($id: ID!) { updateCity(id: $id, input: { name: "X" }) { slug } }`,
        `mutation($id: ID!) { addNetworkMember(network: "cities-for-cedaw", cityId: $id) { code } }`,
        `mutation($id: ID!) { removeNetworkMember(network: "cities-for-cedaw", cityId: $id) }`,
      ]) {
        const result = await t.query(mutation, { id: bad }, { authorization: `Bearer ${editor}` });
        expect({ bad, mutation, codes: errorCodes(result) }).toEqual({ bad, mutation, codes: ['BAD_USER_INPUT'] });
      }
    }
  });
});
