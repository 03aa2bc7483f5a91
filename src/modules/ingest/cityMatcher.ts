import { foldName } from '../common/text';

export interface CityCandidate {
  id: number;
  slug: string;
  name: string;
  asciiName: string;
  alternateNames: string[];
  countryCode: string;
  region: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

/** Great-circle distance in km (haversine, mean Earth radius). */
export function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** How near a gazetteer place must be to a stored city of the same name to be that city. */
export const SAME_PLACE_KM = 25;

export type CityMatch =
  { kind: 'found'; id: number } | { kind: 'unknown'; reason: string } | { kind: 'ambiguous'; reason: string };

/**
 * Finds the city a CSV row means, by id, slug, or name (also ASCII and alternate names,
 * ignoring case and accents) within the row's country, narrowed by region when several cities
 * share the name ("Louisville, US" needs KY or CO). Never guesses: two candidates left is an
 * ambiguity for the curator to settle.
 */
export class CityMatcher {
  private readonly byId = new Map<number, CityCandidate>();
  private readonly bySlug = new Map<string, CityCandidate>();
  private readonly byName = new Map<string, CityCandidate[]>();

  constructor(cities: CityCandidate[]) {
    for (const city of cities) this.add(city);
  }

  add(city: CityCandidate): void {
    this.byId.set(city.id, city);
    this.bySlug.set(city.slug, city);
    const names = new Set([city.name, city.asciiName, ...city.alternateNames].map(foldName));
    for (const name of names) {
      const key = `${city.countryCode}|${name}`;
      this.byName.set(key, [...(this.byName.get(key) ?? []), city]);
    }
  }

  /**
   * The stored city a gazetteer place is, when the row's region did not match literally: a file
   * may write the region as GeoNames' admin-1 code (`09` for Vienna) where the database holds a
   * name (`Vienna`). The one stored city of that name in the country lying within
   * SAME_PLACE_KM of one of the places, or null. Never a guess between two.
   */
  samePlace(
    ref: { city: string; country: string },
    places: readonly { latitude: number; longitude: number }[],
  ): CityCandidate | null {
    const near = (this.byName.get(`${ref.country}|${foldName(ref.city)}`) ?? []).filter(
      (c) =>
        typeof c.latitude === 'number' &&
        typeof c.longitude === 'number' &&
        places.some(
          (p) => distanceKm({ latitude: c.latitude as number, longitude: c.longitude as number }, p) <= SAME_PLACE_KM,
        ),
    );
    return near.length === 1 ? near[0] : null;
  }

  match(ref: { city: string; country: string; region: string | null }): CityMatch {
    const direct = /^\d+$/.test(ref.city) ? this.byId.get(Number(ref.city)) : this.bySlug.get(ref.city);
    if (direct) {
      return direct.countryCode === ref.country
        ? { kind: 'found', id: direct.id }
        : { kind: 'unknown', reason: `city ${direct.slug} is in ${direct.countryCode}, not ${ref.country}` };
    }
    const candidates = this.byName.get(`${ref.country}|${foldName(ref.city)}`) ?? [];
    const region = ref.region === null ? null : foldName(ref.region);
    const inRegion =
      region === null ? candidates : candidates.filter((c) => c.region !== null && foldName(c.region) === region);
    if (inRegion.length === 1) return { kind: 'found', id: inRegion[0].id };
    if (inRegion.length > 1) {
      return {
        kind: 'ambiguous',
        reason: `${inRegion.length} cities called "${ref.city}" in ${ref.country} (${inRegion
          .map((c) => `${c.slug}, region ${c.region ?? 'none'}`)
          .join('; ')}): give the region or the slug`,
      };
    }
    if (candidates.length > 0) {
      return {
        kind: 'unknown',
        reason: `no city "${ref.city}" in region "${ref.region}" of ${ref.country} (found in ${candidates
          .map((c) => c.region ?? 'no region')
          .join(', ')})`,
      };
    }
    return { kind: 'unknown', reason: `no city "${ref.city}" in ${ref.country}` };
  }
}
