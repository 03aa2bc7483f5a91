import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { getAlpha2Codes } from 'i18n-iso-countries';
import { seedDemoData } from '../../src/db/seedDemoData';
import { readDatapackage } from '../../src/modules/ingest/datapackage';
import type { ImportProblem } from '../../src/modules/ingest/importErrors';
import { importObservations } from '../../src/modules/ingest/importObservations';
import { seedReferenceData } from '../../src/db/seedReferenceData';
import { createTestDatabase } from '../helpers/testDatabase';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

// Expected counts come from /work/shared/data/un-treaty-status-2022.md (3,473 rows, 193 states,
// Gabon 17 rows) and from a plain split of the CSV below, not from the loader.

const SOURCE_TITLE =
  'Core United Nations Human Rights Instruments: Their Ratification Status (World Politics Datalab, 2022-08-25)';

/** The shipped CSV, every cell as text. */
function csvRows(): { country: string; instrument: string; status: string }[] {
  return parse(readFileSync(path.resolve(__dirname, '../../seeds/data/un-treaty-status-2022.csv')), { columns: true });
}

let t: TestServer;
beforeAll(async () => {
  t = await createTestServer();
});
afterAll(async () => {
  await t?.close();
});

const q = <T>(sql: string, params: unknown[] = []): Promise<T[]> => t.db.dataSource.query(sql, params);

describe('every country', () => {
  it('holds every ISO 3166-1 country of the package, with numeric codes and names in six languages', async () => {
    const [row] = await q<{ n: number; numeric: number; six: number }>(
      `SELECT count(*)::int AS n, count(numeric)::int AS numeric,
         count(*) FILTER (WHERE names ?& ARRAY['ar', 'zh', 'en', 'fr', 'ru', 'es'])::int AS six FROM country`,
    );
    const expected = Object.keys(getAlpha2Codes()).length;
    expect(expected).toBeGreaterThanOrEqual(249);
    expect(row).toEqual({ n: expected, numeric: expected, six: expected });
  });

  it('answers country(code:) by alpha-2 or alpha-3 in any case; Namibia is NA', async () => {
    const query = `query($code: String!) { country(code: $code) { code alpha3 numeric name names { ar zh en fr ru es } } }`;
    const namibia = {
      code: 'NA',
      alpha3: 'NAM',
      numeric: '516',
      name: 'Namibia',
      names: { ar: 'ناميبيا', zh: '纳米比亚', en: 'Namibia', fr: 'Namibie', ru: 'Намибия', es: 'Namibia' },
    };
    for (const code of ['NA', 'na', 'NAM', 'nam']) {
      expect(dataOf<{ country: unknown }>(await t.query(query, { code })).country).toEqual(namibia);
    }
    expect(dataOf<{ country: unknown }>(await t.query(query, { code: 'XYZ' })).country).toBeNull();
    expect(dataOf<{ country: unknown }>(await t.query(query, { code: 'U' })).country).toBeNull();
  });

  it('keeps the demo countries’ names', async () => {
    const rows = await q<{ code: string; name: string }>(
      `SELECT code, name FROM country WHERE code IN ('US', 'KR', 'GB') ORDER BY code`,
    );
    expect(rows).toEqual([
      { code: 'GB', name: 'United Kingdom' },
      { code: 'KR', name: 'Republic of Korea' },
      { code: 'US', name: 'United States' },
    ]);
  });
});

