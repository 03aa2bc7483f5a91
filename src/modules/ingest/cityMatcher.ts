import { foldName } from '../common/text';

export interface CityCandidate {
  id: number;
  slug: string;
  name: string;
  asciiName: string;
  alternateNames: string[];
  countryCode: string;
  region: string | null;
}

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
