import type { MapCity } from './mapData';

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
