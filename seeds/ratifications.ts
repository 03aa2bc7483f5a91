import { RatificationStatus } from '../src/modules/country/ratification.entity';
import type { SourceKey } from './sources';

/**
 * National status of the five core treaties for every seeded country. Source:
 * /work/shared/data/seed-facts.md, "National ratifications (UN Treaty Collection, status as of
 * 2026)", laid out as there: one row per country, one column per treaty.
 *
 * `year` is the year of ratification or accession and `date` the full date where the fact sheet
 * gives one; a treaty that is only signed has no `year` but a `signedYear`. The fact sheet gives
 * signature years only for the treaties not ratified, so `signedYear` is null elsewhere.
 */
export interface RatificationSeed {
  countryCode: string;
  instrumentCode: string;
  status: RatificationStatus;
  year: number | null;
  date: string | null;
  signedYear: number | null;
  source: SourceKey;
}

/**
 * The fact sheet states the status "as of 2026" without a day; its first day orders these facts
 * after the UN snapshot of 2022-08-25 (seeds/unTreatyStatus.ts), which they supersede.
 */
export const RATIFICATIONS_AS_OF = '2026-01-01';

type Status = Pick<RatificationSeed, 'status' | 'year' | 'date' | 'signedYear'>;

function signed(signedYear: number): Status {
  return { status: RatificationStatus.SIGNED, year: null, date: null, signedYear };
}

/** `on` is a year, or an ISO date where the fact sheet gives the day. */
function ratified(on: number | string): Status {
  return { status: RatificationStatus.RATIFIED, ...when(on), signedYear: null };
}

function acceded(on: number | string): Status {
  return { status: RatificationStatus.ACCEDED, ...when(on), signedYear: null };
}

function when(on: number | string): { year: number; date: string | null } {
  return typeof on === 'number' ? { year: on, date: null } : { year: Number(on.slice(0, 4)), date: on };
}

const TREATIES = ['CEDAW', 'ICESCR', 'ICCPR', 'CRC', 'CRPD'] as const;

type Row = [country: string, cedaw: Status, icescr: Status, iccpr: Status, crc: Status, crpd: Status];

// prettier-ignore
const ROWS: readonly Row[] = [
  ['US', signed(1980),             signed(1977),   ratified(1992), signed(1995),   signed(2009)],
  ['AT', ratified('1982-03-31'),   ratified(1978), ratified(1978), ratified(1992), ratified(2008)],
  ['AR', ratified('1985-07-15'),   ratified(1986), ratified(1986), ratified(1990), ratified(2008)],
  ['KR', ratified(1984),           acceded(1990),  acceded(1990),  ratified(1991), ratified(2008)],
  ['NL', ratified(1991),           ratified(1978), ratified(1978), ratified(1995), ratified(2016)],
  ['GB', ratified(1986),           ratified(1976), ratified(1976), ratified(1991), ratified(2009)],
  ['ES', ratified(1984),           ratified(1977), ratified(1977), ratified(1990), ratified(2007)],
  ['CA', ratified(1981),           acceded(1976),  acceded(1976),  ratified(1991), ratified(2010)],
];

export const RATIFICATIONS: readonly RatificationSeed[] = ROWS.flatMap(([countryCode, ...statuses]) =>
  statuses.map((status, i) => ({
    countryCode,
    instrumentCode: TREATIES[i],
    ...status,
    source: 'unTreatyCollection' as const,
  })),
);