describe('countryCodes filters take alpha-3', () => {
  const citySlugs = async (countryCodes: string[]) =>
    dataOf<{ cities: { edges: { node: { slug: string } }[] } }>(
      await t.query(`query($f: CityFilter) { cities(filter: $f, first: 100) { edges { node { slug } } } }`, {
        f: { countryCodes },
      }),
    )
      .cities.edges.map((e) => e.node.slug)
      .sort();

  it('cities: AUT and aut find what AT finds', async () => {
    const byAlpha2 = await citySlugs(['AT']);
    expect(byAlpha2).toContain('vienna-at');
    expect(await citySlugs(['AUT'])).toEqual(byAlpha2);
    expect(await citySlugs(['aut'])).toEqual(byAlpha2);
    expect(await citySlugs(['aut', 'CA'])).toEqual([...byAlpha2, ...(await citySlugs(['CAN']))].sort());
  });

  it('commitments and observations take alpha-3 too', async () => {
    const commitments = async (countryCodes: string[]) =>
      dataOf<{ commitments: { totalCount: number } }>(
        await t.query(`query($f: CommitmentFilter) { commitments(filter: $f) { totalCount } }`, {
          f: { countryCodes },
        }),
      ).commitments.totalCount;
    const us = await commitments(['US']);
    expect(us).toBeGreaterThan(0);
    expect(await commitments(['usa'])).toBe(us);
    const observations = async (countryCodes: string[]) =>
      dataOf<{ observations: { totalCount: number } }>(
        await t.query(`query($f: ObservationFilter) { observations(filter: $f) { totalCount } }`, {
          f: { countryCodes },
        }),
      ).observations.totalCount;
    const obsUs = await observations(['US']);
    expect(obsUs).toBeGreaterThan(0);
    expect(await observations(['USA'])).toBe(obsUs);
  });

  it('an unknown code is BAD_USER_INPUT that suggests the closest alpha-3', async () => {
    const result = await t.query(`{ cities(filter: { countryCodes: ["USX"] }) { totalCount } }`);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].extensions?.suggestions).toContain('USA');
  });
});

