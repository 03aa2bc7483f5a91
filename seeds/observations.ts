import { ObservationStatus } from '../src/modules/indicator/observation.entity';
import type { SourceKey } from './sources';

/**
 * Every observation in the demo data. Source: /work/shared/data/seed-facts.md, "Observations".
 * The two tables below are that file's tables, row for row and in its order, so that a reviewer
 * can check them side by side. All values are MEASURED, for the total (no disaggregation).
 */

/** A value the source did not report. The seeder stores no row for it: missing is not zero. */
export const NA = null;
export type Value = number | typeof NA;

export interface ObservationSeed {
  citySlug: string;
  indicatorCode: string;
  year: number;
  value: number;
  status: ObservationStatus;
  source: SourceKey;
}

/**
 * The UCR agency name of each department and the seeded city it polices. "Louisville, Ky." is
 * Louisville, Kentucky, not the Louisville in Colorado that adopted a CEDAW resolution.
 */
export const UCR_DEPARTMENT_CITY: Readonly<Record<string, string>> = {
  Pittsburgh: 'pittsburgh-us',
  'Washington, D.C.': 'washington-us',
  'San Francisco': 'san-francisco-us',
  Seattle: 'seattle-us',
  Boston: 'boston-us',
  'Los Angeles': 'los-angeles-us',
  Honolulu: 'honolulu-us',
  'Salt Lake City': 'salt-lake-city-us',
  'Louisville, Ky.': 'louisville-ky-us',
  Minneapolis: 'minneapolis-us',
  'Long Beach, Calif.': 'long-beach-us',
  Miami: 'miami-us',
};

export type UcrRow = [
  department: string,
  year: number,
  population: Value,
  homicides: Value,
  homicidesPer100k: Value,
  violentCrimesPer100k: Value,
];

/**
 * FBI Uniform Crime Reports as compiled by The Marshall Project. The homicide count is kept
 * only so that the table matches the fact sheet column for column; it is not an indicator and
 * is not stored (the rate is).
 */
// prettier-ignore
export const UCR_ROWS: readonly UcrRow[] = [
  // department          year   population  homicides  per 100k  violent per 100k
  ['Pittsburgh',          2010,   307630,   55,  17.88,   913.43],
  ['Pittsburgh',          2011,   308609,   44,  14.26,   802.31],
  ['Pittsburgh',          2012,   312112,   41,  13.14,   751.97],
  ['Pittsburgh',          2013,   307632,   45,  14.63,   734.32],
  ['Pittsburgh',          2014,   307613,   69,  22.43,   798.08],
  ['Pittsburgh',          2015,   306870,   57,  18.57,   706.16],
  ['Washington, D.C.',    2010,   601723,  132,  21.94,  1241.10],
  ['Washington, D.C.',    2011,   617996,  108,  17.48,  1130.27],
  ['Washington, D.C.',    2012,   632323,   88,  13.92,  1177.88],
  ['Washington, D.C.',    2013,   646449,  103,  15.93,  1218.97],
  ['Washington, D.C.',    2014,   658893,  105,  15.94,  1185.32],
  ['Washington, D.C.',    2015,   672228,  162,  24.10,  1202.57],
  ['San Francisco',       2010,   805235,   48,   5.96,   713.70],
  ['San Francisco',       2011,   814701,   50,   6.14,   659.63],
  ['San Francisco',       2012,   820363,   69,   8.41,   704.20],
  ['San Francisco',       2013,   833863,   48,   5.76,   847.14],
  ['San Francisco',       2014,   850294,   45,   5.29,   795.14],
  ['San Francisco',       2015,   863782,   53,   6.14,   776.82],
  ['Seattle',             2010,   608660,   19,   3.12,   577.50],
  ['Seattle',             2011,   618209,   20,   3.24,   592.68],
  ['Seattle',             2012,   626865,   25,   3.99,   603.32],
  ['Seattle',             2013,   642814,   18,   2.80,   584.93],
  ['Seattle',             2014,   663410,   26,   3.92,   603.70],
  ['Seattle',             2015,   683700,   23,   3.36,   598.65],
  ['Boston',              2010,   617594,   73,  11.82,   942.20],
  ['Boston',              2011,   621359,   63,  10.14,   845.24],
  ['Boston',              2012,   630648,   57,   9.04,   835.01],
  ['Boston',              2013,   643799,   39,   6.06,   782.39],
  ['Boston',              2014,   654413,   53,   8.10,   725.69],
  ['Boston',              2015,   665258,   38,   5.71,   706.79],
  ['Los Angeles',         2010,  3792621,  293,   7.73,   566.47],
  ['Los Angeles',         2011,  3837207,  297,   7.74,   522.39],
  ['Los Angeles',         2012,  3855122,  299,   7.76,   481.10],
  ['Los Angeles',         2013,  3878725,  251,   6.47,   426.02],
  ['Los Angeles',         2014,  3906772,  260,   6.66,   490.71],
  ['Los Angeles',         2015,  3962726,  282,   7.12,   634.82],
  ['Honolulu',            2010,   953297,   19,   1.99,   267.28],
  ['Honolulu',            2011,   963465,   14,   1.45,   245.99],
  ['Honolulu',            2012,   975875,   11,   1.13,   239.37],
  ['Honolulu',            2013,   984683,   18,   1.83,   231.14],
  ['Honolulu',            2014,   994034,   19,   1.91,   228.66],
  ['Honolulu',            2015,   999307,   15,   1.50,   243.87],
  ['Salt Lake City',      2010,   186440,    8,   4.29,   694.06],
  ['Salt Lake City',      2011,   190038,    7,   3.68,   647.24],
  ['Salt Lake City',      2012,   192465,    8,   4.16,   676.49],
  ['Salt Lake City',      2013,   190246,    7,   3.68,   781.62],
  ['Salt Lake City',      2014,   192368,    7,   3.64,   754.80],
  ['Salt Lake City',      2015,   191992,    8,   4.17,   855.24],
  ['Louisville, Ky.',     2010,   660582,   52,   7.87,   565.26],
  ['Louisville, Ky.',     2011,   665152,   48,   7.22,   614.30],
  ['Louisville, Ky.',     2012,   666200,   62,   9.31,   598.77],
  ['Louisville, Ky.',     2013,   671120,   48,   7.15,   542.97],
  ['Louisville, Ky.',     2014,   677710,   56,   8.26,   592.44],
  ['Louisville, Ky.',     2015,   680550,   81,  11.90,   631.84],
  ['Minneapolis',         2010,   382578,   37,   9.67,  1062.27],
  ['Minneapolis',         2011,   385531,   32,   8.30,   965.42],
  ['Minneapolis',         2012,   390240,   39,   9.99,   992.21],
  ['Minneapolis',         2013,   396206,   36,   9.09,  1019.17],
  ['Minneapolis',         2014,   404461,   31,   7.66,  1011.96],
  ['Minneapolis',         2015,   413479,   47,  11.37,  1062.93],
  ['Long Beach, Calif.',  2010,   462257,   32,   6.92,   588.42],
  ['Long Beach, Calif.',  2011,   467691,   25,   5.35,   610.87],
  ['Long Beach, Calif.',  2012,   469893,   32,   6.81,   575.66],
  ['Long Beach, Calif.',  2013,   469665,   34,   7.24,   499.50],
  ['Long Beach, Calif.',  2014,   471123,   23,   4.88,   489.04],
  ['Long Beach, Calif.',  2015,   476318,   36,   7.56,   580.70],
  ['Miami',               2010,   399457,   68,  17.02,  1221.41],
  ['Miami',               2011,   404901,   68,  16.79,  1197.58],
  ['Miami',               2012,   414327,   69,  16.65,  1172.02],
  ['Miami',               2013,   418394,   71,  16.97,  1181.90],
  ['Miami',               2014,   421996,   81,  19.19,  1059.96],
  ['Miami',               2015,   437969,   75,  17.12,  1021.31],
];

