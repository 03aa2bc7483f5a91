/** Tokens statistics offices use for "no value": missing, never zero. */
const MISSING = new Set(['', 'na', 'n/a', '..', '-', '…']);

export function isMissing(text: string): boolean {
  return MISSING.has(text.trim().toLowerCase());
}

/**
 * A number as written in a CSV: plain (`-1.5`, `2e3`) or with thousands separators in a
 * quoted field (`"1,234,567.8"`). A lone decimal comma (`1,5`) is refused rather than read as
 * fifteen or one and a half. Returns null when the text is not a number; a number beyond the
 * range of a double (`1e400`) is returned as ±Infinity, for the caller to refuse.
 */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) return Number(t.replace(/,/g, ''));
  return null;
}

const FOLD: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ł: 'l', ı: 'i' };

/** Case- and accent-insensitive form of a name, for matching "Zürich" with "zurich". */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[øæœßđłı]/g, (ch) => FOLD[ch])
    .replace(/\s+/g, ' ')
    .trim();
}

/** URL-safe slug: "San Francisco" -> "san-francisco". */
export function slugify(text: string): string {
  return foldName(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
