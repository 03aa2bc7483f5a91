import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alpha3ToAlpha2 } from 'i18n-iso-countries';
import { CITIES as SEEDED_CITIES } from '../../seeds/cities';
import { foldName } from '../../src/modules/common/text';
import { PLACES } from '../../bench/globalCities';
import { ensureBuilt, type Exited, ROOT, run } from '../helpers/serverProcess';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

/**
 * The README's global import ("A global file: new cities placed by the gazetteer"): its
 * commands, run as a reader runs them (npm run import, against a seeded database of the
 * test's own), print what the README shows under each of them. The example's values are
 * checked against the gazetteer package they come from, so the file stays real data.
 */
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const EXAMPLE = path.join(ROOT, 'examples/global-cities');

interface Step {
  command: string;
  /** The `# ` lines under the command: its output, shortened with `...`. */
  shown: string[];
}

/** The sh block of the README that imports examples/global-cities, as commands and their shown output. */
function readmeSteps(): Step[] {
  const blocks = [...README.matchAll(/^```sh\n([\s\S]*?)^```$/gm)]
    .map((m) => m[1])
    .filter((b) => b.includes('examples/global-cities/'));
  expect(blocks).toHaveLength(1);
  const steps: Step[] = [];
  for (const line of blocks[0].split('\n').filter(Boolean)) {
    if (line.startsWith('# ')) steps[steps.length - 1].shown.push(line.slice(2));
    else steps.push({ command: line, shown: [] });
  }
  return steps;
}

/**
 * A shown line as a pattern: `...` stands for anything, and the seconds an import took may
 * differ. So may the release's id, which comes from a sequence: release 2 on a fresh demo
 * database, but the embedded test databases are restored from a snapshot, where Postgres has
 * already logged the sequence's next 32 values; the test checks the id against the database.
 */
function pattern(shown: string): RegExp {
  const escaped = shown
    .split('...')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
    .replace(/\d+\\\.\d s\\\)/g, '\\d+\\.\\d s\\)')
    .replace(/^release \d+:/, 'release \\d+:');
  return new RegExp(`^${escaped}$`);
}

let db: TestDatabase;
let scratch: string;
beforeAll(async () => {
  ensureBuilt();
  db = await createTestDatabase();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'rg-global-example-'));
}, 180_000);
afterAll(async () => {
  await db.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the example file', () => {
  it('is 20 GeoNames populations of 20 cities in 16 countries (alpha-3 codes), 4 of them demo cities', () => {
    const [header, ...lines] = readFileSync(path.join(EXAMPLE, 'cities.csv'), 'utf8').trim().split('\n');
    expect(header).toBe('city,country,region,indicator,year,value');
    const rows = lines.map((line) => {
      const [city, country, region, indicator, year, value] = line.split(',');
      return { city, country, region: region || null, indicator, year: Number(year), value: Number(value) };
    });
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.country)).size).toBe(16);
    const seeded = rows.filter((r) =>
      SEEDED_CITIES.some(
        (c) =>
          c.countryCode === alpha3ToAlpha2(r.country) &&
          [c.name, ...c.alternateNames].some((n) => foldName(n) === foldName(r.city)),
      ),
    );
    expect(seeded.map((r) => `${r.city}, ${r.country}`)).toEqual([
      'Wien, AUT',
      'York, GBR',
      'Los Angeles, USA',
      'Toledo, USA',
    ]);
    for (const row of rows) {
      expect(row.country).toMatch(/^[A-Z]{3}$/);
      expect([row.indicator, row.year]).toEqual(['population-geonames', 2024]);
      // The value is the population of the place the row means, the most populous of its
      // name (Portland, OR for the one ambiguous row); Wien is GeoNames' Vienna.
      const name = foldName(row.city === 'Wien' ? 'Vienna' : row.city);
      const places = PLACES.filter(
        (p) =>
          p.country === alpha3ToAlpha2(row.country) &&
          foldName(p.name) === name &&
          (row.region === null || p.adminCode === row.region),
      ).sort((a, b) => b.population - a.population);
      expect([row.city, places[0]?.population]).toEqual([row.city, row.value]);
    }
  });
});

describe("the README's global import", () => {
  it('prints what the README shows: the ambiguity refused, then the choice of --resolve largest, and the report', async () => {
    const steps = readmeSteps();
    expect(steps.map((s) => s.command.split(' ').slice(0, 2).join(' '))).toEqual(['npm run', 'npm run', 'node -p']);
    const env = { DATABASE_URL: db.url };
    const results: Exited[] = [];
    for (const step of steps) {
      // The report goes to the test's scratch folder rather than the checkout's root.
      const command = step.command.replace(/(\.\/)?report\.json/g, path.join(scratch, 'report.json'));
      const result = await run(command, env);
      results.push(result);
      const lines = result.output.split('\n');
      for (const shown of step.shown) {
        // On a mismatch, the failure shows the line and the whole output.
        const printed = lines.some((line) => pattern(shown).test(line)) ? 'printed' : result.output;
        expect({ shown, printed }).toEqual({ shown, printed: 'printed' });
      }
    }
    expect(results.map((r) => r.code)).toEqual([1, 0, 0]);
    const [{ newest }] = await db.dataSource.query(`SELECT max(id)::int AS newest FROM release`);
    expect(results[1].output).toMatch(new RegExp(`^release ${newest}: added 20,`, 'm'));

    // The seeded Vienna got Wien's value; nothing else in Austria was created.
    const vienna = await db.dataSource.query(
      `SELECT c.slug, o.value FROM city c
       LEFT JOIN observation o ON o.city_id = c.id
         AND o.indicator_id = (SELECT id FROM indicator WHERE code = 'population-geonames')
       WHERE c.country_code = 'AT' AND o.id IS NOT NULL`,
    );
    expect(vienna).toEqual([{ slug: 'vienna-at', value: 1691468 }]);
  }, 120_000);
});