describe('UN treaty status 2022', () => {
  it('stores all 3,473 facts of 193 UN members with their source, current or in the history', async () => {
    const [row] = await q<{ facts: number; states: number; current: number }>(
      `WITH f AS (
         SELECT country_code, status, false AS history FROM ratification r JOIN source s ON s.id = r.source_id
           WHERE s.title = $1
         UNION ALL
         SELECT country_code, status, true FROM ratification_history h JOIN source s ON s.id = h.source_id
           WHERE s.title = $1)
       SELECT count(*)::int AS facts, count(DISTINCT country_code)::int AS states,
         count(*) FILTER (WHERE NOT history)::int AS current FROM f`,
      [SOURCE_TITLE],
    );
    expect(row.facts).toBe(3473);
    expect(row.states).toBe(193);
    // The demo's 8 countries x 5 treaties are current from the 2026 fact sheet.
    expect(row.current).toBe(3473 - 40);
  });

  it('maps STATE_PARTY, SIGNATORY and NO_ACTION as documented, row for row', async () => {
    const expected = new Map<string, number>();
    const mapping: Record<string, string> = {
      STATE_PARTY: 'STATE_PARTY',
      SIGNATORY: 'SIGNED',
      NO_ACTION: 'NOT_SIGNED',
    };
    for (const r of csvRows()) expected.set(mapping[r.status], (expected.get(mapping[r.status]) ?? 0) + 1);
    const rows = await q<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM (
         SELECT status, source_id FROM ratification UNION ALL SELECT status, source_id FROM ratification_history) f
       JOIN source s ON s.id = f.source_id WHERE s.title = $1 GROUP BY status`,
      [SOURCE_TITLE],
    );
    expect(new Map(rows.map((r) => [r.status, r.n]))).toEqual(expected);
    expect(expected.get('STATE_PARTY')).toBe(2304);
  });

  it('Gabon has 17 rows; Timor-Leste (TP in the file) is TL', async () => {
    const count = async (code: string) =>
      (
        await q<{ n: number }>(
          `SELECT count(*)::int AS n FROM ratification r JOIN source s ON s.id = r.source_id
           WHERE s.title = $1 AND r.country_code = $2`,
          [SOURCE_TITLE, code],
        )
      )[0].n;
    expect(await count('GA')).toBe(17);
    expect(await count('TL')).toBe(18);
    expect(await count('NA')).toBe(18);
  });

  it('Country.ratifications answers the newer fact; ratificationHistory keeps the 2022 one', async () => {
    const data = dataOf<{
      country: {
        ratifications: { instrument: { code: string }; status: string; year: number | null; asOf: string | null }[];
        ratificationHistory: { instrument: { code: string }; status: string; year: number | null; asOf: string }[];
      };
    }>(
      await t.query(`{ country(code: "USA") {
        ratifications { instrument { code } status year asOf }
        ratificationHistory { instrument { code } status year asOf source { title } }
      } }`),
    );
    const cedaw = data.country.ratifications.find((r) => r.instrument.code === 'CEDAW');
    expect(cedaw).toEqual({ instrument: { code: 'CEDAW' }, status: 'SIGNED', year: null, asOf: '2026-01-01' });
    const cat = data.country.ratifications.find((r) => r.instrument.code === 'CAT');
    expect(cat).toEqual({ instrument: { code: 'CAT' }, status: 'STATE_PARTY', year: 1994, asOf: '2022-08-25' });
    expect(data.country.ratifications).toHaveLength(18);
    expect(data.country.ratificationHistory.map((h) => h.instrument.code).sort()).toEqual(
      ['CEDAW', 'CRC', 'CRPD', 'ICCPR', 'ICESCR'].sort(),
    );
    expect(data.country.ratificationHistory.find((h) => h.instrument.code === 'ICCPR')).toMatchObject({
      status: 'STATE_PARTY',
      year: 1992,
      asOf: '2022-08-25',
      source: { title: SOURCE_TITLE },
    });
  });

  it('is idempotent, and the newer fact wins whichever seed runs first', async () => {
    expect(await seedReferenceData(t.db.dataSource)).toBe(false);
    expect(await seedReferenceData(t.db.dataSource, { force: true })).toBe(false);
    const fresh = await createTestDatabase({ seed: false });
    try {
      // The template seeded the demo first: here the reference data comes first.
      expect(await seedReferenceData(fresh.dataSource)).toBe(true);
      await seedDemoData(fresh.dataSource);
      const facts = (db: typeof fresh.dataSource) =>
        db.query(
          `SELECT f.t, f.country_code, i.code, f.status, f.year, f.as_of::text FROM (
             SELECT 'now' AS t, country_code, instrument_id, status, year, as_of FROM ratification
             UNION ALL SELECT 'was', country_code, instrument_id, status, year, as_of FROM ratification_history) f
           JOIN instrument i ON i.id = f.instrument_id
           ORDER BY 1, 2, 3`,
        );
      expect(await facts(fresh.dataSource)).toEqual(await facts(t.db.dataSource));
    } finally {
      await fresh.close();
    }
  });
});

describe('the migration on a loaded database', () => {
  it('reverts and applies again, and the seed brings the same facts back', async () => {
    const db = await createTestDatabase({ seed: true });
    try {
      const facts = () =>
        db.dataSource.query(
          `SELECT f.t, f.country_code, i.code, f.status, f.year, f.as_of::text FROM (
             SELECT 'now' AS t, country_code, instrument_id, status, year, as_of FROM ratification
             UNION ALL SELECT 'was', country_code, instrument_id, status, year, as_of FROM ratification_history) f
           JOIN instrument i ON i.id = f.instrument_id
           ORDER BY 1, 2, 3`,
        );
      const before = await facts();
      expect(before).toHaveLength(3473 + 40);
      // Back to before the world reference migration, undoing any that came after it.
      for (;;) {
        const [last] = await db.dataSource.query(`SELECT name FROM typeorm_migrations ORDER BY id DESC LIMIT 1`);
        await db.dataSource.undoLastMigration({ transaction: 'each' });
        if (last.name.startsWith('AddWorldCountriesAndTreatyStatus')) break;
      }
      const [left] = await db.dataSource.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE s.title = $1)::int AS un2022
         FROM ratification r LEFT JOIN source s ON s.id = r.source_id`,
        [SOURCE_TITLE],
      );
      expect(left).toEqual({ n: 40, un2022: 0 });
      await db.dataSource.runMigrations({ transaction: 'each' });
      expect(await seedReferenceData(db.dataSource)).toBe(true);
      expect(await facts()).toEqual(before);
    } finally {
      await db.close();
    }
  });
});

