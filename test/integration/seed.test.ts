import { UCR_ROWS } from '../../seeds/observations';
import { seedDemoData } from '../../src/db/seedDemoData';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

// Expected values are typed by hand from /work/shared/data/seed-facts.md, not read from seeds/.

const TABLES = [
  'country',
  'city',
  'right',
  'instrument',
  'instrument_right',
  'ratification',
  'network',
  'network_membership',
  'source',
  'commitment',
  'commitment_right',
  'indicator',
  'indicator_right',
  'release',
  'observation',
] as const;

let db: TestDatabase;
let first: { releaseId: number; created: boolean };

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return db.dataSource.query(sql, params);
}

async function counts(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
    result[table] = row.n;
  }
  return result;
}

async function values(slug: string, indicator: string): Promise<{ year: number; value: number }[]> {
  return query(
    `SELECT o.year, o.value FROM observation o
     JOIN city c ON c.id = o.city_id JOIN indicator i ON i.id = o.indicator_id
     WHERE c.slug = $1 AND i.code = $2 ORDER BY o.year`,
    [slug, indicator],
  );
}

async function value(slug: string, indicator: string, year: number): Promise<number | undefined> {
  return (await values(slug, indicator)).find((v) => v.year === year)?.value;
}

beforeAll(async () => {
  db = await createTestDatabase({ seed: false });
  first = await seedDemoData(db.dataSource);
});

afterAll(async () => {
  await db?.close();
});

