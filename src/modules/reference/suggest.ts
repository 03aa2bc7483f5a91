/**
 * Values longer than this get no "did you mean": no code or slug is that long, and the edit
 * distance costs length x length per candidate.
 */
export const SUGGEST_MAX_LENGTH = 64;

/** Edit distance, for suggesting the code a user probably meant. */
export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * Up to `count` existing codes closest to `code` (case-insensitive edit distance, then
 * alphabetical), closest first; none for an implausibly long value. One pass over the
 * candidates plus a sort: linear in their number for a bounded value.
 */
export function closestCodes(code: string, existing: readonly string[], count = 3): string[] {
  if (code.length > SUGGEST_MAX_LENGTH) return [];
  const wanted = code.toLowerCase();
  return existing
    .map((candidate) => ({
      candidate,
      distance: candidate.length > 4 * SUGGEST_MAX_LENGTH ? Infinity : levenshtein(wanted, candidate.toLowerCase()),
    }))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map((x) => x.candidate);
}
