import { sqlCounterOf } from '../../src/db/dataSource';
import type { SentStatement } from '../../src/db/sqlCounter';
import { createTestServer, dataOf, type TestServer } from '../helpers/testServer';

/**
 * A page of cities reads the columns its query selects on the nodes and its ordering's cursor
 * needs (src/modules/city/cityColumns.ts). Each selection is answered as the point lookup, which
 * reads whole rows, answers it; every ordering pages through all cities in the table's order.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are compared by equality
type Any = any;

let t: TestServer;
beforeAll(async () => {
  t = await createTestServer();
});
afterAll(async () => {
  await t.close();
});

const SELECTIONS = [
  'slug',
  'name asciiName alternateNames',
  'region latitude longitude wikidataId geonamesId population',
  'country { code }',
  'country { code name }',
  '__typename networks { code } memberships { joinedYear }',
  'commitments { instrument { code } }',
  'latest(indicator: "homicide-rate") { year value }',
  'value(indicator: "homicide-rate", year: 2015) { value }',
  'observations(indicator: "homicide-rate", yearFrom: 2010, yearTo: 2015) { year value }',
  '... on City { name } ...more',
  'rank(indicator: "homicide-rate") { rank year }',
];
const FRAGMENT = 'fragment more on City { country { code } population }';

const pageStatement = (sent: SentStatement[]) => sent.find((s) => /FROM "city" c\b/.test(s.query))?.query ?? '';

describe('a page of cities', () => {
  it.each(SELECTIONS)('answers { %s } as the point lookup does', async (selection) => {
    const fragment = selection.includes('...more') ? FRAGMENT : '';
    const { result: page, sent } = await sqlCounterOf(t.db.dataSource).record(() =>
      t.query(
        `{ cities(first: 12, orderBy: { field: NAME, direction: DESC }) { edges { node { id ${selection} } } } } ${fragment}`,
      ),
    );
    const nodes = (dataOf(page) as Any).cities.edges.map((e: Any) => e.node);
    expect(nodes).toHaveLength(12);
    for (const node of nodes) {
      const one = dataOf(
        await t.query(`query($id: ID!) { city(id: $id) { id ${selection} } } ${fragment}`, { id: node.id }),
      );
      expect(node).toEqual((one as Any).city);
    }
    // Columns no field asked for are not read, unless a field is one this module does not know.
    const statement = pageStatement(sent);
    expect(statement.includes('"alternate_names"')).toBe(/alternateNames|rank/.test(selection));
    expect(statement.includes('"geonames_id"')).toBe(/geonamesId|rank/.test(selection));
  });

  it.each([
    ['NAME', 'ORDER BY name, id'],
    ['SLUG', 'ORDER BY slug'],
    ['COUNTRY', 'ORDER BY country_code, name, id'],
    ['ID', 'ORDER BY id'],
  ])('ordered by %s, pages through every city selecting only the slug', async (field, orderBy) => {
    const expected = (await t.db.dataSource.query(`SELECT slug FROM city ${orderBy}`)).map((r: Any) => r.slug);
    const slugs: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const data = dataOf(
        await t.query(
          `query($after: String) { cities(first: 7, after: $after, orderBy: { field: ${field}, direction: ASC }) {
             edges { node { slug } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        ),
      ) as Any;
      slugs.push(...data.cities.edges.map((e: Any) => e.node.slug));
      if (!data.cities.pageInfo.hasNextPage) break;
      after = data.cities.pageInfo.endCursor;
    }
    expect(slugs).toEqual(expected);
  });
});