export type WhoRow = [factSheetCity: string, citySlug: string, year: number, pm25: Value];

/** WHO Ambient Air Quality Database 2018 (v14), annual mean PM2.5 in µg/m³. */
// prettier-ignore
export const WHO_PM25_ROWS: readonly WhoRow[] = [
  ['Graz AT',            'graz-at',           2016, 17],
  ['Vienna AT (Wien)',   'vienna-at',         2016, 14],
  ['Barcelona ES',       'barcelona-es',      2016, 14],
  ['York GB',            'york-gb',           2016, 11],
  ['Gwangju KR',         'gwangju-kr',        2016, 23],
  ['Utrecht NL',         'utrecht-nl',        2016, 11],
  ['Edmonton CA',        'edmonton-ca',       2015,  9],
  ['Boston US',          'boston-us',         2016,  7],
  ['Honolulu US',        'honolulu-us',       2016,  3],
  ['Los Angeles US',     'los-angeles-us',    2016, 12],
  ['Louisville US-KY',   'louisville-ky-us',  2016,  8],
  ['Miami US',           'miami-us',          2016,  8],
  ['Minneapolis US',     'minneapolis-us',    2016,  7],
  ['Pittsburgh US',      'pittsburgh-us',     2015,  9],
  ['Salt Lake City US',  'salt-lake-city-us', 2016,  9],
  ['San Francisco US',   'san-francisco-us',  2016,  8],
  ['Seattle US',         'seattle-us',        2016,  6],
  ['Washington US-DC',   'washington-us',     2016,  7],
];

function ucrCity(department: string): string {
  const slug = UCR_DEPARTMENT_CITY[department];
  if (!slug) throw new Error(`no seeded city for UCR department "${department}"`);
  return slug;
}

const { MEASURED } = ObservationStatus;

/** Which UCR column holds which indicator; the homicide count (column 3) is none. */
const UCR_INDICATOR_COLUMNS = [
  ['population', 2],
  ['homicide-rate', 4],
  ['violent-crime-rate', 5],
] as const;

export const OBSERVATIONS: readonly ObservationSeed[] = [
  ...UCR_ROWS.flatMap((row) => {
    const [department, year] = row;
    return UCR_INDICATOR_COLUMNS.flatMap(([indicatorCode, column]) => {
      const value = row[column];
      if (value === NA) return [];
      const source = 'marshallProjectCrimeReport' as const;
      return [{ citySlug: ucrCity(department), indicatorCode, year, value, status: MEASURED, source }];
    });
  }),
  ...WHO_PM25_ROWS.flatMap(([, citySlug, year, value]) => {
    if (value === NA) return [];
    const source = 'whoAmbientAirQuality2018' as const;
    return [{ citySlug, indicatorCode: 'pm25-annual-mean', year, value, status: MEASURED, source }];
  }),
];
