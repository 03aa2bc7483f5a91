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
import type { Direction } from './api';
import { DIRECTION_WORDS, formatValue } from './format';
import type { MapCity, MapCountry, MapData, MapValue } from './mapData';
import { zoomDomain } from './mapZoom';

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

/** A city as drawn: its place, its value (if any) and what the reader is told about it. */
export interface MapMark {
  city: MapCity;
  label: string;
  value: MapValue | null;
  committed: boolean;
  chosen: boolean;
  fill: string;
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
