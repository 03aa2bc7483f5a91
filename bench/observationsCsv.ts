import type { CityPlan, CountryPlan, DatasetPlan, IndicatorPlan } from './dataset';
import { Prng, hashString } from './prng';
import { SEED } from './dataset';

export const CSV_HEADER = 'city,country,indicator,year,value,lower,upper,status\n';
const MISSING_TOKENS = ['NA', '', '..'];

function decimals(indicator: IndicatorPlan): number {
  return indicator.max <= 1 ? 4 : 2;
}

/**
 * The tidy CSV of one indicator's observations, one chunk per city series: what a statistics
 * office would publish. Each indicator has its own random stream, so the values do not depend
 * on how indicators are batched into imports.
 *
 * - Level: indicator mean + sd * (country effect + city effect + trend * years + noise), clamped.
 * - Missing (written as NA, empty or `..`, as real files do): 2% of values at random, 2% of series
 *   stop 1-5 years early, 3% start 1-10 years late; about 3% in all.
 * - Status: 3% ESTIMATED, 0.5% CONVERTED, 0.1% BREAK_IN_SERIES, 10% of last-year values PROVISIONAL.
 * - Intervals (lower, upper) on the indicators marked `interval`.
 */
export function* indicatorCsv(plan: DatasetPlan, indicator: IndicatorPlan): Generator<string> {
  const prng = new Prng(hashString(`${SEED}:observations:${indicator.code}`));
  const countries = new Map<string, CountryPlan>(plan.countries.map((c) => [c.code, c]));
  const { firstYear, lastYear } = plan.scale;
  const span = lastYear - firstYear;
  const d = decimals(indicator);
  const scale = 10 ** d;
  for (const city of plan.cities as CityPlan[]) {
    const country = countries.get(city.countryCode) as CountryPlan;
    const level = country.effect + prng.normal() * 0.7;
    const trend = prng.normal() * 0.03;
    const start = prng.chance(0.03) ? firstYear + prng.int(1, 10) : firstYear;
    const end = prng.chance(0.02) ? lastYear - prng.int(1, 5) : lastYear;
    let chunk = '';
    for (let year = firstYear; year <= lastYear; year += 1) {
      const z = level + trend * (year - firstYear - span / 2) + prng.normal() * 0.25;
      const raw = Math.min(indicator.max, Math.max(indicator.min, indicator.mean + indicator.sd * z));
      const prefix = `${city.slug},${city.countryCode},${indicator.code},${year},`;
      if (year < start || year > end || prng.chance(0.02)) {
        chunk += `${prefix}${prng.pick(MISSING_TOKENS)},,,\n`;
        continue;
      }
      const value = Math.round(raw * scale) / scale;
      let lower = '';
      let upper = '';
      if (indicator.interval) {
        const half = Math.abs(prng.normal()) * indicator.sd * 0.1 + indicator.sd * 0.02;
        lower = String(Math.min(value, Math.max(indicator.min, Math.floor((raw - half) * scale) / scale)));
        upper = String(Math.max(value, Math.min(indicator.max, Math.ceil((raw + half) * scale) / scale)));
      }
      const roll = prng.next();
      const status =
        year === lastYear && roll < 0.1
          ? 'PROVISIONAL'
          : roll > 0.964
            ? 'ESTIMATED'
            : roll > 0.959
              ? 'CONVERTED'
              : roll > 0.958
                ? 'BREAK_IN_SERIES'
                : '';
      chunk += `${prefix}${value},${lower},${upper},${status}\n`;
    }
    yield chunk;
  }
}

/** Header, then the series of each indicator of the batch. */
export function* batchCsv(plan: DatasetPlan, indicators: IndicatorPlan[]): Generator<string> {
  yield CSV_HEADER;
  for (const indicator of indicators) yield* indicatorCsv(plan, indicator);
}
