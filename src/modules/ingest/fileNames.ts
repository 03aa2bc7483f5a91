import type { ParsedRow } from './parseObservations';
import type { CityRef } from './importTypes';

/**
 * The distinct city references and indicator codes of the staged rows, numbered in order of
 * first appearance: what the database checks need, in memory bounded by the distinct names.
 */
export class FileNames {
  readonly cities: CityRef[] = [];
  readonly indicators: string[] = [];
  private readonly cityIndex = new Map<string, number>();
  private readonly indicatorIndex = new Map<string, number>();
  /** The last row's city and indicator and their numbers: a file's rows mostly come in runs of both. */
  private last: { row: Pick<ParsedRow, 'city' | 'country' | 'region'>; index: number } | null = null;
  private lastIndicator: { code: string; index: number } | null = null;

  city(row: ParsedRow): number {
    const last = this.last;
    if (last && last.row.city === row.city && last.row.country === row.country && last.row.region === row.region)
      return last.index;
    // NUL never reaches here (the parser refuses it), so it separates the parts safely.
    const key = `${row.country}\u0000${row.region ?? ''}\u0000${row.city}`;
    let i = this.cityIndex.get(key);
    if (i === undefined) {
      i = this.cities.length;
      this.cities.push({ city: row.city, country: row.country, region: row.region });
      this.cityIndex.set(key, i);
    }
    this.last = { row: { city: row.city, country: row.country, region: row.region }, index: i };
    return i;
  }

  indicator(code: string): number {
    if (code === this.lastIndicator?.code) return this.lastIndicator.index;
    let i = this.indicatorIndex.get(code);
    if (i === undefined) {
      i = this.indicators.length;
      this.indicators.push(code);
      this.indicatorIndex.set(code, i);
    }
    this.lastIndicator = { code, index: i };
    return i;
  }
}
