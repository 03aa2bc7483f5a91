import type { Operation } from './scenarios';

/**
 * The questions both rightsgraph and PostGraphile 5 (bench/peer/postgraphile) answer, each as a
 * pair of GraphQL requests with a normaliser per side mapping the answer to the same plain data.
 *
 * The benchmark data has one source, no disaggregations and no superseded rows, but the
 * PostGraphile queries still say rightsgraph's "one value per city-year" rule outright: current
 * rows (supersededInReleaseId null) of the headline series (disaggregation ''). Release
 * visibility: rightsgraph answers from the newest release by default, which is what the
 * current rows are.
 */
export interface PeerVariant {
  rightsgraph: Operation;
  peer: Operation;
}

export interface PeerScenario {
  name: string;
  description: string;
  variants: PeerVariant[];
  normaliseRightsgraph(data: unknown): unknown;
  normalisePeer(data: unknown): unknown;
}

export interface PeerInputs {
  cityIds: number[];
  /** Benchmark indicators: id, code, direction. */
  indicators: { id: number; code: string; direction: string }[];
  countries: string[];
  firstYear: number;
  lastYear: number;
}

const VARIANTS = 4;

/** rightsgraph's rule for which rows count, as a connection-filter fragment. */
const CURRENT = `disaggregation: { equalTo: "" }, supersededInReleaseId: { isNull: true }`;

/** Values compared to 10 significant digits: both sides average floats, in different orders. */
const num = (x: unknown): number | null => (x === null || x === undefined ? null : Number(Number(x).toPrecision(10)));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are walked by shape, checked by equality
type Any = any;

const POINT_RG = `query Point($id: ID!) { city(id: $id) { slug name population latitude country { code } } }`;
const POINT_PEER = `query Point($id: Int!) { cityByRowId(rowId: $id) { slug name population latitude countryCode } }`;

const DASHBOARD_RG = `query Dashboard($indicator: String!, $yearFrom: Int!, $yearTo: Int!) {
  cities(first: 25, orderBy: { field: ID, direction: ASC }) {
    edges { node { slug observations(indicator: $indicator, yearFrom: $yearFrom, yearTo: $yearTo) { year value } } }
  }
}`;
const DASHBOARD_PEER = `query Dashboard($indicatorId: Int!, $yearFrom: Int!, $yearTo: Int!) {
  allCities(first: 25, orderBy: ROW_ID_ASC) {
    nodes {
      slug
      observationsByCityId(
        condition: { indicatorId: $indicatorId }
        filter: { year: { greaterThanOrEqualTo: $yearFrom, lessThanOrEqualTo: $yearTo }, ${CURRENT} }
        orderBy: YEAR_ASC
      ) { nodes { year value } }
    }
  }
}`;

const RANKING_RG = `query Ranking($indicator: String!, $year: Int!) {
  ranking(indicator: $indicator, year: $year, first: 100) { totalCount entries { rank value city { slug } } }
}`;
// Best first as rightsgraph ranks: ascending for LOWER_IS_BETTER, descending otherwise (NEUTRAL
// included). The count of ranked cities comes from pg-aggregates (distinct cities).
const RANKING_PEER = `query Ranking($indicatorId: Int!, $year: Int!, $order: [ObservationOrderBy!]) {
  allObservations(first: 100, condition: { indicatorId: $indicatorId, year: $year }, filter: { ${CURRENT} }, orderBy: $order) {
    aggregates { distinctCount { cityId } }
    nodes { value cityByCityId { slug } }
  }
}`;

const STATISTICS_RG = `query Statistics($indicator: String!, $year: Int!) {
  statistics(indicator: $indicator, year: $year, groupBy: COUNTRY) { groups { key count mean min max } }
}`;
/**
 * pg-aggregates groups by the observation's own columns, and the country is the city's: so one
 * aggregate per country, each filtered through the city relation (connection-filter relations),
 * all in one request.
 */