describe('seedDemoData on an empty database', () => {
  it('reports that it created release 1', async () => {
    expect(first.created).toBe(true);
    const releases = await query<{ id: number; description: string; rows_added: number; source_id: number | null }>(
      'SELECT id, description, rows_added, source_id FROM release',
    );
    expect(releases).toHaveLength(1);
    expect(releases[0]).toMatchObject({ id: first.releaseId, rows_added: 234, source_id: null });
    expect(first.releaseId).toBe(1);
    expect(releases[0].description).toMatch(/^Demo data from seed-facts/);
  });

  it('loads the 25 cities with stable slugs, the two Louisvilles apart', async () => {
    expect((await counts()).city).toBe(25);
    const louisvilles = await query('SELECT slug, region, country_code FROM city WHERE name = $1 ORDER BY slug', [
      'Louisville',
    ]);
    expect(louisvilles).toEqual([
      { slug: 'louisville-co-us', region: 'CO', country_code: 'US' },
      { slug: 'louisville-ky-us', region: 'KY', country_code: 'US' },
    ]);
    const some = await query(
      'SELECT slug, name, region, latitude, longitude FROM city WHERE slug = ANY($1) ORDER BY slug',
      [['pittsburgh-us', 'salt-lake-city-us', 'rosario-ar', 'york-gb']],
    );
    expect(some).toEqual([
      { slug: 'pittsburgh-us', name: 'Pittsburgh', region: 'PA', latitude: 40.44, longitude: -79.99 },
      { slug: 'rosario-ar', name: 'Rosario', region: 'Santa Fe', latitude: -32.95, longitude: -60.65 },
      { slug: 'salt-lake-city-us', name: 'Salt Lake City', region: 'UT', latitude: 40.76, longitude: -111.89 },
      { slug: 'york-gb', name: 'York', region: 'England', latitude: 53.96, longitude: -1.08 },
    ]);
  });

  it('knows Vienna as Wien and Washington as Washington, D.C.', async () => {
    const [vienna] = await query<{ alternate_names: string[]; ascii_name: string }>(
      'SELECT alternate_names, ascii_name FROM city WHERE slug = $1',
      ['vienna-at'],
    );
    expect(vienna).toEqual({ alternate_names: ['Wien'], ascii_name: 'Vienna' });
    const found = await query<{ slug: string }>(
      `SELECT slug FROM city
       WHERE city_search_text(name, ascii_name, alternate_names) LIKE '%' || rg_fold($1) || '%' ORDER BY slug`,
      ['wien'],
    );
    expect(found.map((c) => c.slug)).toEqual(['vienna-at']);
    const [washington] = await query<{ alternate_names: string[] }>(
      'SELECT alternate_names FROM city WHERE slug = $1',
      ['washington-us'],
    );
    expect(washington.alternate_names).toEqual(['Washington, D.C.']);
  });

  it('loads countries, rights, instruments and networks', async () => {
    const countries = await query<{ code: string; alpha3: string }>('SELECT code, alpha3 FROM country ORDER BY code');
    expect(countries.map((c) => `${c.code}/${c.alpha3}`)).toEqual([
      'AR/ARG',
      'AT/AUT',
      'CA/CAN',
      'ES/ESP',
      'GB/GBR',
      'KR/KOR',
      'NL/NLD',
      'US/USA',
    ]);
    const rights = await query<{ code: string }>('SELECT code FROM "right" ORDER BY code');
    expect(rights.map((r) => r.code)).toEqual([
      'education',
      'energy',
      'gender-equality',
      'health',
      'healthy-environment',
      'housing',
      'life-and-security',
      'participation',
      'water',
      'work',
    ]);
    const instruments = await query('SELECT code, kind, year_adopted FROM instrument ORDER BY code');
    // The last thirteen (UN adoption years) are those the UN treaty status file adds.
    expect(instruments).toEqual([
      { code: 'CAT', kind: 'TREATY', year_adopted: 1984 },
      { code: 'CEDAW', kind: 'TREATY', year_adopted: 1979 },
      { code: 'CPED', kind: 'TREATY', year_adopted: 2006 },
      { code: 'CRC', kind: 'TREATY', year_adopted: 1989 },
      { code: 'CRPD', kind: 'TREATY', year_adopted: 2006 },
      { code: 'EUROPEAN-CHARTER-HRC', kind: 'CHARTER', year_adopted: 2000 },
      { code: 'HRC', kind: 'DECLARATION', year_adopted: null },
      { code: 'ICCPR', kind: 'TREATY', year_adopted: 1966 },
      { code: 'ICCPR-OP1', kind: 'TREATY', year_adopted: 1966 },
      { code: 'ICCPR-OP2', kind: 'TREATY', year_adopted: 1989 },
      { code: 'ICERD', kind: 'TREATY', year_adopted: 1965 },
      { code: 'ICESCR', kind: 'TREATY', year_adopted: 1966 },
      { code: 'ICESCR-OP', kind: 'TREATY', year_adopted: 2008 },
      { code: 'ICMW', kind: 'TREATY', year_adopted: 1990 },
      { code: 'OP-CAT', kind: 'TREATY', year_adopted: 2002 },
      { code: 'OP-CEDAW', kind: 'TREATY', year_adopted: 1999 },
      { code: 'OP-CRC-AC', kind: 'TREATY', year_adopted: 2000 },
      { code: 'OP-CRC-IC', kind: 'TREATY', year_adopted: 2011 },
      { code: 'OP-CRC-SC', kind: 'TREATY', year_adopted: 2000 },
      { code: 'OP-CRPD', kind: 'TREATY', year_adopted: 2006 },
      { code: 'UDHR', kind: 'DECLARATION', year_adopted: 1948 },
    ]);
    const cedawRights = await query<{ code: string }>(
      `SELECT r.code FROM instrument_right ir JOIN instrument i ON i.id = ir.instrument_id
       JOIN "right" r ON r.id = ir.right_id WHERE i.code = 'CEDAW'`,
    );
    expect(cedawRights.map((r) => r.code)).toContain('gender-equality');
    const networks = await query('SELECT code, founded_year FROM network ORDER BY code');
    expect(networks).toEqual([
      { code: 'cities-for-cedaw', founded_year: 2013 },
      { code: 'european-cities-for-human-rights', founded_year: 1998 },
      { code: 'us-hrc-alliance', founded_year: 2016 },
    ]);
    // The fact sheet names no members.
    expect((await counts()).network_membership).toBe(0);
  });

  it('loads the national ratifications with their signature years and dates', async () => {
    expect((await counts()).ratification).toBe(8 * 5);
    const ratification = async (country: string, instrument: string) => {
      const [row] = await query(
        `SELECT r.status, r.year, r.date::text AS date, r.signed_year, s.title IS NOT NULL AS sourced
         FROM ratification r JOIN instrument i ON i.id = r.instrument_id LEFT JOIN source s ON s.id = r.source_id
         WHERE r.country_code = $1 AND i.code = $2`,
        [country, instrument],
      );
      return row;
    };
    expect(await ratification('US', 'CEDAW')).toEqual({
      status: 'SIGNED',
      year: null,
      date: null,
      signed_year: 1980,
      sourced: true,
    });
    expect(await ratification('US', 'ICCPR')).toMatchObject({ status: 'RATIFIED', year: 1992 });
    expect(await ratification('US', 'CRPD')).toMatchObject({ status: 'SIGNED', signed_year: 2009 });
    expect(await ratification('AT', 'CEDAW')).toMatchObject({ status: 'RATIFIED', year: 1982, date: '1982-03-31' });
    expect(await ratification('AR', 'CEDAW')).toMatchObject({ status: 'RATIFIED', year: 1985, date: '1985-07-15' });
    expect(await ratification('KR', 'ICESCR')).toMatchObject({ status: 'ACCEDED', year: 1990 });
    expect(await ratification('CA', 'ICCPR')).toMatchObject({ status: 'ACCEDED', year: 1976 });
    expect(await ratification('NL', 'CRPD')).toMatchObject({ status: 'RATIFIED', year: 2016 });
  });

  it('loads the 17 local commitments with dates at their precision', async () => {
    const commitments = await query<{
      slug: string;
      instrument: string;
      kind: string;
      adopted_on: string;
      adopted_precision: string;
      status: string;
      document_ref: string | null;
      source_url: string;
    }>(
      `SELECT c.slug, i.code AS instrument, e.kind, e.adopted_on::text AS adopted_on, e.adopted_precision, e.status,
         e.document_ref, s.url AS source_url
       FROM commitment e JOIN city c ON c.id = e.city_id
       LEFT JOIN instrument i ON i.id = e.instrument_id LEFT JOIN source s ON s.id = e.source_id
       ORDER BY e.adopted_on, c.slug`,
    );
    expect(commitments).toHaveLength(17);
    expect(commitments.every((c) => c.status === 'ADOPTED' && c.source_url?.startsWith('https://'))).toBe(true);
    const byInstrument = (code: string) => commitments.filter((c) => c.instrument === code).length;
    expect([byInstrument('HRC'), byInstrument('CEDAW'), byInstrument('UDHR')]).toEqual([9, 7, 1]);

    const sfOrdinance = commitments.find((c) => c.slug === 'san-francisco-us' && c.kind === 'ORDINANCE');
    expect(sfOrdinance).toMatchObject({
      instrument: 'CEDAW',
      adopted_on: '1998-04-01',
      adopted_precision: 'MONTH',
      document_ref: 'Ordinance 128-98',
      source_url: 'https://sfgov.org/dosw/index.aspx?page=130',
    });
    expect(commitments.find((c) => c.slug === 'rosario-ar')).toMatchObject({
      kind: 'DECLARATION',
      instrument: 'HRC',
      adopted_on: '1997-01-01',
      adopted_precision: 'YEAR',
    });
    expect(commitments.find((c) => c.slug === 'greeley-us')).toMatchObject({
      kind: 'PROCLAMATION',
      adopted_on: '2016-12-01',
      adopted_precision: 'MONTH',
    });
    expect(commitments.find((c) => c.slug === 'eugene-us')).toMatchObject({
      kind: 'RESOLUTION',
      instrument: 'UDHR',
      adopted_on: '1999-04-21',
      adopted_precision: 'DAY',
      document_ref: 'Resolution 4589',
    });
    expect(commitments.filter((c) => c.slug === 'pittsburgh-us')).toEqual([
      expect.objectContaining({ instrument: 'HRC', adopted_on: '2011-04-19', adopted_precision: 'DAY' }),
      expect.objectContaining({ instrument: 'CEDAW', kind: 'ORDINANCE', adopted_on: '2016-12-06' }),
    ]);
    // The CEDAW resolution is Louisville, Colorado's.
    expect(commitments.filter((c) => c.slug.startsWith('louisville-'))).toEqual([
      expect.objectContaining({ slug: 'louisville-co-us', instrument: 'CEDAW', adopted_on: '2017-06-08' }),
    ]);

    const cedawRights = await query<{ code: string }>(
      `SELECT DISTINCT r.code FROM commitment_right cr JOIN commitment e ON e.id = cr.commitment_id
       JOIN instrument i ON i.id = e.instrument_id JOIN "right" r ON r.id = cr.right_id WHERE i.code = 'CEDAW'`,
    );
    expect(cedawRights.map((r) => r.code)).toEqual(['gender-equality']);
  });

  it('loads the indicators with units, directions and rights', async () => {
    const indicators = await query(
      `SELECT i.code, i.unit, i.direction, coalesce(array_agg(r.code) FILTER (WHERE r.code IS NOT NULL), '{}') AS rights
       FROM indicator i LEFT JOIN indicator_right ir ON ir.indicator_id = i.id LEFT JOIN "right" r ON r.id = ir.right_id
       GROUP BY i.code, i.unit, i.direction ORDER BY i.code`,
    );
    expect(indicators).toEqual([
      { code: 'homicide-rate', unit: 'per 100k', direction: 'LOWER_IS_BETTER', rights: ['life-and-security'] },
      { code: 'pm25-annual-mean', unit: 'µg/m³', direction: 'LOWER_IS_BETTER', rights: ['healthy-environment'] },
      { code: 'population', unit: 'persons', direction: 'NEUTRAL', rights: [] },
      { code: 'violent-crime-rate', unit: 'per 100k', direction: 'LOWER_IS_BETTER', rights: ['life-and-security'] },
    ]);
  });

  it('loads every observation of both tables, in release 1, with its source', async () => {
    expect((await counts()).observation).toBe(12 * 6 * 3 + 18);
    const perIndicator = await query(
      `SELECT i.code, count(*)::int AS n, count(DISTINCT o.city_id)::int AS cities, min(o.year) AS first,
         max(o.year) AS last
       FROM observation o JOIN indicator i ON i.id = o.indicator_id GROUP BY i.code ORDER BY i.code`,
    );
    expect(perIndicator).toEqual([
      { code: 'homicide-rate', n: 72, cities: 12, first: 2010, last: 2015 },
      { code: 'pm25-annual-mean', n: 18, cities: 18, first: 2015, last: 2016 },
      { code: 'population', n: 72, cities: 12, first: 2010, last: 2015 },
      { code: 'violent-crime-rate', n: 72, cities: 12, first: 2010, last: 2015 },
    ]);
    const [shape] = await query(
      `SELECT count(*) FILTER (WHERE release_id <> $1)::int AS other_release,
         count(*) FILTER (WHERE status <> 'MEASURED')::int AS not_measured,
         count(*) FILTER (WHERE disaggregation <> '')::int AS disaggregated,
         count(*) FILTER (WHERE superseded_in_release_id IS NOT NULL)::int AS superseded
       FROM observation`,
      [first.releaseId],
    );
    expect(shape).toEqual({ other_release: 0, not_measured: 0, disaggregated: 0, superseded: 0 });
    const bySource = await query(
      `SELECT s.url, count(*)::int AS n FROM observation o JOIN source s ON s.id = o.source_id
       GROUP BY s.url ORDER BY s.url`,
    );
    expect(bySource).toEqual([
      { url: 'https://github.com/themarshallproject/city-crime', n: 216 },
      { url: 'https://www.who.int/airpollution/data/cities/en/', n: 18 },
    ]);
  });

  it('stores the fact-sheet values for the UCR cities', async () => {
    expect(await value('pittsburgh-us', 'homicide-rate', 2015)).toBe(18.57);
    expect(await value('pittsburgh-us', 'violent-crime-rate', 2010)).toBe(913.43);
    expect(await value('pittsburgh-us', 'population', 2012)).toBe(312112);
    expect(await value('washington-us', 'homicide-rate', 2015)).toBe(24.1);
    expect(await value('louisville-ky-us', 'homicide-rate', 2015)).toBe(11.9);
    expect(await value('long-beach-us', 'violent-crime-rate', 2013)).toBe(499.5);
    expect(await value('los-angeles-us', 'population', 2010)).toBe(3792621);
    expect(await value('miami-us', 'violent-crime-rate', 2015)).toBe(1021.31);
    expect(await values('louisville-co-us', 'homicide-rate')).toEqual([]);
    expect((await values('honolulu-us', 'homicide-rate')).map((v) => v.value)).toEqual([
      1.99, 1.45, 1.13, 1.83, 1.91, 1.5,
    ]);
  });

  it('stores the WHO PM2.5 values in the year each city reported', async () => {
    expect(await values('edmonton-ca', 'pm25-annual-mean')).toEqual([{ year: 2015, value: 9 }]);
    expect(await values('pittsburgh-us', 'pm25-annual-mean')).toEqual([{ year: 2015, value: 9 }]);
    expect(await values('gwangju-kr', 'pm25-annual-mean')).toEqual([{ year: 2016, value: 23 }]);
    expect(await values('vienna-at', 'pm25-annual-mean')).toEqual([{ year: 2016, value: 14 }]);
    expect(await values('honolulu-us', 'pm25-annual-mean')).toEqual([{ year: 2016, value: 3 }]);
    expect(await values('rosario-ar', 'pm25-annual-mean')).toEqual([]);
  });
});

