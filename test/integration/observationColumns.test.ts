import { type GraphQLObjectType } from 'graphql';
import { Observation } from '../../src/modules/indicator/observation.entity';
import { OBSERVATION_FIELD_COLUMNS } from '../../src/modules/indicator/observation.loaders';
import { buildAppSchema } from '../../src/schema';
import { statementsSent } from '../helpers/plans';
import { createTestServer, dataOf, type TestServer } from '../helpers/testServer';

/**
 * The nested observation fields (City.observations, latest, value) read only the columns the
 * query selects (issue 15): values checked against the table read directly, whatever the
 * selection, including fragments and two selections of the same series in one batch.
 */

let t: TestServer;
/** The seeded city and indicator with the longest headline series. */
let CITY: string;
let INDICATOR: string;
beforeAll(async () => {
  t = await createTestServer();
  [{ slug: CITY, code: INDICATOR }] = await t.db.dataSource.query(
    `SELECT c.slug, i.code FROM observation o JOIN city c ON c.id = o.city_id JOIN indicator i ON i.id = o.indicator_id
      WHERE o.disaggregation = '' AND o.superseded_in_release_id IS NULL
      GROUP BY c.slug, i.code ORDER BY count(*) DESC, c.slug, i.code LIMIT 1`,
  );
});
afterAll(async () => {
  await t.close();
});

interface Row {
  id: number;
  year: number;
  value: number;
  note: string | null;
  source_id: number;
  release_id: number;
}

/** The headline series of CITY as the table holds it now, oldest first. */
async function tableSeries(): Promise<Row[]> {
  return t.db.dataSource.query(
    `SELECT o.id, o.year, o.value, o.note, o.source_id, o.release_id
       FROM observation o JOIN city c ON c.id = o.city_id JOIN indicator i ON i.id = o.indicator_id
      WHERE c.slug = $1 AND i.code = $2 AND o.disaggregation = '' AND o.superseded_in_release_id IS NULL
      ORDER BY o.year, o.source_id`,
    [CITY, INDICATOR],
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are walked by shape, checked by equality
type Any = any;

/** The select list of the statement that read the series. */
async function selectListOf(query: string): Promise<{ data: Record<string, Any>; columns: string[] }> {
  let result: Awaited<ReturnType<TestServer['query']>> | undefined;
  const sent = await statementsSent(t.db.dataSource, async () => {
    result = await t.query(query, { city: CITY, indicator: INDICATOR });
  });
  // The series' statement (latest and value are loaders of their own, with statements of their own).
  const series = sent.filter((s) => /FROM observation o/.test(s.query) && /o\.year BETWEEN/.test(s.query));
  expect(series).toHaveLength(1);
  const list = /^SELECT (.*?)\s+FROM unnest/s.exec(series[0].query)?.[1] ?? '';
  const columns = [...list.matchAll(/o\."([a-z_]+)"/g)].map((m) => m[1]).sort();
  return { data: dataOf(result!) as Record<string, Any>, columns };
}

describe('nested observations read the columns the query selects', () => {
  it('maps every field of the Observation type, and only entity columns', async () => {
    const schema = await buildAppSchema();
    const fields = Object.keys((schema.getType('Observation') as GraphQLObjectType).getFields()).sort();
    expect(
      Object.keys(OBSERVATION_FIELD_COLUMNS)
        .filter((f) => f !== '__typename')
        .sort(),
    ).toEqual(fields);
    const properties = new Set(t.db.dataSource.getMetadata(Observation).columns.map((c) => c.propertyName));
    for (const read of Object.values(OBSERVATION_FIELD_COLUMNS)) for (const p of read) expect(properties).toContain(p);
  });

  it('reads id, year and value for { year value }, with the values the table holds', async () => {
    const expected = await tableSeries();
    expect(expected.length).toBeGreaterThan(3);
    const { data, columns } = await selectListOf(
      `query($city: String, $indicator: String!) { city(slug: $city) { observations(indicator: $indicator) { year value } } }`,
    );
    expect(columns).toEqual(['id', 'value', 'year']);
    expect(data.city.observations).toEqual(expected.map((r) => ({ year: r.year, value: r.value })));
  });

  it('reads the foreign keys the nested objects need, through named and inline fragments', async () => {
    const expected = await tableSeries();
    const { data, columns } = await selectListOf(
      `query($city: String, $indicator: String!) { city(slug: $city) {
         observations(indicator: $indicator) { ...cited ... on Observation { note } }
       } }
       fragment cited on Observation { __typename year source { id } release { id } }`,
    );
    expect(columns).toEqual(['id', 'note', 'release_id', 'source_id', 'year']);
    expect(data.city.observations).toEqual(
      expected.map((r) => ({
        __typename: 'Observation',
        year: r.year,
        note: r.note,
        source: { id: String(r.source_id) },
        release: { id: String(r.release_id) },
      })),
    );
  });

  it('answers two selections of one series batched together from the union of their columns', async () => {
    const expected = await tableSeries();
    // The newest year's value, from its lowest source id, as latest and value choose.
    const last = expected.find((r) => r.year === expected[expected.length - 1].year)!;
    const { data, columns } = await selectListOf(
      `query($city: String, $indicator: String!) { city(slug: $city) {
         a: observations(indicator: $indicator) { year }
         b: observations(indicator: $indicator) { id value }
         latest(indicator: $indicator) { note }
         value(indicator: $indicator, year: ${last.year}) { value }
       } }`,
    );
    // The series' statement reads what a and b ask together.
    expect(columns).toEqual(['id', 'value', 'year']);
    expect(data.city.a).toEqual(expected.map((r) => ({ year: r.year })));
    expect(data.city.b).toEqual(expected.map((r) => ({ id: String(r.id), value: r.value })));
    expect(data.city.latest).toEqual({ note: last.note });
    expect(data.city.value).toEqual({ value: last.value });
  });
});
