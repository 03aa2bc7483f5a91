/**
 * A stored disaggregation key ('sex=female;age=15-24', '' for the total) as dimension -> value,
 * the inverse of how the import builds it from its disaggregation columns.
 */
export function splitDisaggregation(key: string): Map<string, string> {
  const dimensions = new Map<string, string>();
  for (const pair of key.split(';')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    // A key written without "dimension=" (by hand, not by the import) still gets a column.
    if (at < 0) dimensions.set('disaggregation', pair);
    else dimensions.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return dimensions;
}
