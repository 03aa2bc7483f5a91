/// <reference lib="dom" />
/**
 * The explorer's GraphQL: each view is one query whose arguments are written into the text as
 * literals, so the query the page sends is exactly the one "Copy GraphQL query" hands a
 * dashboard builder, and it runs as pasted.
 */

export type Direction = 'LOWER_IS_BETTER' | 'HIGHER_IS_BETTER' | 'NEUTRAL';
export type ObservationStatus = 'MEASURED' | 'ESTIMATED' | 'PROVISIONAL' | 'CONVERTED' | 'BREAK_IN_SERIES';

export interface Warning {
  code: string;
  message: string;
}

export interface Citation {
  text: string;
  queryHash: string;
  /** The release the data is as of: embeds are pinned to it. */
  release: { id: string; createdAt: string } | null;
  sources: { title: string; publisher: string }[];
}

export const CITATION_FIELDS = 'citation { text queryHash release { id createdAt } sources { title publisher } }';

export interface IndicatorInfo {
  code: string;
  name: string;
  unit: string;
  direction: Direction;
  description: string | null;
  rights: { code: string; name: string }[];
}

export interface IndicatorCoverage {
  indicator: { code: string };
  cities: number;
  firstYear: number | null;
  lastYear: number | null;
  observations: number;
}

export interface CityRef {
  id: string;
  slug: string;
  name: string;
  region: string | null;
  country: { code: string; name: string };
}

export interface Commitment {
  kind: string;
  title: string;
  adoptedOn: string | null;
  adoptedPrecision: 'YEAR' | 'MONTH' | 'DAY' | null;
  status: string;
  instrument: { code: string; name: string } | null;
}

export interface Point {
  year: number;
  value: number;
  lower: number | null;
  upper: number | null;
  status: ObservationStatus;
  source: { id: string; title: string; publisher: string };
}

export interface Series {
  city: CityRef & { commitments: Commitment[] };
  indicator: { code: string; name: string; unit: string; direction: Direction };
  points: Point[];
}

export interface CompareResult {
  series: Series[];
  warnings: Warning[];
  citation: Citation;
}

export interface RankingEntry {
  rank: number;
  city: CityRef;
  value: number;
  lower: number | null;
  upper: number | null;
  year: number;
  percentile: number;
  tier: number;
  status: ObservationStatus;
  source: { title: string };
}

export interface RankingResult {
  totalCount: number;
  year: number | null;
  indicator: { code: string; name: string; unit: string; direction: Direction };
  entries: RankingEntry[];
  warnings: Warning[];
  citation: Citation;
}

export class ApiError extends Error {}

/** An enum value: written bare, not quoted. */
export class EnumValue {
  constructor(readonly name: string) {}
}

/** A GraphQL literal: strings and ids quoted (JSON's escapes are GraphQL's), lists, input objects. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof EnumValue) return value.name;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  const fields = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{ ${fields.map(([k, v]) => `${k}: ${literal(v)}`).join(', ')} }`;
}

/** `(name: value, ...)`, leaving out undefined arguments; empty when there are none. */
export function argumentList(args: Record<string, unknown>): string {
  const given = Object.entries(args).filter(([, v]) => v !== undefined);
  return given.length === 0 ? '' : `(${given.map(([k, v]) => `${k}: ${literal(v)}`).join(', ')})`;
}

export async function runQuery<T>(query: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query }),
      signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('The server did not answer. Is it running?');
  }
  let body: { data?: T; errors?: { message: string }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(`The server answered ${response.status} ${response.statusText} without a GraphQL result`);
  }
  if (body.errors?.length) throw new ApiError(body.errors.map((e) => e.message).join('; '));
  if (!body.data) throw new ApiError(`The server answered ${response.status} without data`);
  return body.data;
}

const CITY_FIELDS = `id slug name region country { code name }`;

export const INDICATORS_QUERY = `query ExplorerIndicators {
  indicators(first: 100) {
    edges { node { code name unit direction description rights { code name } } }
  }
  coverage {
    indicators { indicator { code } cities firstYear lastYear observations }
  }
}`;

export interface IndicatorsData {
  indicators: { edges: { node: IndicatorInfo }[] };
  coverage: { indicators: IndicatorCoverage[] };
}

export interface CitiesData {
  cities: {
    totalCount: number;
    edges: { node: CityRef }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/** A page of cities of the server's default size (see `cities` in explorer.ts). */
export function citiesQuery(filter: Record<string, unknown>, after: string | null): string {
  return `query ExplorerCities {
  cities${argumentList({ filter, after: after ?? undefined, orderBy: { field: new EnumValue('NAME') } })} {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { ${CITY_FIELDS} } }
  }
}`;
}

export function timelineQuery(
  cityIds: string[],
  indicator: string,
  yearFrom?: number,
  yearTo?: number,
  asOf?: string,
): string {
  return `query ExplorerTimeline {
  compare${argumentList({ cityIds, indicatorCodes: [indicator], yearFrom, yearTo, asOf })} {
    series {
      city {
        ${CITY_FIELDS}
        commitments { kind title adoptedOn adoptedPrecision status instrument { code name } }
      }
      indicator { code name unit direction }
      points { year value lower upper status source { id title publisher } }
    }
    warnings { code message }
    ${CITATION_FIELDS}
  }
}`;
}

/**
 * No `first`: the server's default page (25 entries) answers, and the server's cost limit,
 * which multiplies the whole query by `first`, stays far away. totalCount says how many were
 * ranked in all.
 */
export function rankingQuery(
  indicator: string,
  year: number | undefined,
  cityIds: string[] | undefined,
  asOf?: string,
): string {
  return `query ExplorerRanking {
  ranking${argumentList({ indicator, year, filter: cityIds ? { ids: cityIds } : undefined, asOf })} {
    totalCount
    year
    indicator { code name unit direction }
    entries {
      rank
      city { ${CITY_FIELDS} }
      value lower upper year percentile tier status
      source { title }
    }
    warnings { code message }
    ${CITATION_FIELDS}
  }
}`;
}
