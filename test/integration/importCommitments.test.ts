import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { importCommitments } from '../../src/modules/ingest/importCommitments';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

const HEADER =
  'city,country,region,instrument,kind,status,adopted_on,title,adopting_body,document_ref,source_title,source_publisher,source_url,note\n';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

/** Every commitment, with what identifies it: "nothing was written" made checkable. */
async function commitments() {
  return db.dataSource.query(
    `SELECT c.slug AS city, i.code AS instrument, m.kind, m.status, m.adopted_on::text AS adopted_on,
            m.adopted_precision, m.title, m.adopting_body, m.document_ref, s.title AS source, m.notes
     FROM commitment m JOIN city c ON c.id = m.city_id
     LEFT JOIN instrument i ON i.id = m.instrument_id LEFT JOIN source s ON s.id = m.source_id
     ORDER BY m.id`,
  );
}

describe('importCommitments', () => {
  it('imports a valid file with the observation import’s country and city resolution', async () => {
    const before = await commitments();
    const [{ newest }] = await db.dataSource.query('SELECT max(id) AS newest FROM release');
    const report = await importCommitments(
      db.dataSource,
      HEADER +
        // Alpha-3 country, a name in another case, the month known.
        'boston,USA,MA,cedaw,resolution,adopted,2014-05,Resolution supporting CEDAW,City Council,,' +
        'Cities for CEDAW,Women’s Intercultural Network,https://citiesforcedaw.org,\n' +
        // The alternate name of a seeded city, no instrument, only the year known, a note with a comma.
        'Wien,AT,,,CHARTER,PROPOSED,2030,"Charter, draft",,,,,,"a note, quoted"\n' +
        // The day known; a country by its English name.
        'Edmonton,Canada,Alberta,HRC,proclamation,implemented,2019-12-10,Human rights day proclamation,,P-17,,,,\n',
    );
    expect(report).toEqual({
      ok: true,
      problems: [],
      problemCount: 0,
      records: 3,
      added: 3,
      dryRun: false,
      // One new release for the file: answers as of earlier releases do not see these.
      releaseId: expect.any(Number),
      message: `release ${report.releaseId}: added 3 commitments`,
    });
    // The only release since (ids are not dense on the embedded database).
    expect(await db.dataSource.query('SELECT id FROM release WHERE id > $1', [newest])).toEqual([
      { id: report.releaseId },
    ]);
    expect(await db.dataSource.query('SELECT release_id FROM commitment ORDER BY id DESC LIMIT 4')).toEqual([
      { release_id: report.releaseId },
      { release_id: report.releaseId },
      { release_id: report.releaseId },
      { release_id: null }, // a seeded commitment, there from the beginning
    ]);
    const added = (await commitments()).slice(before.length);
    expect(added).toEqual([
      {
        city: 'boston-us',
        instrument: 'CEDAW',
        kind: 'RESOLUTION',
        status: 'ADOPTED',
        adopted_on: '2014-05-01',
        adopted_precision: 'MONTH',
        title: 'Resolution supporting CEDAW',
        adopting_body: 'City Council',
        document_ref: null,
        source: 'Cities for CEDAW',
        notes: null,
      },
      {
        city: 'vienna-at',
        instrument: null,
        kind: 'CHARTER',
        status: 'PROPOSED',
        adopted_on: '2030-01-01',
        adopted_precision: 'YEAR',
        title: 'Charter, draft',
        adopting_body: null,
        document_ref: null,
        source: null,
        notes: 'a note, quoted',
      },
      {
        city: 'edmonton-ca',
        instrument: 'HRC',
        kind: 'PROCLAMATION',
        status: 'IMPLEMENTED',
        adopted_on: '2019-12-10',
        adopted_precision: 'DAY',
        title: 'Human rights day proclamation',
        adopting_body: null,
        document_ref: 'P-17',
        source: null,
        notes: null,
      },
    ]);
  });

  it('reports every problem of a bad file with line, column and value, and writes nothing', async () => {
    const before = await commitments();
    const report = await importCommitments(
      db.dataSource,
      HEADER +
        'Boston,US,MA,CEDAW,LAW,adopted,2015,Unknown kind,,,,,,\n' + // 2
        'Boston,US,MA,CEDAW,ORDINANCE,adopted,2015-13,Month 13,,,,,,\n' + // 3
        'Boston,US,MA,CEDAW,ORDINANCE,adopted,1850,Too early,,,,,,\n' + // 4
        'Boston,US,MA,CEDEW,ORDINANCE,adopted,2016,Typo in the instrument,,,,,,\n' + // 5
        'Atlantis,US,,CEDAW,ORDINANCE,adopted,2016,Unknown city,,,,,,\n' + // 6
        'Boston,XX,MA,CEDAW,ORDINANCE,adopted,2016,Unknown country,,,,,,\n' + // 7
        'Boston,US,MA,CEDAW,ORDINANCE,adopted,2017,,,,,,,\n' + // 8: no title
        'Boston,US,MA,CEDAW,ORDINANCE,adopted,2018,First,,,,,,\n' + // 9
        'Boston,US,MA,CEDAW,ORDINANCE,adopted,2018,Same again,,,,,,\n' + // 10: duplicates 9
        'Pittsburgh,US,PA,HRC,DECLARATION,adopted,2011-04-19,Already seeded,,,,,,\n' + // 11
        'Boston,US,MA,CEDAW,ORDINANCE,adopted,2019,Source without publisher,,,Somebody,,,\n' + // 12
        'Boston,US,MA,CEDAW,ORDINANCE,adopted,2020,Bad URL,,,T,P,ftp://x,\n', // 13
    );
    expect(report.ok).toBe(false);
    expect(report.added).toBe(0);
    expect(report.problems).toEqual(
      [
        {
          line: 2,
          column: 'kind',
          value: 'LAW',
          reason: 'kind must be one of ORDINANCE, RESOLUTION, DECLARATION, CHARTER, PROCLAMATION, DIRECTIVE, POLICY',
        },
        {
          line: 3,
          column: 'adopted_on',
          value: '2015-13',
          reason: 'adopted_on must be a calendar date written YYYY, YYYY-MM or YYYY-MM-DD',
        },
        { line: 4, column: 'adopted_on', value: '1850', reason: 'adopted_on must be within 1900-2100' },
        { line: 8, column: 'title', value: null, reason: 'title is required' },
        { line: 12, column: 'source_publisher', value: null, reason: 'source_title and source_publisher go together' },
        { line: 13, column: 'source_url', value: 'ftp://x', reason: 'source_url must be an http(s) URL' },
        {
          line: 5,
          column: 'instrument',
          value: 'CEDEW',
          reason: expect.stringMatching(/^unknown instrument; did you mean "CEDAW"/),
        },
        { line: 6, column: 'city', value: 'Atlantis', reason: 'no city "Atlantis" in US' },
        { line: 7, column: 'country', value: 'XX', reason: expect.stringMatching(/^unknown country/) },
        { line: 10, column: null, value: null, reason: 'duplicates line 9: same city, instrument, kind, adopted_on' },
        {
          line: 11,
          column: null,
          value: null,
          reason: 'the database already has this commitment (same city, instrument, kind, adopted_on)',
        },
      ].sort((a, b) => a.line - b.line),
    );
    expect(report.problemCount).toBe(11);
    expect(await commitments()).toEqual(before);
  });

  it('names unknown and missing columns in the header', async () => {
    const report = await importCommitments(
      db.dataSource,
      'city,country,instrumnt,kind,status,title\nBoston,US,CEDAW,ORDINANCE,ADOPTED,x\n',
    );
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { line: 1, column: 'instrumnt', value: null, reason: 'unknown column; did you mean "instrument"?' },
      { line: 1, column: 'instrument', value: null, reason: 'required column missing' },
      { line: 1, column: 'adopted_on', value: null, reason: 'required column missing' },
    ]);
  });

  it('dry-runs without writing', async () => {
    const before = await commitments();
    const report = await importCommitments(
      db.dataSource,
      `${HEADER}Boston,US,MA,HRC,DECLARATION,ADOPTED,2024,A dry declaration,,,,,,\n`,
      { dryRun: true },
    );
    expect(report).toMatchObject({
      ok: true,
      added: 0,
      dryRun: true,
      message: 'dry run: would add 1 commitment; nothing was written',
    });
    expect(await commitments()).toEqual(before);
  });
});

describe('POST /imports?kind=commitments', () => {
  let http: HttpTestServer;
  let editor: string;
  beforeAll(async () => {
    http = await startHttpServer(db.dataSource);
    editor = (await createApiKey(db.dataSource, { name: 'curator', role: Role.EDITOR })).key;
  });
  afterAll(async () => {
    await http.close();
  });
  const post = (query: string, body: string) =>
    fetch(`${http.origin}/imports${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${editor}` },
      body,
    });

  it('imports commitments sent as text/csv, and answers 422 with the problems', async () => {
    const ok = await post('?kind=commitments', `${HEADER}Boston,US,MA,HRC,DECLARATION,ADOPTED,2025,Over HTTP,,,,,,\n`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, added: 1 });
    const bad = await post('?kind=commitments', `${HEADER}Boston,US,MA,HRC,DECLARATION,ADOPTED,2025,Over HTTP,,,,,,\n`);
    expect(bad.status).toBe(422);
    expect((await bad.json()).problems[0].reason).toMatch(/^the database already has this commitment/);
  });

  it('refuses a kind it does not know with a coded 400', async () => {
    const response = await post('?kind=treaties', HEADER);
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
