import type { FormattedExecutionResult } from 'graphql';
import { describeOnServer, heldAndPlain } from '../helpers/heldCaches';

/**
 * A page of cities reads the series its query selects on each city in the page's own statement
 * (src/modules/indicator/nestedSeries.ts): one statement for the dashboard shape, the values the
 * table holds, and every case the read-ahead leaves to the field's resolver (another release, a
 * code nobody has, a bad year range) answered as a server that reads nothing ahead answers it.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are walked by shape, checked by equality
type Any = any;

const data = (result: FormattedExecutionResult): Any => {
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data;
};

/** An answer without the stack traces in-process execution adds to errors (they name the caller's line). */
const withoutStacks = (result: FormattedExecutionResult) =>
  JSON.parse(JSON.stringify(result, (key, value) => (key === 'stacktrace' ? undefined : value)));

describeOnServer('series read in the page statement of cities', () => {
  const t = heldAndPlain();
  let INDICATOR: string;
  let OTHER: string;
  /** Years inside INDICATOR's, so that a range leaves some out. */
  let FROM: number;
  let TO: number;

  /** The headline series of `code` for the first `count` cities by id, as the table holds them now. */
  async function tableSeries(code: string, count: number, yearFrom = 1900, yearTo = 2100) {
    const rows: { slug: string; series: { year: number; value: number; note: string | null }[] | null }[] =
      await t.db.dataSource.query(
        `SELECT c.slug,
                (SELECT json_agg(json_build_object('year', o.year, 'value', o.value, 'note', o.note) ORDER BY o.year, o.source_id)
                   FROM observation o JOIN indicator i ON i.id = o.indicator_id
                  WHERE o.city_id = c.id AND i.code = $1 AND o.disaggregation = '' AND o.superseded_in_release_id IS NULL
                    AND o.year BETWEEN $3 AND $4) AS series
           FROM (SELECT * FROM city ORDER BY id LIMIT $2) c ORDER BY c.id`,
        [code, count, yearFrom, yearTo],
      );
    return rows.map((r) => ({ slug: r.slug, series: r.series ?? [] }));
  }

  beforeAll(async () => {
    // The two indicators with the most headline values, so that the page has series to read.
    [{ code: INDICATOR }, { code: OTHER }] = await t.db.dataSource.query(
      `SELECT i.code FROM observation o JOIN indicator i ON i.id = o.indicator_id
        WHERE o.disaggregation = '' GROUP BY i.code ORDER BY count(*) DESC, i.code LIMIT 2`,
    );
    const [{ lo, hi }] = await t.db.dataSource.query(
      `SELECT min(year) AS lo, max(year) AS hi FROM observation o JOIN indicator i ON i.id = o.indicator_id WHERE i.code = $1`,
      [INDICATOR],
    );
    [FROM, TO] = [lo + 1, hi - 1];
    expect(TO).toBeGreaterThan(FROM);
  });

  it('answers the dashboard shape in one statement, with the values the table holds', async () => {
    const query = `query($indicator: String!, $from: Int, $to: Int) {
      cities(first: 25, orderBy: { field: ID, direction: ASC }) {
        edges { node { slug observations(indicator: $indicator, yearFrom: $from, yearTo: $to) { year value } } }
      } }`;
    const variables = { indicator: INDICATOR, from: FROM, to: TO };
    await t.cached.run(query, variables); // holds the indicator
    const held = await t.cached.run(query, variables);
    expect(held.statements).toHaveLength(1);
    expect(held.statements[0]).toMatch(/json_agg/);
    const expected = await tableSeries(INDICATOR, 25, FROM, TO);
    const years = (series: { year: number }[][]) => new Set(series.flat().map((o) => o.year));
    // The range leaves years out, and some cities have none in it.
    expect(years(expected.map((city) => city.series))).toEqual(
      new Set(
        [...years((await tableSeries(INDICATOR, 25)).map((city) => city.series))].filter((y) => y >= FROM && y <= TO),
      ),
    );
    expect(years(expected.map((city) => city.series)).size).toBeGreaterThan(0);
    expect(years((await tableSeries(INDICATOR, 25)).map((city) => city.series)).size).toBeGreaterThan(
      years(expected.map((city) => city.series)).size,
    );
    expect(expected.some((city) => city.series.length === 0)).toBe(true);
    expect(data(held.result).cities.edges.map((e: Any) => e.node)).toEqual(
      expected.map((city) => ({
        slug: city.slug,
        observations: city.series.map(({ year, value }) => ({ year, value })),
      })),
    );
    // Without held references the series are read by the loader, in a statement of their own.
    const plain = await t.uncached.run(query, variables);
    expect(plain.statements).toHaveLength(2);
    expect(plain.result).toEqual(held.result);
  });

  it('reads several series, aliased and through fragments, each with the columns its fields need', async () => {
    const query = `query($a: String!, $b: String!, $from: Int) {
      cities(first: 10, orderBy: { field: ID, direction: ASC }) {
        edges { node { slug ...recent all: observations(indicator: $a) { year } other: observations(indicator: $b) { value } } }
      } }
      fragment recent on City { recent: observations(indicator: $a, yearFrom: $from) { year ... on Observation { note } } }`;
    const variables = { a: INDICATOR, b: OTHER, from: FROM };
    await t.cached.run(query, variables);
    const held = await t.cached.run(query, variables);
    expect(held.statements).toHaveLength(1);
    const [all, recent, other] = await Promise.all([
      tableSeries(INDICATOR, 10),
      tableSeries(INDICATOR, 10, FROM),
      tableSeries(OTHER, 10),
    ]);
    expect(data(held.result).cities.edges.map((e: Any) => e.node)).toEqual(
      all.map((city, i) => ({
        slug: city.slug,
        recent: recent[i].series.map(({ year, note }) => ({ year, note })),
        all: city.series.map(({ year }) => ({ year })),
        other: other[i].series.map(({ value }) => ({ value })),
      })),
    );
    expect(held.result).toEqual((await t.uncached.run(query, variables)).result);
  });

  it('answers a field merged differently elsewhere through its resolver, with its own columns', async () => {
    // The fragment's field is read ahead on the page with `year` alone. Below each city, its
    // commitments' city (the same city, resolved after the page) merges the same node with another
    // asking for `value`. So is a series under two aliases of `edges`, each selecting one column.
    const query = `query($a: String!) {
      cities(first: 25, orderBy: { field: ID, direction: ASC }) {
        edges { node { slug ...years commitments { city { ...years series: observations(indicator: $a) { value } } } } }
        first: edges { node { twice: observations(indicator: $a) { year } } }
        second: edges { node { twice: observations(indicator: $a) { value } } }
      }
    }
    fragment years on City { series: observations(indicator: $a) { year } }`;
    const variables = { a: INDICATOR };
    await t.cached.run(query, variables);
    const held = await t.cached.run(query, variables);
    const table = await tableSeries(INDICATOR, 25);
    const nodes = data(held.result).cities.edges.map((e: Any) => e.node);
    expect(nodes.map(({ slug, series }: Any) => ({ slug, series }))).toEqual(
      table.map((city) => ({ slug: city.slug, series: city.series.map(({ year }) => ({ year })) })),
    );
    nodes.forEach((node: Any, i: number) => {
      for (const commitment of node.commitments) {
        expect(commitment.city.series).toEqual(table[i].series.map(({ year, value }) => ({ year, value })));
      }
    });
    // Some city of the page has both values and commitments, so the check above has cases.
    expect(nodes.some((node: Any, i: number) => node.commitments.length > 0 && table[i].series.length > 0)).toBe(true);
    const twice = data(held.result).cities;
    expect(twice.first.map((e: Any) => e.node.twice)).toEqual(
      table.map((city) => city.series.map(({ year }) => ({ year }))),
    );
    expect(twice.second.map((e: Any) => e.node.twice)).toEqual(
      table.map((city) => city.series.map(({ value }) => ({ value }))),
    );
    expect(held.result).toEqual((await t.uncached.run(query, variables)).result);
  });

  it('reads the next page after a cursor the same way', async () => {
    const query = `query($indicator: String!, $after: String) {
      cities(first: 5, after: $after, orderBy: { field: ID, direction: ASC }) {
        pageInfo { endCursor hasNextPage } edges { node { slug observations(indicator: $indicator) { year value } } }
      } }`;
    const first = data((await t.cached.run(query, { indicator: INDICATOR })).result);
    const second = await t.cached.run(query, { indicator: INDICATOR, after: first.cities.pageInfo.endCursor });
    expect(second.statements).toHaveLength(1);
    const expected = (await tableSeries(INDICATOR, 10)).slice(5);
    expect(data(second.result).cities.edges.map((e: Any) => e.node)).toEqual(
      expected.map((city) => ({
        slug: city.slug,
        observations: city.series.map(({ year, value }) => ({ year, value })),
      })),
    );
  });

  it('leaves another release, unknown codes and bad ranges to the resolver, which answers as before', async () => {
    const [{ id: release }] = await t.db.dataSource.query(`SELECT min(id) AS id FROM release`);
    const cases: [string, Record<string, unknown>][] = [
      [
        `query($indicator: String!, $asOf: ID) { cities(first: 5, orderBy: { field: ID, direction: ASC }) {
           edges { node { slug observations(indicator: $indicator, asOf: $asOf) { year value } } } } }`,
        { indicator: INDICATOR, asOf: String(release) },
      ],
      [
        `query($indicator: String!) { cities(first: 5) { edges { node { observations(indicator: $indicator) { year } } } } }`,
        { indicator: `${INDICATOR}-typo` },
      ],
      [
        `query($indicator: String!) { cities(first: 5) {
           edges { node { observations(indicator: $indicator, yearFrom: 2015, yearTo: 2010) { year } } } } }`,
        { indicator: INDICATOR },
      ],
      [
        `query($indicator: String!) { cities(first: 5) {
           edges { node { observations(indicator: $indicator, yearFrom: 1200) { year } } } } }`,
        { indicator: INDICATOR },
      ],
    ];
    const codes: unknown[] = [];
    for (const [query, variables] of cases) {
      await t.cached.run(query, variables);
      const held = await t.cached.run(query, variables);
      expect(held.statements.some((s) => /json_agg/.test(s) && /FROM "city" c/.test(s))).toBe(false);
      expect(withoutStacks(held.result)).toEqual(withoutStacks((await t.uncached.run(query, variables)).result));
      codes.push(held.result.errors?.[0]?.extensions?.code ?? null);
    }
    expect(codes).toEqual([null, 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
  });
});
