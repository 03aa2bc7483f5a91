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

// Name folding and slugs are the text module's; imported from here before it existed.
export { foldName, slugify } from '../common/text';