describe('CityFilter.localCommitmentWithoutNationalRatification', () => {
  const slugs = async (instrument: string) =>
    dataOf<{ cities: { edges: { node: { slug: string } }[] } }>(
      await t.query(`query($f: CityFilter) { cities(filter: $f, first: 100) { edges { node { slug } } } }`, {
        f: { localCommitmentWithoutNationalRatification: instrument },
      }),
    )
      .cities.edges.map((e) => e.node.slug)
      .sort();

  it('finds the US cities with a CEDAW commitment (seeds/commitments.ts, checked by hand)', async () => {
    expect(await slugs('CEDAW')).toEqual([
      'greeley-us',
      'lafayette-us',
      'louisville-co-us',
      'pittsburgh-us',
      'san-francisco-us',
      'toledo-us',
    ]);
  });

  it('leaves out a city whose country is a party, and a repealed commitment', async () => {
    await q(
      `INSERT INTO commitment (city_id, instrument_id, kind, title, adopted_on, adopted_precision, status)
       SELECT c.id, i.id, 'RESOLUTION', 'Test CEDAW resolution', '2020-01-01', 'YEAR', 'ADOPTED'
       FROM city c, instrument i WHERE c.slug = 'vienna-at' AND i.code = 'CEDAW'`,
    );
    await q(
      `UPDATE commitment SET status = 'REPEALED'
       WHERE city_id = (SELECT id FROM city WHERE slug = 'greeley-us') AND title = 'CEDAW proclamation'`,
    );
    try {
      expect(await slugs('CEDAW')).toEqual([
        'lafayette-us',
        'louisville-co-us',
        'pittsburgh-us',
        'san-francisco-us',
        'toledo-us',
      ]);
    } finally {
      await q(
        `UPDATE commitment SET status = 'ADOPTED'
         WHERE city_id = (SELECT id FROM city WHERE slug = 'greeley-us') AND title = 'CEDAW proclamation'`,
      );
      await q(`DELETE FROM commitment WHERE title = 'Test CEDAW resolution'`);
    }
  });

  it('rejects an unknown instrument code', async () => {
    const result = await t.query(
      `{ cities(filter: { localCommitmentWithoutNationalRatification: "CEDAWX" }) { totalCount } }`,
    );
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('import: the country column as files write it', () => {
  function metadata() {
    const problems: ImportProblem[] = [];
    const file = path.resolve(__dirname, '../fixtures/import/datapackage.json');
    const result = readDatapackage(JSON.parse(readFileSync(file, 'utf8')), problems);
    expect(problems).toEqual([]);
    return result;
  }
  const csv = (...rows: string[]) => Buffer.from(['city,country,region,indicator,year,value', ...rows].join('\n'));

  it('reports an unknown country with suggestions and loads nothing', async () => {
    const report = await importObservations(
      t.db.dataSource,
      csv('Windhoek,NA,,shelter-beds,2015,1.5', 'Atlantis,Atlantis,,shelter-beds,2015,1'),
      { metadata: metadata(), createCities: true },
    );
    expect(report.problems).toEqual([
      {
        line: 3,
        column: 'country',
        value: 'Atlantis',
        reason: expect.stringMatching(
          /^unknown country \(expected an ISO 3166-1 alpha-2 or alpha-3 code or an English name\); did you mean /,
        ),
      },
    ]);
    expect((await q(`SELECT 1 FROM city WHERE slug = 'windhoek-na'`)).length).toBe(0);
  });

  it('takes NA as Namibia, alpha-3 in any case, and English names without accents or case', async () => {
    const report = await importObservations(
      t.db.dataSource,
      csv(
        'Windhoek,NA,,shelter-beds,2015,1.5',
        'Windhoek,nam,,shelter-beds,2016,2.5',
        'Wien,austria,,shelter-beds,2015,3.5',
        "Abidjan,Côte d'Ivoire,,shelter-beds,2015,4.5",
        'Toledo,United States of America,,shelter-beds,2015,5.5',
        'Toledo,usa,,shelter-beds,2016,6.5',
      ),
      { metadata: metadata(), createCities: true },
    );
    expect(report.problems).toEqual([]);
    const rows = await q<{ slug: string; country_code: string; year: number; value: number }>(
      `SELECT c.slug, c.country_code, o.year, o.value FROM observation o JOIN city c ON c.id = o.city_id
       JOIN indicator i ON i.id = o.indicator_id WHERE i.code = 'shelter-beds' ORDER BY c.slug, o.year`,
    );
    expect(rows).toEqual([
      { slug: 'abidjan-ci', country_code: 'CI', year: 2015, value: 4.5 },
      { slug: 'toledo-us', country_code: 'US', year: 2015, value: 5.5 },
      { slug: 'toledo-us', country_code: 'US', year: 2016, value: 6.5 },
      { slug: 'vienna-at', country_code: 'AT', year: 2015, value: 3.5 },
      { slug: 'windhoek-na', country_code: 'NA', year: 2015, value: 1.5 },
      { slug: 'windhoek-na', country_code: 'NA', year: 2016, value: 2.5 },
    ]);
  });
});
