/// <reference lib="dom" />
/** What the explorer's map shows (countries, cities, one indicator's values) and how it is fetched. */
import {
  argumentList,
  type Citation,
  CITATION_FIELDS,
  type CityRef,
  type Direction,
  EnumValue,
  runQuery,
  type Warning,
} from './api';

export interface MapCountry {
  code: string;
  alpha3: string;
  name: string;
  ratifications: { status: string; year: number | null; instrument: { code: string } }[];
}

export interface MapCity extends CityRef {
  latitude: number | null;
  longitude: number | null;
  commitments: { title: string; adoptedOn: string | null; instrument: { code: string } | null }[];
}

export interface MapValue {
  cityId: string;
  value: number;
  year: number;
  source: string;
}

export interface MapData {
  indicator: { code: string; name: string; unit: string; direction: Direction };
  instrument: { code: string; name: string };
  year: number | null;
  countries: MapCountry[];
  cities: MapCity[];
  values: Map<string, MapValue>;
}

export const PLACES_QUERY = `query ExplorerMapPlaces {
  countries { code alpha3 name ratifications { status year instrument { code } } }
  instruments { code name }
}`;

export function mapCitiesQuery(after: string | null): string {
  return `query ExplorerMapCities {
  cities${argumentList({ first: 100, after: after ?? undefined, orderBy: { field: new EnumValue('NAME') } })} {
    pageInfo { hasNextPage endCursor }
    edges { node { id slug name region latitude longitude country { code name } commitments { title adoptedOn instrument { code } } } }
  }
}`;
}

export function mapValuesQuery(indicator: string, year: number, after: string | null, asOf?: string): string {
  return `query ExplorerMapValues {
  observations${argumentList({ filter: { indicatorCodes: [indicator], yearFrom: year, yearTo: year }, first: 100, after: after ?? undefined, asOf })} {
    pageInfo { hasNextPage endCursor }
    edges { node { city { id } value year disaggregation source { title } } }
  }
}`;
}

/** At most this many pages of 100 cities, and of values, are drawn: a bound on the requests. */
const MAX_MAP_PAGES = 20;

interface Page<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: T }[];
}

async function allPages<T>(query: (after: string | null) => string, field: string, signal?: AbortSignal) {
  const found: T[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_MAP_PAGES; page += 1) {
    const data: Record<string, Page<T>> = await runQuery<Record<string, Page<T>>>(query(after), signal);
    found.push(...data[field].edges.map((e) => e.node));
    if (!data[field].pageInfo.hasNextPage || !data[field].pageInfo.endCursor) break;
    after = data[field].pageInfo.endCursor;
  }
  return found;
}

export interface MapPlaces {
  countries: MapCountry[];
  instruments: { code: string; name: string }[];
  cities: MapCity[];
}

/** What the map needs whatever the indicator: countries with their statuses, instruments, cities. */
export async function fetchPlaces(signal?: AbortSignal): Promise<MapPlaces> {
  const data = await runQuery<{ countries: MapCountry[]; instruments: { code: string; name: string }[] }>(
    PLACES_QUERY,
    signal,
  );
  const cities = await allPages<MapCity>(mapCitiesQuery, 'cities', signal);
  return { ...data, cities };
}

export interface MapView extends MapData {
  warnings: Warning[];
  citation: Citation;
  /** The queries behind the map, for "Copy the GraphQL query". */
  query: string;
}

export async function fetchMap(
  places: MapPlaces,
  indicator: MapData['indicator'],
  year: number | null,
  instrumentCode: string,
  asOf: string | undefined,
  signal?: AbortSignal,
): Promise<MapView> {
  const national = new Set(places.countries.flatMap((c) => c.ratifications.map((r) => r.instrument.code)));
  const instrument =
    places.instruments.find((i) => i.code === instrumentCode) ??
    places.instruments.find((i) => national.has(i.code)) ??
    places.instruments[0];
  const rows =
    year === null
      ? []
      : await allPages<{
          city: { id: string };
          value: number;
          year: number;
          disaggregation: string;
          source: { title: string };
        }>((after) => mapValuesQuery(indicator.code, year, after, asOf), 'observations', signal);
  const values = new Map<string, MapValue>();
  for (const row of rows) {
    // Totals only; where two sources report a year, the first (as the timeline draws it).
    if (row.disaggregation !== '' || values.has(row.city.id)) continue;
    values.set(row.city.id, { cityId: row.city.id, value: row.value, year: row.year, source: row.source.title });
  }
  // The ranking of every city in that year cites the same values: its citation is the map's.
  const citationQuery = `query ExplorerMapCitation {
  ranking${argumentList({ indicator: indicator.code, year: year ?? undefined, first: 1, asOf })} { ${CITATION_FIELDS} warnings { code message } }
}`;
  const cited =
    year === null
      ? null
      : (await runQuery<{ ranking: { citation: Citation; warnings: Warning[] } }>(citationQuery, signal)).ranking;
  const query = [
    PLACES_QUERY,
    mapCitiesQuery(null),
    year === null ? '' : mapValuesQuery(indicator.code, year, null, asOf),
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    indicator,
    instrument,
    year,
    countries: places.countries,
    cities: places.cities,
    values,
    warnings: cited?.warnings ?? [],
    citation: cited?.citation ?? { text: '', queryHash: '', release: null, sources: [] },
    query,
  };
}
