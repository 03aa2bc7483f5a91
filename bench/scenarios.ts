import type { DatasetPlan } from './dataset';

/** One GraphQL request: the same document with different variables per variant. */
export interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

export interface Target {
  metric: 'p50' | 'rps';
  /** p50 in ms (at most), or requests per second (at least). */
  value: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** Rotated round-robin under load, so neither the server nor Postgres answers one fixed request. */
  variants: Operation[];
  target?: Target;
}

/** What the scenarios need from the generated database besides the plan: ids by slug. */
export interface ScenarioInputs {
  plan: DatasetPlan;
  cityIdBySlug: Map<string, number>;
}

const VARIANTS = 8;

const RANKING = `query Ranking($indicator: String!) {
  ranking(indicator: $indicator, first: 100) {
    totalCount
    entries { rank value year tier city { slug name } }
    citation { text }
  }
}`;

const COMPARE = `query Compare($cityIds: [ID!]!, $indicators: [String!]!, $yearFrom: Int, $yearTo: Int) {
  compare(cityIds: $cityIds, indicatorCodes: $indicators, yearFrom: $yearFrom, yearTo: $yearTo) {
    series { city { slug } indicator { code } points { year value } }
  }
}`;

const STATISTICS = `query StatisticsByCountry($indicator: String!, $year: Int!) {
  statistics(indicator: $indicator, year: $year, groupBy: COUNTRY) {
    count
    groups { key label count mean median p25 p75 min max stddev }
    citation { text }
  }
}`;

/** The nested list query of the foundation issue (PRODUCT.md "Batching"), with first: 100. */
const NESTED_LIST = `query NestedList($indicator: String!, $yearFrom: Int!, $yearTo: Int!) {
  cities(first: 100) {
    edges {
      node {
        slug
        country { code }
        commitments { instrument { code } }
        latest(indicator: $indicator) { year value }
        observations(indicator: $indicator, yearFrom: $yearFrom, yearTo: $yearTo) { year value }
      }
    }
  }
}`;

const SCORECARD = `query Scorecard($cityId: ID!) {
  scorecard(cityId: $cityId) {
    city { slug }
    peers { slug }
    rights {
      right { code }
      commitments { title adoptedOn }
      indicators { indicator { code } value year rank rankedCount trend trendPoints }
    }
    otherCommitments { title }
    citation { text }
  }
}`;

const IMPACT = `query Impact($instrument: String!, $indicator: String!) {
  commitmentImpact(instrument: $instrument, indicator: $indicator, window: 3) {
    nAdopters nControls meanChangeAdopters meanChangeControls differenceInDifferences
    adopters { city { slug } adoptionYear change controlMeanChange used reason }
  }
}`;

/** Evenly spaced picks, so variants cover the whole list deterministically. */
function spaced<T>(items: readonly T[], count: number, offset = 0): T[] {
  return Array.from(
    { length: count },
    (_, k) => items[(offset + Math.floor((k * items.length) / count)) % items.length],
  );
}

export function buildScenarios(inputs: ScenarioInputs): Scenario[] {
  const { plan } = inputs;
  const codes = plan.indicators.map((i) => i.code);
  const lastYear = plan.scale.lastYear;
  const idOf = (slug: string) => {
    const id = inputs.cityIdBySlug.get(slug);
    if (id === undefined) throw new Error(`city ${slug} is not in the benchmark database`);
    return String(id);
  };
  const slugs = plan.cities.map((c) => c.slug);
  const variantIndicators = spaced(codes, VARIANTS, 3);

  return [
    {
      name: 'ranking',
      description: 'ranking of all cities by their latest value (first 100 entries returned, all ranked)',
      variants: variantIndicators.map((indicator) => ({ query: RANKING, variables: { indicator } })),
      target: { metric: 'p50', value: 15 },
    },
    {
      name: 'compare',
      description: 'compare 20 cities x 5 indicators x 30 years',
      variants: Array.from({ length: VARIANTS }, (_, v) => ({
        query: COMPARE,
        variables: {
          cityIds: spaced(slugs, 20, v * 7).map(idOf),
          indicators: spaced(codes, 5, v),
          yearFrom: plan.scale.firstYear,
          yearTo: lastYear,
        },
      })),
      target: { metric: 'p50', value: 15 },
    },
    {
      name: 'statistics',
      description: `statistics grouped by country (${plan.countries.length} groups), one indicator, ${lastYear - 1}`,
      variants: variantIndicators.map((indicator) => ({
        query: STATISTICS,
        variables: { indicator, year: lastYear - 1 },
      })),
      target: { metric: 'p50', value: 30 },
    },
    {
      name: 'nested-list',
      description: `cities(first: 100) with country, commitments, latest and a 10-year series`,
      variants: variantIndicators.map((indicator) => ({
        query: NESTED_LIST,
        variables: { indicator, yearFrom: lastYear - 9, yearTo: lastYear },
      })),
      target: { metric: 'p50', value: 30 },
    },
    {
      name: 'scorecard',
      description: `scorecard of one city against the other cities of its country (${plan.indicators.length} indicators)`,
      variants: spaced(slugs, VARIANTS, 11).map((slug) => ({ query: SCORECARD, variables: { cityId: idOf(slug) } })),
    },
    {
      name: 'impact',
      description: 'commitmentImpact (difference-in-differences, window 3) of CEDAW or HRC on one indicator',
      variants: variantIndicators.map((indicator, v) => ({
        query: IMPACT,
        variables: { instrument: v % 2 === 0 ? 'CEDAW' : 'HRC', indicator },
      })),
    },
  ];
}

/**
 * A dashboard's traffic: weights are requests per "page view" of a dashboard that opens on a
 * city list, a ranking and a country breakdown, and sometimes drills into a comparison, a
 * scorecard or an impact analysis.
 */
export const MIX_WEIGHTS: Record<string, number> = {
  'nested-list': 3,
  ranking: 2,
  statistics: 2,
  compare: 1,
  scorecard: 1,
  impact: 1,
};

/** The mix as one rotation: each scenario's variants in turn, `weight` requests per scenario per round. */
export function mixOperations(scenarios: Scenario[], weights: Record<string, number> = MIX_WEIGHTS): Operation[] {
  const operations: Operation[] = [];
  for (let round = 0; round < VARIANTS; round += 1) {
    for (const scenario of scenarios) {
      const weight = weights[scenario.name] ?? 0;
      for (let k = 0; k < weight; k += 1) {
        operations.push(scenario.variants[(round * weight + k) % scenario.variants.length]);
      }
    }
  }
  return operations;
}
