/**
 * The 25 demo cities. Source: /work/shared/data/seed-facts.md, "Cities" (coordinates are
 * approximate city centres).
 *
 * Slugs are written out rather than derived so that they never change under a reader: they are
 * `<ascii name>-<country>`, with the region added where name and country repeat (the two
 * Louisvilles). Every given name is ASCII already, so `asciiName` equals `name`.
 */
export interface CitySeed {
  slug: string;
  name: string;
  asciiName: string;
  alternateNames: readonly string[];
  countryCode: string;
  region: string;
  latitude: number;
  longitude: number;
}

type Row = [
  slug: string,
  name: string,
  country: string,
  region: string,
  lat: number,
  lon: number,
  alsoCalled?: string[],
];

// prettier-ignore
const ROWS: readonly Row[] = [
  ['rosario-ar',        'Rosario',        'AR', 'Santa Fe',  -32.95,  -60.65],
  ['graz-at',           'Graz',           'AT', 'Styria',     47.07,   15.44],
  ['vienna-at',         'Vienna',         'AT', 'Vienna',     48.21,   16.37, ['Wien']],
  ['gwangju-kr',        'Gwangju',        'KR', 'Gwangju',    35.16,  126.85],
  ['utrecht-nl',        'Utrecht',        'NL', 'Utrecht',    52.09,    5.12],
  ['york-gb',           'York',           'GB', 'England',    53.96,   -1.08],
  ['barcelona-es',      'Barcelona',      'ES', 'Catalonia',  41.39,    2.17],
  ['edmonton-ca',       'Edmonton',       'CA', 'Alberta',    53.55, -113.49],
  ['washington-us',     'Washington',     'US', 'DC',         38.91,  -77.04, ['Washington, D.C.']],
  ['pittsburgh-us',     'Pittsburgh',     'US', 'PA',         40.44,  -79.99],
  ['eugene-us',         'Eugene',         'US', 'OR',         44.05, -123.09],
  ['san-francisco-us',  'San Francisco',  'US', 'CA',         37.77, -122.42],
  ['toledo-us',         'Toledo',         'US', 'OH',         41.65,  -83.54],
  ['lafayette-us',      'Lafayette',      'US', 'CO',         39.99, -105.09],
  ['louisville-co-us',  'Louisville',     'US', 'CO',         39.98, -105.13],
  ['louisville-ky-us',  'Louisville',     'US', 'KY',         38.25,  -85.76],
  ['greeley-us',        'Greeley',        'US', 'CO',         40.42, -104.71],
  ['seattle-us',        'Seattle',        'US', 'WA',         47.61, -122.33],
  ['boston-us',         'Boston',         'US', 'MA',         42.36,  -71.06],
  ['los-angeles-us',    'Los Angeles',    'US', 'CA',         34.05, -118.24],
  ['honolulu-us',       'Honolulu',       'US', 'HI',         21.31, -157.86],
  ['salt-lake-city-us', 'Salt Lake City', 'US', 'UT',         40.76, -111.89],
  ['minneapolis-us',    'Minneapolis',    'US', 'MN',         44.98,  -93.27],
  ['long-beach-us',     'Long Beach',     'US', 'CA',         33.77, -118.19],
  ['miami-us',          'Miami',          'US', 'FL',         25.76,  -80.19],
];

export const CITIES: readonly CitySeed[] = ROWS.map(
  ([slug, name, countryCode, region, latitude, longitude, alsoCalled]) => ({
    slug,
    name,
    asciiName: name.normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
    alternateNames: alsoCalled ?? [],
    countryCode,
    region,
    latitude,
    longitude,
  }),
);
