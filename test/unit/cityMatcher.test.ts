import { type CityCandidate, CityMatcher } from '../../src/modules/ingest/cityMatcher';

const city = (
  id: number,
  slug: string,
  name: string,
  countryCode: string,
  region: string | null,
  alternateNames: string[] = [],
): CityCandidate => ({
  id,
  slug,
  name,
  asciiName: name.normalize('NFKD').replace(/\p{M}/gu, ''),
  alternateNames,
  countryCode,
  region,
});

const matcher = new CityMatcher([
  city(1, 'york-gb', 'York', 'GB', 'England'),
  city(2, 'york-us', 'York', 'US', 'PA'),
  city(3, 'louisville-co-us', 'Louisville', 'US', 'CO'),
  city(4, 'louisville-ky-us', 'Louisville', 'US', 'KY'),
  city(5, 'vienna-at', 'Vienna', 'AT', 'Vienna', ['Wien']),
  city(6, 'zurich-ch', 'Zürich', 'CH', 'ZH'),
]);

describe('CityMatcher', () => {
  it('tells York GB from York US by country', () => {
    expect(matcher.match({ city: 'York', country: 'GB', region: null })).toEqual({ kind: 'found', id: 1 });
    expect(matcher.match({ city: 'york', country: 'US', region: null })).toEqual({ kind: 'found', id: 2 });
  });

  it('needs the region for the two Louisvilles and never guesses', () => {
    expect(matcher.match({ city: 'Louisville', country: 'US', region: 'KY' })).toEqual({ kind: 'found', id: 4 });
    expect(matcher.match({ city: 'Louisville', country: 'US', region: 'co' })).toEqual({ kind: 'found', id: 3 });
    expect(matcher.match({ city: 'Louisville', country: 'US', region: null }).kind).toBe('ambiguous');
    expect(matcher.match({ city: 'Louisville', country: 'US', region: 'TX' }).kind).toBe('unknown');
  });

  it('matches alternate names, accents and case, slugs and ids', () => {
    expect(matcher.match({ city: 'WIEN', country: 'AT', region: null })).toEqual({ kind: 'found', id: 5 });
    expect(matcher.match({ city: 'zurich', country: 'CH', region: null })).toEqual({ kind: 'found', id: 6 });
    expect(matcher.match({ city: 'Zürich', country: 'CH', region: null })).toEqual({ kind: 'found', id: 6 });
    expect(matcher.match({ city: 'louisville-ky-us', country: 'US', region: null })).toEqual({ kind: 'found', id: 4 });
    expect(matcher.match({ city: '3', country: 'US', region: null })).toEqual({ kind: 'found', id: 3 });
  });

  it('refuses a slug or id given with the wrong country, and unknown names', () => {
    expect(matcher.match({ city: 'york-gb', country: 'US', region: null }).kind).toBe('unknown');
    expect(matcher.match({ city: 'Vienna', country: 'US', region: null }).kind).toBe('unknown');
    expect(matcher.match({ city: 'Atlantis', country: 'GB', region: null })).toEqual({
      kind: 'unknown',
      reason: 'no city "Atlantis" in GB',
    });
  });
});
