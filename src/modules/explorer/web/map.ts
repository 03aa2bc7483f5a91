/// <reference lib="dom" />
/**
 * The explorer's world map (issue 18): country outlines from world-atlas (Natural Earth, 1:110m)
 * bundled at build time, shaded by national status for one instrument; cities as dots coloured
 * by one indicator's value in one year; a star where a city made a local commitment to the
 * instrument. Nothing is fetched but the GraphQL answers: no tile server.
 */
import * as Plot from '@observablehq/plot';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import isoCodes from 'i18n-iso-countries/codes.json';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlas from 'world-atlas/countries-110m.json';
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
import { DIRECTION_WORDS, formatValue } from './format';

export type NationalStatus = 'RATIFIED' | 'SIGNED' | 'NONE' | 'UNKNOWN';

/**
 * The shading of a country; ACCEDED counts as ratified (the same obligations), and so does
 * STATE_PARTY (the UN snapshot of 2022 says party without saying which of the two).
 */
export const NATIONAL_STATUS: Record<NationalStatus, { words: string; fill: string }> = {
  RATIFIED: { words: 'Ratified or acceded', fill: '#cfe3cf' },
  SIGNED: { words: 'Signed, not ratified', fill: '#f6dfa8' },
  NONE: { words: 'No action', fill: '#efc4c4' },
  UNKNOWN: { words: 'No record in the database', fill: '#eeeeee' },
};

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

/** Where the map can zoom to: the world, a continent (a box of longitudes and latitudes), or a country. */
export const CONTINENTS: Record<string, { words: string; box: [[number, number], [number, number]] }> = {
  africa: {
    words: 'Africa',
    box: [
      [-20, -36],
      [53, 38],
    ],
  },
  asia: {
    words: 'Asia',
    box: [
      [25, -11],
      [150, 56],
    ],
  },
  europe: {
    words: 'Europe',
    box: [
      [-25, 34],
      [45, 71],
    ],
  },
  'north-america': {
    words: 'North America',
    box: [
      [-170, 7],
      [-50, 72],
    ],
  },
  'south-america': {
    words: 'South America',
    box: [
      [-82, -56],
      [-34, 13],
    ],
  },
  oceania: {
    words: 'Oceania',
    box: [
      [110, -48],
      [180, 0],
    ],
  },
};

/** Degrees around a country's cities when zooming to it. */
const COUNTRY_MARGIN = 4;

/**
 * The GeoJSON the projection fits for a zoom: the continent's box, or a country's cities with a
 * margin (a country's own outline can span the antimeridian, as the United States' does);
 * null for the world or an unknown zoom.
 */
export function zoomDomain(
  zoom: string | null,
  cities: MapCity[],
): { type: 'MultiPoint'; coordinates: number[][] } | null {
  if (!zoom) return null;
  const continent = CONTINENTS[zoom];
  let points: number[][];
  if (continent) {
    const [[w, south], [e, north]] = continent.box;
    points = [];
    // Points along the edges, so that the fitted projection keeps the box's curved edges in view.
    for (let i = 0; i <= 4; i += 1) {
      const lon = w + ((e - w) * i) / 4;
      const lat = south + ((north - south) * i) / 4;
      points.push([lon, south], [lon, north], [w, lat], [e, lat]);
    }
  } else {
    points = cities
      .filter((c) => c.country.code === zoom && c.latitude !== null && c.longitude !== null)
      .flatMap((c) => {
        const [lon, lat] = [c.longitude as number, c.latitude as number];
        return [
          [lon - COUNTRY_MARGIN, lat - COUNTRY_MARGIN],
          [lon + COUNTRY_MARGIN, lat + COUNTRY_MARGIN],
        ];
      });
    if (points.length === 0) return null;
  }
  return { type: 'MultiPoint', coordinates: points };
}

export interface MapData {
  indicator: { code: string; name: string; unit: string; direction: Direction };
  instrument: { code: string; name: string };
  year: number | null;
  countries: MapCountry[];
  cities: MapCity[];
  values: Map<string, MapValue>;
}

