/// <reference lib="dom" />
import type { Commitment, Direction, ObservationStatus } from './api';

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
const percent = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** A value as stored: grouped thousands, no rounding beyond six decimals. */
export function formatValue(value: number): string {
  return number.format(value);
}

export function formatPercentile(value: number): string {
  return percent.format(value);
}

export const DIRECTION_WORDS: Record<Direction, string> = {
  LOWER_IS_BETTER: 'lower is better',
  HIGHER_IS_BETTER: 'higher is better',
  NEUTRAL: 'no better end',
};

/** Status flags, as in statistical tables; MEASURED has none. */
export const STATUS_FLAGS: Record<ObservationStatus, { flag: string; words: string } | null> = {
  MEASURED: null,
  ESTIMATED: { flag: 'e', words: 'estimated' },
  PROVISIONAL: { flag: 'p', words: 'provisional' },
  CONVERTED: { flag: 'c', words: 'converted from another unit or definition' },
  BREAK_IN_SERIES: { flag: 'b', words: 'break in series: not comparable with earlier years' },
};

/** The API's warning codes in words; the API's message says the particulars. */
export const WARNING_TITLES: Record<string, string> = {
  NO_DATA: 'No data',
  FEW_OBSERVATIONS: 'Too few values to mean much',
  MIXED_UNITS: 'Mixed units',
  NEUTRAL_DIRECTION: 'No better end: ordered highest first',
  UNDATED_COMMITMENTS: 'Undated commitments',
  ESTIMATED_VALUES: 'Estimated or provisional values',
  CONVERTED_VALUES: 'Converted values',
  BREAK_IN_SERIES: 'Break in series',
  PRE_TREND_FAILED: 'Trends differed before adoption',
  NON_UNIQUE_WEIGHTS: 'Other weights may fit as well',
  POOR_PRE_FIT: 'Poor fit before adoption',
  INCOMPLETE_PANEL: 'Years or cities left out',
};

export function cityLabel(city: { name: string; region: string | null }): string {
  return city.region && city.region !== city.name ? `${city.name}, ${city.region}` : city.name;
}

/** Labels that tell cities apart: "York, England" and "York, PA"; the country code where that is not enough. */
export function uniqueLabels<T extends { id: string; name: string; region: string | null; country: { code: string } }>(
  cities: T[],
): Map<string, string> {
  const counts = new Map<string, number>();
  for (const city of cities) counts.set(cityLabel(city), (counts.get(cityLabel(city)) ?? 0) + 1);
  const labels = new Map<string, string>();
  for (const city of cities) {
    const label = cityLabel(city);
    labels.set(city.id, (counts.get(label) ?? 0) > 1 ? `${label} (${city.country.code})` : label);
  }
  return labels;
}

/**
 * Where an adoption date sits on a time axis of years: a day or month inside its year, a date
 * known only to the year at the start of it (as the API sorts it).
 */
export function adoptionPosition(commitment: Commitment): number | null {
  const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(commitment.adoptedOn ?? '');
  if (!match) return null;
  const year = Number(match[1]);
  if (!match[2]) return year;
  const month = Number(match[2]) - 1;
  if (!match[3]) return year + (month + 0.5) / 12;
  const start = Date.UTC(year, 0, 1);
  const day = (Date.UTC(year, month, Number(match[3])) - start) / 86_400_000;
  const days = (Date.UTC(year + 1, 0, 1) - start) / 86_400_000;
  return year + day / days;
}

export function instrumentWords(commitment: Commitment): string {
  if (!commitment.instrument) return commitment.kind.toLowerCase();
  if (commitment.instrument.code === 'HRC') return 'human rights city';
  return commitment.instrument.code;
}
