import { DatePrecision } from '../commitment/commitment.entity';

/**
 * The text rules the API, the import, curation and the seeder share: ASCII folding of names,
 * slugs, and dates known to a year, a month or a day. (Postgres has its own fold for searches,
 * `rg_fold`, in the migrations.)
 */

/** The name without its accents: "Zürich" -> "Zurich", "São Paulo" -> "Sao Paulo". */
export function stripAccents(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '');
}

/** Letters that have no decomposition to strip, written as the ASCII a reader would type. */
const FOLD: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ł: 'l', ı: 'i' };

/** Case- and accent-insensitive form of a name, for matching "Zürich" with "zurich". */
export function foldName(text: string): string {
  return stripAccents(text)
    .toLowerCase()
    .replace(/[øæœßđłı]/g, (ch) => FOLD[ch])
    .replace(/\s+/g, ' ')
    .trim();
}

let transliterate: ((text: string) => string) | undefined;

/**
 * The Latin letters of a text in another script: "Зуунмод" -> "Zuunmod", "北京" -> "Bei Jing",
 * "Αθήνα" -> "Athina" (the transliteration package's tables). Text in Latin letters comes back
 * as it is. The tables load on the first call that needs them, never at server start.
 */
export function toLatin(text: string): string {
  // Latin letters with their accents, digits, punctuation: nothing to transliterate.
  if (!/[^\s!-\u024f\u1e00-\u1eff]/.test(text)) return text;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  transliterate ??= (require('transliteration') as typeof import('transliteration')).transliterate;
  return transliterate(text);
}

/**
 * URL-safe slug: "San Francisco" -> "san-francisco", "Зуунмод" -> "zuunmod". Another script is
 * transliterated first, so a name in Cyrillic, Greek or Han characters keeps a slug of its own
 * rather than folding to nothing.
 */
export function slugify(text: string): string {
  return foldName(toLatin(text))
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The shape of a partial date: YYYY, YYYY-MM or YYYY-MM-DD (whether it is a calendar date is parsePartialDate's). */
export const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** A date to the precision known, stored as the first day of its period. */
export interface PartialDate {
  /** YYYY-MM-DD: the day, or the first day of the month or year. */
  date: string;
  precision: DatePrecision;
}

/**
 * '1997' -> 1997-01-01 (YEAR), '2012-05' -> 2012-05-01 (MONTH), '2001-02-08' (DAY); null when the
 * text is not of that shape or not a calendar date ('2012-13', '2001-02-30').
 */
export function parsePartialDate(text: string): PartialDate | null {
  if (!PARTIAL_DATE.test(text)) return null;
  const date = text.length === 4 ? `${text}-01-01` : text.length === 7 ? `${text}-01` : text;
  const precision =
    text.length === 4 ? DatePrecision.YEAR : text.length === 7 ? DatePrecision.MONTH : DatePrecision.DAY;
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) return null;
  return { date, precision };
}

/** A stored date to the precision known: 1997, 1998-04 or 2016-12-06. */
export function formatPartialDate(date: string | null, precision: DatePrecision | null): string | null {
  if (date === null) return null;
  if (precision === DatePrecision.YEAR) return date.slice(0, 4);
  if (precision === DatePrecision.MONTH) return date.slice(0, 7);
  return date;
}
