import { CITIES } from '../../seeds/cities';
import { COMMITMENTS } from '../../seeds/commitments';
import { COUNTRIES } from '../../seeds/countries';
import { INDICATORS } from '../../seeds/indicators';
import { INSTRUMENTS } from '../../seeds/instruments';
import { NETWORK_MEMBERSHIPS, NETWORKS } from '../../seeds/networks';
import { OBSERVATIONS } from '../../seeds/observations';
import { RATIFICATIONS } from '../../seeds/ratifications';
import { RIGHTS } from '../../seeds/rights';
import { SOURCES } from '../../seeds/sources';
import { parsePartialDate, type PartialDate } from '../modules/common/text';

/** A seed's adoption date, to the precision it gives (see parsePartialDate); a bad one is an error. */
export function parseAdopted(adopted: string): PartialDate {
  const parsed = parsePartialDate(adopted);
  if (!parsed) throw new Error(`adoption date "${adopted}" is not YYYY, YYYY-MM or YYYY-MM-DD`);
  return parsed;
}

/**
 * The inserts join on codes and slugs, so a typo in seeds/ would silently drop a row instead of
 * failing. Checking every reference first turns it into an error that names the culprit.
 */
export function checkSeeds(): void {
  const problems: string[] = [];
  const unique = (what: string, keys: readonly string[]) => {
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(key)) problems.push(`duplicate ${what} ${key}`);
      seen.add(key);
    }
    return seen;
  };
  const countries = unique(
    'country',
    COUNTRIES.map((c) => c.code),
  );
  const cities = unique(
    'city slug',
    CITIES.map((c) => c.slug),
  );
  const rights = unique(
    'right',
    RIGHTS.map((r) => r.code),
  );
  const instruments = unique(
    'instrument',
    INSTRUMENTS.map((i) => i.code),
  );
  const networks = unique(
    'network',
    NETWORKS.map((n) => n.code),
  );
  const indicators = unique(
    'indicator',
    INDICATORS.map((i) => i.code),
  );
  unique(
    'source title',
    Object.values(SOURCES).map((s) => s.title),
  );
  unique(
    'ratification',
    RATIFICATIONS.map((r) => `${r.countryCode}/${r.instrumentCode}`),
  );
  unique(
    'commitment',
    COMMITMENTS.map((c) => `${c.citySlug}/${c.instrument}/${c.title}`),
  );
  unique(
    'observation',
    OBSERVATIONS.map((o) => `${o.citySlug}/${o.indicatorCode}/${o.year}/${o.source}`),
  );
  const known = (what: string, set: Set<string>, key: string) => {
    if (!set.has(key)) problems.push(`unknown ${what} ${key}`);
  };
  for (const c of CITIES) known('country', countries, c.countryCode);
  for (const i of INSTRUMENTS) for (const r of i.rights) known('right', rights, r);
  for (const r of RATIFICATIONS) {
    known('country', countries, r.countryCode);
    known('instrument', instruments, r.instrumentCode);
  }
  for (const n of NETWORK_MEMBERSHIPS) {
    known('network', networks, n.networkCode);
    known('city', cities, n.citySlug);
  }
  for (const c of COMMITMENTS) {
    known('city', cities, c.citySlug);
    known('instrument', instruments, c.instrument);
    for (const r of c.rights) known('right', rights, r);
    try {
      parseAdopted(c.adopted);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const i of INDICATORS) for (const r of i.rights) known('right', rights, r);
  for (const o of OBSERVATIONS) {
    known('city', cities, o.citySlug);
    known('indicator', indicators, o.indicatorCode);
  }
  if (problems.length > 0) throw new Error(`seeds/ is inconsistent: ${problems.join('; ')}`);
}
