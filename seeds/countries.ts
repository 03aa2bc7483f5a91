/**
 * Every country a seeded city lies in. Source: /work/shared/data/seed-facts.md (the country
 * column of the cities table); alpha-3 codes and English short names are ISO 3166-1.
 */
export interface CountrySeed {
  code: string;
  alpha3: string;
  name: string;
}

export const COUNTRIES: readonly CountrySeed[] = [
  { code: 'AR', alpha3: 'ARG', name: 'Argentina' },
  { code: 'AT', alpha3: 'AUT', name: 'Austria' },
  { code: 'KR', alpha3: 'KOR', name: 'Republic of Korea' },
  { code: 'NL', alpha3: 'NLD', name: 'Netherlands' },
  { code: 'GB', alpha3: 'GBR', name: 'United Kingdom' },
  { code: 'ES', alpha3: 'ESP', name: 'Spain' },
  { code: 'CA', alpha3: 'CAN', name: 'Canada' },
  { code: 'US', alpha3: 'USA', name: 'United States' },
];