function statisticsPeer(countries: string[]): string {
  const groups = countries.map(
    (code) => `  c_${code}: allObservations(
    condition: { indicatorId: $indicatorId, year: $year }
    filter: { cityByCityId: { countryCode: { equalTo: "${code}" } }, ${CURRENT} }
  ) { aggregates { distinctCount { cityId } average { value } min { value } max { value } } }`,
  );
  return `query Statistics($indicatorId: Int!, $year: Int!) {\n${groups.join('\n')}\n}`;
}

const COMPARE_RG = `query Compare($cityIds: [ID!]!, $indicators: [String!]!, $yearFrom: Int, $yearTo: Int) {
  compare(cityIds: $cityIds, indicatorCodes: $indicators, yearFrom: $yearFrom, yearTo: $yearTo) {
    series { city { slug } indicator { code } points { year value } }
  }
}`;
const COMPARE_PEER = `query Compare($cityIds: [Int!]!, $indicatorIds: [Int!]!, $yearFrom: Int!, $yearTo: Int!) {
  allObservations(
    filter: {
      cityId: { in: $cityIds }, indicatorId: { in: $indicatorIds }
      year: { greaterThanOrEqualTo: $yearFrom, lessThanOrEqualTo: $yearTo }, ${CURRENT}
    }
    orderBy: [CITY_ID_ASC, INDICATOR_ID_ASC, YEAR_ASC]
  ) { nodes { year value cityByCityId { slug } indicatorByIndicatorId { code } } }
}`;

/** Competition ranks (ties share the better rank) of entries already in best-first order. */
export function competitionRanks(values: number[]): number[] {
  return values.map((v) => values.indexOf(v) + 1);
}

/** Ranking entries as `rank slug value`, sorted: the order within a tie is not part of the answer. */
const rankingLines = (entries: { rank: number; slug: string; value: number }[]) =>
  entries.map((e) => `${e.rank} ${e.slug} ${num(e.value)}`).sort();

const points = (rows: { slug: string; code: string; year: number; value: unknown }[]) =>
  rows
    .filter((r) => r.value !== null)
    .map((r) => `${r.slug} ${r.code} ${r.year} ${num(r.value)}`)
    .sort();

function spaced<T>(items: readonly T[], count: number, offset = 0): T[] {
  return Array.from(
    { length: count },
    (_, k) => items[(offset + Math.floor((k * items.length) / count)) % items.length],
  );
}

