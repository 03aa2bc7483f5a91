import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { startHttpServer, type HttpTestServer } from '../helpers/httpServer';
import { createTestDatabase, type TestDatabase } from '../helpers/testDatabase';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'import');
let db: TestDatabase;
let http: HttpTestServer;
const keys = { editor: '', reader: '' };

beforeAll(async () => {
  db = await createTestDatabase();
  http = await startHttpServer(db.dataSource);
  keys.editor = (await createApiKey(db.dataSource, { name: 'curator', role: Role.EDITOR })).key;
  keys.reader = (await createApiKey(db.dataSource, { name: 'dashboard', role: Role.READER })).key;
});
afterAll(async () => {
  await http.close();
  await db.close();
});

const count = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM observation`))[0].n as number;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
type Json = any;

async function post(body: string, contentType: string, key?: string, query = '') {
  const response = await fetch(`${http.origin}/imports${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  return { status: response.status, json: async (): Promise<Json> => response.json() };
}

describe('POST /imports', () => {
  const csv = 'city,country,region,indicator,year,value\nBoston,US,MA,homicide-rate,2016,5.5\n';

  it('needs an editor key', async () => {
    const before = await count();
    const anonymous = await post(csv, 'text/csv');
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const reader = await post(csv, 'text/csv', keys.reader);
    expect(reader.status).toBe(403);
    expect((await reader.json()).errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await count()).toBe(before);
  });

  it('imports a text/csv body with the source in the query string', async () => {
    const before = await count();
    const response = await post(
      csv,
      'text/csv',
      keys.editor,
      '?sourceTitle=Boston%20police%20report&sourcePublisher=City%20of%20Boston',
    );
    const report = await response.json();
    expect(response.status).toBe(200);
    expect(report).toMatchObject({ ok: true, added: 1, changed: 0 });
    expect(await count()).toBe(before + 1);
  });

  it('imports JSON with a datapackage, and answers 422 with the problems of a bad file', async () => {
    const datapackage = JSON.parse(readFileSync(path.join(FIXTURES, 'datapackage.json'), 'utf8'));
    const good = await post(
      JSON.stringify({ csv: readFileSync(path.join(FIXTURES, 'valid.csv'), 'utf8'), datapackage }),
      'application/json',
      keys.editor,
    );
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ ok: true, added: 4, createdIndicators: ['shelter-beds'] });
    const before = await count();
    const bad = await post(
      JSON.stringify({ csv: readFileSync(path.join(FIXTURES, 'defects.csv'), 'utf8'), datapackage }),
      'application/json',
      keys.editor,
    );
    expect(bad.status).toBe(422);
    const report = await bad.json();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p: { line: number }) => p.line)).toEqual([2, 3, 5, 6, 7, 8]);
    expect(await count()).toBe(before);
  });

  it('rejects a body without CSV', async () => {
    const response = await post(JSON.stringify({ nothing: true }), 'application/json', keys.editor);
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