/** A city as drawn: its place, its value (if any) and what the reader is told about it. */
export interface MapMark {
  city: MapCity;
  label: string;
  value: MapValue | null;
  committed: boolean;
  chosen: boolean;
  fill: string;
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

/** ISO 3166-1 numeric (world-atlas's feature ids) to alpha-3 (the API's Country.alpha3). */
const ALPHA3_BY_NUMERIC = new Map((isoCodes as string[][]).map((row) => [row[2], row[1]]));

type CountryFeature = Feature<Geometry, { name: string }>;

let features: CountryFeature[] | null = null;

/** The country shapes, decoded once: 177 at this scale. */
export function countryFeatures(): CountryFeature[] {
  if (!features) {
    const topology = atlas as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    features = (feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>)
      .features;
  }
  return features;
}

export function nationalStatus(country: MapCountry | undefined, instrument: string): NationalStatus {
  if (!country) return 'UNKNOWN';
  const row = country.ratifications.find((r) => r.instrument.code === instrument);
  if (!row) return 'UNKNOWN';
  if (row.status === 'RATIFIED' || row.status === 'ACCEDED' || row.status === 'STATE_PARTY') return 'RATIFIED';
  if (row.status === 'SIGNED') return 'SIGNED';
  if (row.status === 'NOT_SIGNED') return 'NONE';
  return 'UNKNOWN';
}

/**
 * About five classes with round boundaries (Plot's quantize: 5, 10, 15...) between the lowest
 * and highest value, coloured so that the better end is
 * blue and the worse end red whatever the direction; a neutral indicator gets one hue.
 */
export function colourScale(direction: Direction, values: number[], unit: string) {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const domain: [number, number] = min === max ? [min - 1, max + 1] : [min, max];
  const options = {
    type: 'quantize' as const,
    n: 5,
    domain,
    scheme: direction === 'NEUTRAL' ? ('purples' as const) : ('rdylbu' as const),
    // RdYlBu runs red (low) to blue (high): a lower-is-better indicator turns it around.
    reverse: direction === 'LOWER_IS_BETTER',
    label: `${unit} (${DIRECTION_WORDS[direction]})`,
    tickFormat: (v: number) => formatValue(Math.round(v * 100) / 100),
  };
  return { options, scale: Plot.scale({ color: options }) };
}

export const NO_VALUE_FILL = 'none';

export interface MapChart {
  element: Element;
  legend: Element | null;
  marks: MapMark[];
}

export function mapChart(data: MapData, width: number, chosen: Set<string>, zoom: string | null = null): MapChart {
  const domain = zoomDomain(zoom, data.cities);
  // Zoomed in, whatever lies outside the frame is cut off rather than drawn over the page.
  const clip = domain ? ('frame' as const) : undefined;
  const byAlpha3 = new Map(data.countries.map((c) => [c.alpha3, c]));
  const shapes = countryFeatures().map((f) => {
    const country = byAlpha3.get(ALPHA3_BY_NUMERIC.get(String(f.id)) ?? '');
    const status = nationalStatus(country, data.instrument.code);
    return {
      feature: f,
      status,
      label: `${country?.name ?? f.properties.name}: ${data.instrument.code} ${NATIONAL_STATUS[status].words.toLowerCase()}`,
    };
  });
  const values = [...data.values.values()].map((v) => v.value);
  const colour = values.length > 0 ? colourScale(data.indicator.direction, values, data.indicator.unit) : null;
  const unit = data.indicator.unit;
  const marks: MapMark[] = data.cities
    .filter((c) => c.latitude !== null && c.longitude !== null)
    .map((city) => {
      const value = data.values.get(city.id) ?? null;
      const committed = city.commitments.some((c) => c.instrument?.code === data.instrument.code);
      const place = `${city.name}${city.region && city.region !== city.name ? `, ${city.region}` : ''} (${city.country.name})`;
      const label =
        `${place}: ` +
        (value ? `${formatValue(value.value)} ${unit} in ${value.year}, source: ${value.source}` : `no value`) +
        (committed ? `; local ${data.instrument.code} commitment` : '');
      return {
        city,
        label,
        value,
        committed,
        chosen: chosen.has(city.id),
        fill: value && colour ? String(colour.scale.apply(value.value)) : NO_VALUE_FILL,
      };
    });
  // West to east, so that the arrow keys move across the map as a reader scans it.
  marks.sort((a, b) => (a.city.longitude ?? 0) - (b.city.longitude ?? 0));
  const height = Math.round(width * 0.52);
  const statuses = Object.keys(NATIONAL_STATUS) as NationalStatus[];
  const element = Plot.plot({
    width,
    height,
    margin: 4,
    projection: { type: 'equal-earth', domain: domain ?? { type: 'Sphere' }, inset: domain ? 6 : 0 },
    style: { overflow: 'visible' },
    ariaLabel: `Map: ${data.indicator.name}${data.year ? ` in ${data.year}` : ''} by city; countries by national status of ${data.instrument.code}`,
    ariaDescription:
      'Dots are cities coloured by value, hollow grey where there is no value; a star marks a local commitment. Arrow keys move between cities, Enter adds one to the comparison.',
    marks: [
      Plot.sphere({ stroke: '#c9d1d9', fill: '#f7fbff', clip }),
      // One mark per status: its fill is a constant, never run through a colour scale.
      ...statuses.map((status) =>
        Plot.geo(
          shapes.filter((s) => s.status === status),
          {
            geometry: (s: (typeof shapes)[number]) => s.feature,
            fill: NATIONAL_STATUS[status].fill,
            stroke: '#ffffff',
            strokeWidth: 0.6,
            title: 'label',
            ariaLabel: 'label',
            className: `country country-${status.toLowerCase()}`,
            clip,
          },
        ),
      ),
      Plot.dot(marks, {
        x: (m: MapMark) => m.city.longitude,
        y: (m: MapMark) => m.city.latitude,
        r: (m: MapMark) => (m.chosen ? 6.5 : 5),
        fill: (m: MapMark) => m.fill,
        stroke: (m: MapMark) => (m.value ? (m.chosen ? '#000000' : '#333333') : '#8a8f96'),
        strokeWidth: (m: MapMark) => (m.chosen ? 2.5 : 1.2),
        ariaLabel: 'label',
        className: 'city-dot',
        clip,
      }),
      Plot.dot(
        marks.filter((m) => m.committed),
        {
          x: (m: MapMark) => m.city.longitude,
          y: (m: MapMark) => m.city.latitude,
          dy: -10,
          symbol: 'star',
          r: 5,
          fill: '#1b1f24',
          ariaHidden: 'true',
          className: 'commitment-symbol',
          clip,
        },
      ),
    ],
  });
  const legend = colour ? (Plot.legend({ color: colour.options, width: Math.min(width, 360) }) as Element) : null;
  return { element, legend, marks };
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

/** The colour legend of the values and the key of the country shading, under the map. */
export function mapLegends(data: MapData, chart: MapChart): HTMLElement {
  const item = (swatch: Record<string, string> | null, words: string) => {
    const li = document.createElement('li');
    if (swatch) {
      const span = document.createElement('span');
      span.className = 'swatch';
      Object.assign(span.style, swatch);
      li.append(span);
    }
    li.append(words);
    return li;
  };
  const list = document.createElement('ul');
  list.className = 'map-status-legend';
  list.setAttribute('aria-label', `Countries by national status of ${data.instrument.code}`);
  list.append(
    ...Object.values(NATIONAL_STATUS).map((s) => item({ background: s.fill }, s.words)),
    item({ borderRadius: '50%', borderColor: '#8a8f96' }, 'City without a value'),
    item(null, `★ Local ${data.instrument.code} commitment`),
  );
  const legends = document.createElement('div');
  legends.className = 'map-legends';
  if (chart.legend) legends.append(chart.legend);
  legends.append(list);
  return legends;
}