describe('seedDemoData run again', () => {
  it('changes nothing and reuses the release', async () => {
    const before = await counts();
    const second = await seedDemoData(db.dataSource);
    expect(second).toEqual({ releaseId: first.releaseId, created: false });
    expect(await counts()).toEqual(before);
    expect(before.release).toBe(1);
    const [release] = await query<{ rows_added: number }>('SELECT rows_added FROM release');
    expect(release.rows_added).toBe(234);
  });
});

describe('seedDemoData run twice at once', () => {
  it('seeds once: the second waits for the first and finds everything there', async () => {
    const fresh = await createTestDatabase({ seed: false });
    try {
      const results = await Promise.all([seedDemoData(fresh.dataSource), seedDemoData(fresh.dataSource)]);
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      const [row] = await fresh.dataSource.query(
        `SELECT (SELECT count(*) FROM commitment)::int AS commitments,
           (SELECT count(*) FROM observation)::int AS observations,
           (SELECT count(*) FROM release)::int AS releases`,
      );
      expect(row).toEqual({ commitments: 17, observations: 234, releases: 1 });
    } finally {
      await fresh.close();
    }
  });
});

describe('the transcribed UCR table', () => {
  // A cross-check of the transcription, not of the database: the fact sheet's rate column must
  // agree with its own counts, so a mistyped digit in any of the three shows up here.
  it('has homicide rates that agree with homicides / population to the rounding', () => {
    const off = UCR_ROWS.filter(([, , population, homicides, rate]) => {
      if (population === null || homicides === null || rate === null) return false;
      return Math.abs((homicides / population) * 100_000 - rate) > 0.005 + 1e-9;
    });
    expect(off).toEqual([]);
    expect(UCR_ROWS).toHaveLength(72);
  });
});
