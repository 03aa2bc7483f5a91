import { createTestServer, dataOf, type TestServer } from '../helpers/testServer';

/**
 * The foundation's batching contract: the statements a query sends depend on its depth, never
 * on its number of rows. The query is the one of the issue, run for 2 and for all 25 cities.
 */
const NESTED_LIST = `
  query Nested($first: Int!) {
    cities(first: $first) {
      edges {
        node {
          slug
          country { code }
          commitments { instrument { code } }
          latest(indicator: "homicide-rate") { year value }
          observations(indicator: "homicide-rate", yearFrom: 2010, yearTo: 2015) { year value }
        }
      }
    }
  }
`;

interface NestedData {
  cities: {
    edges: {
      node: {
        slug: string;
        country: { code: string };
        commitments: { instrument: { code: string } | null }[];
        latest: { year: number; value: number } | null;
        observations: { year: number; value: number }[];
      };
    }[];
  };
}

let t: TestServer;
beforeAll(async () => {
  t = await createTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('nested list query', () => {
  it('runs the same number of statements (at most 6) for 2 and for 25 cities', async () => {
    const small = await t.countStatements(NESTED_LIST, { first: 2 });
    const large = await t.countStatements(NESTED_LIST, { first: 25 });
    expect((small.result.data as unknown as NestedData).cities.edges).toHaveLength(2);
    expect((large.result.data as unknown as NestedData).cities.edges).toHaveLength(25);
    expect(large.result.errors).toBeUndefined();
    // cities page, commitments with their instruments, latest, observations; `country { code }`
    // is the city's own column and costs no statement
    expect(large.statements).toBe(4);
    expect(small.statements).toBe(large.statements);
    expect(small.sql).toMatchSnapshot('2 cities');
    expect(large.sql).toMatchSnapshot('25 cities');
  });

  it('answers with the fact sheet values', async () => {
    const data = dataOf<NestedData>(await t.query(NESTED_LIST, { first: 25 }));
    const bySlug = new Map(data.cities.edges.map((e) => [e.node.slug, e.node]));
    const pittsburgh = bySlug.get('pittsburgh-us');
    expect(pittsburgh?.country.code).toBe('US');
    expect(pittsburgh?.latest).toEqual({ year: 2015, value: 18.57 });
    expect(pittsburgh?.observations).toEqual([
      { year: 2010, value: 17.88 },
      { year: 2011, value: 14.26 },
      { year: 2012, value: 13.14 },
      { year: 2013, value: 14.63 },
      { year: 2014, value: 22.43 },
      { year: 2015, value: 18.57 },
    ]);
    // Pittsburgh: human rights city 2011 (HRC), CEDAW ordinance 2016, oldest first.
    expect(pittsburgh?.commitments.map((c) => c.instrument?.code)).toEqual(['HRC', 'CEDAW']);
    // The crime figures are Louisville KY's; Louisville CO has the CEDAW resolution and no crime data.
    expect(bySlug.get('louisville-ky-us')?.latest).toEqual({ year: 2015, value: 11.9 });
    expect(bySlug.get('louisville-co-us')?.latest).toBeNull();
    expect(bySlug.get('louisville-co-us')?.commitments.map((c) => c.instrument?.code)).toEqual(['CEDAW']);
    // Graz has no crime data at all: no rows, never zeros.
    expect(bySlug.get('graz-at')?.observations).toEqual([]);
  });

  it('batches deeper levels too: one more statement per level, whatever the page size', async () => {
    // Pittsburgh alone reaches every level (commitments with instruments, rights and sources;
    // observations with sources), so the one-city page exercises the same levels as all 25.
    const deeper = `query($first: Int!, $search: String) { cities(first: $first, filter: { search: $search }) { edges { node {
      commitments { instrument { code rights { code } } rights { code } source { title } }
      observations(indicator: "homicide-rate") { source { publisher } indicator { code } }
    } } } }`;
    const small = await t.countStatements(deeper, { first: 1, search: 'pittsburgh' });
    const large = await t.countStatements(deeper, { first: 25 });
    expect(large.result.errors).toBeUndefined();
    expect(small.statements).toBe(large.statements);
    // cities, commitments with instruments, instrument rights, commitment rights, commitment
    // sources, observations, observation sources, indicators: at most 8 (the sources of both
    // levels may share one batch)
    expect(large.statements).toBeLessThanOrEqual(8);
    expect(small.sql).toMatchSnapshot('1 city');
    expect(large.sql).toMatchSnapshot('25 cities');
  });
});