export function buildPeerScenarios(inputs: PeerInputs): PeerScenario[] {
  const { lastYear } = inputs;
  const indicators = spaced(inputs.indicators, VARIANTS, 2);
  const statisticsQuery = statisticsPeer(inputs.countries);
  return [
    {
      name: 'point',
      description: 'one city by id: slug, name, population, latitude, country code',
      variants: spaced(inputs.cityIds, VARIANTS, 5).map((id) => ({
        rightsgraph: { query: POINT_RG, variables: { id: String(id) } },
        peer: { query: POINT_PEER, variables: { id } },
      })),
      normaliseRightsgraph: (d: Any) => {
        const { country, ...city } = d.city;
        return { ...city, countryCode: country.code };
      },
      normalisePeer: (d: Any) => d.cityByRowId,
    },
    {
      name: 'dashboard',
      description: 'first 25 cities (by id), each with a 10-year series of one indicator',
      variants: indicators.map((ind, v) => {
        const years = { yearFrom: lastYear - 9 - v, yearTo: lastYear - v };
        return {
          rightsgraph: { query: DASHBOARD_RG, variables: { indicator: ind.code, ...years } },
          peer: { query: DASHBOARD_PEER, variables: { indicatorId: ind.id, ...years } },
        };
      }),
      normaliseRightsgraph: (d: Any) =>
        d.cities.edges.map((e: Any) => ({
          slug: e.node.slug,
          series: e.node.observations.map((o: Any) => [o.year, num(o.value)]),
        })),
      normalisePeer: (d: Any) =>
        d.allCities.nodes.map((n: Any) => ({
          slug: n.slug,
          series: n.observationsByCityId.nodes.map((o: Any) => [o.year, num(o.value)]),
        })),
    },
    {
      name: 'ranking',
      description: 'ranking of one indicator in one year: first 100 entries and the count of ranked cities',
      variants: indicators.map((ind, v) => ({
        rightsgraph: { query: RANKING_RG, variables: { indicator: ind.code, year: lastYear - v } },
        peer: {
          query: RANKING_PEER,
          variables: {
            indicatorId: ind.id,
            year: lastYear - v,
            order: [ind.direction === 'LOWER_IS_BETTER' ? 'VALUE_ASC' : 'VALUE_DESC', 'CITY_ID_ASC'],
          },
        },
      })),
      normaliseRightsgraph: (d: Any) => ({
        count: d.ranking.totalCount,
        entries: rankingLines(d.ranking.entries.map((e: Any) => ({ rank: e.rank, slug: e.city.slug, value: e.value }))),
      }),
      // The ranks are computed here from the best-first order PostGraphile returns.
      normalisePeer: (d: Any) => {
        const nodes = d.allObservations.nodes;
        const ranks = competitionRanks(nodes.map((n: Any) => n.value));
        return {
          count: Number(d.allObservations.aggregates.distinctCount.cityId),
          entries: rankingLines(
            nodes.map((n: Any, i: number) => ({ rank: ranks[i], slug: n.cityByCityId.slug, value: n.value })),
          ),
        };
      },
    },
    {
      name: 'statistics',
      description: `count, mean, min and max of one indicator in one year per country (${inputs.countries.length} countries)`,
      variants: indicators.map((ind, v) => ({
        rightsgraph: { query: STATISTICS_RG, variables: { indicator: ind.code, year: lastYear - 1 - v } },
        peer: { query: statisticsQuery, variables: { indicatorId: ind.id, year: lastYear - 1 - v } },
      })),
      normaliseRightsgraph: (d: Any) =>
        d.statistics.groups
          .filter((g: Any) => g.count > 0)
          .map((g: Any) => ({ key: g.key, count: g.count, mean: num(g.mean), min: num(g.min), max: num(g.max) }))
          .sort((a: Any, b: Any) => a.key.localeCompare(b.key)),
      // A country with no value that year has no group in rightsgraph's answer.
      normalisePeer: (d: Any) =>
        Object.entries(d as Record<string, Any>)
          .map(([alias, { aggregates: a }]) => ({
            key: alias.slice(2),
            count: Number(a.distinctCount.cityId),
            mean: num(a.average.value),
            min: num(a.min.value),
            max: num(a.max.value),
          }))
          .filter((g) => g.count > 0)
          .sort((a, b) => a.key.localeCompare(b.key)),
    },
    {
      name: 'compare',
      description: '10 cities x 2 indicators x 20 years',
      variants: Array.from({ length: VARIANTS }, (_, v) => {
        const cities = spaced(inputs.cityIds, 10, v * 7);
        const pair = spaced(inputs.indicators, 2, v * 3);
        const years = { yearFrom: lastYear - 19, yearTo: lastYear };
        return {
          rightsgraph: {
            query: COMPARE_RG,
            variables: { cityIds: cities.map(String), indicators: pair.map((i) => i.code), ...years },
          },
          peer: { query: COMPARE_PEER, variables: { cityIds: cities, indicatorIds: pair.map((i) => i.id), ...years } },
        };
      }),
      normaliseRightsgraph: (d: Any) =>
        points(
          d.compare.series.flatMap((s: Any) =>
            s.points.map((p: Any) => ({ slug: s.city.slug, code: s.indicator.code, year: p.year, value: p.value })),
          ),
        ),
      normalisePeer: (d: Any) =>
        points(
          d.allObservations.nodes.map((n: Any) => ({
            slug: n.cityByCityId.slug,
            code: n.indicatorByIndicatorId.code,
            year: n.year,
            value: n.value,
          })),
        ),
    },
  ];
}

/** The first difference between two normalised answers as a path and both values, or null when equal. */
export function firstDifference(a: unknown, b: unknown, at = '$'): string | null {
  if (Object.is(a, b)) return null;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return `${at}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length)
    return `${at}: ${a.length} items != ${b.length} items`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const difference = firstDifference((a as Any)[key], (b as Any)[key], `${at}.${key}`);
    if (difference) return difference;
  }
  return null;
}
