import type { DataSource, EntityManager } from 'typeorm';
import { COUNTRIES } from '../../seeds/countries';
import { INSTRUMENTS } from '../../seeds/instruments';
import { readUnTreatyStatus, UN_TREATY_STATUS_AS_OF, UN_TREATY_STATUS_SOURCE } from '../../seeds/unTreatyStatus';
import { mergeRatificationFacts } from './mergeRatificationFacts';
import { query, queryOne, sql } from '../modules/common/sqlTag';

/** The six official languages of the United Nations, the languages of `country.names`. */
export const UN_LANGUAGES = ['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const;

/**
 * Loads the world's reference data, which every deployment needs whether or not it serves the
 * demo: every ISO 3166-1 country (from the i18n-iso-countries package) and the treaty status of
 * every UN member state (seeds/data/un-treaty-status-2022.csv) with the instruments it names.
 *
 * Runs at every start (src/db/openDatabase.ts), so an already loaded database costs one query:
 * both parts are written in one transaction, so a country with its names and one fact of the
 * 2022 source mean that everything is there. `force` (npm run seed) loads again anyway, e.g.
 * after an update of the package added a country; every step is idempotent.
 */
export async function seedReferenceData(dataSource: DataSource, options: { force?: boolean } = {}): Promise<boolean> {
  if (!options.force) {
    const loaded = (await queryOne<{ countries: number; facts: number }>(
      dataSource,
      sql`SELECT (SELECT count(*) FROM country WHERE numeric IS NOT NULL)::int AS countries,
         (SELECT count(*) FROM ratification r JOIN source s ON s.id = r.source_id
          WHERE s.title = ${UN_TREATY_STATUS_SOURCE.title})::int AS facts`,
    ))!;
    if (loaded.countries > 0 && loaded.facts > 0) return false;
  }
  return dataSource.transaction(async (m) => {
    await query(m, sql`SELECT pg_advisory_xact_lock(hashtext(${'rightsgraph.seedReferenceData'}))`);
    let written = await countries(m);
    written += await treatyStatus(m);
    return written > 0;
  });
}

async function countries(m: EntityManager): Promise<number> {
  // Required here, not at module load: registering its locales costs tens of milliseconds that
  // a start on a loaded database should not pay. require, not import(): jest's VM runs no
  // dynamic imports.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const iso = require('i18n-iso-countries') as typeof import('i18n-iso-countries');
  const codes = Object.keys(iso.getAlpha2Codes()).sort();
  // The demo cities' countries keep the names they always had (tests and citations use them);
  // the package's English name is still in names.en.
  const demoName = new Map(COUNTRIES.map((c) => [c.code, c.name]));
  const rows = codes.map((code) => {
    const names = Object.fromEntries(
      UN_LANGUAGES.map((lang) => [lang, iso.getName(code, lang)]).filter(([, name]) => name),
    ) as Record<string, string>;
    return {
      code,
      alpha3: iso.alpha2ToAlpha3(code) as string,
      numeric: iso.alpha2ToNumeric(code) ?? null,
      name: demoName.get(code) ?? names.en ?? code,
      names,
    };
  });
  // An existing country (from the demo seed or a curator) gets the codes and names it lacks;
  // its name is never changed.
  const written = await query<{ code: string }>(
    m,
    sql`INSERT INTO country (code, alpha3, numeric, name, names)
     SELECT code, alpha3, numeric, name, names
     FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
       AS c(code char(2), alpha3 char(3), numeric char(3), name varchar, names jsonb)
     ON CONFLICT (code) DO UPDATE SET numeric = EXCLUDED.numeric, names = EXCLUDED.names
     WHERE country.numeric IS DISTINCT FROM EXCLUDED.numeric OR country.names <> EXCLUDED.names
     RETURNING code`,
  );
  return written.length;
}

async function treatyStatus(m: EntityManager): Promise<number> {
  const facts = readUnTreatyStatus();
  const s = UN_TREATY_STATUS_SOURCE;
  const inserted = await query<{ id: number }>(
    m,
    sql`INSERT INTO source (publisher, title, url, license, retrieved_on, citation)
     VALUES (${s.publisher}, ${s.title}, ${s.url}, ${s.license}, ${s.retrievedOn}, ${s.citation})
     ON CONFLICT DO NOTHING RETURNING id`,
  );
  const { id: sourceId } = (await queryOne<{ id: number }>(m, sql`SELECT id FROM source WHERE title = ${s.title}`))!;
  const codes = new Set(facts.map((f) => f.instrumentCode));
  const missing = [...codes].filter((code) => !INSTRUMENTS.some((i) => i.code === code));
  if (missing.length > 0) throw new Error(`seeds/instruments.ts lacks ${missing.join(', ')}`);
  // Every instrument of seeds/, in its order, so that ids come out the same whichever seed runs
  // first. Only the rows: the links to rights need the rights of the demo seed, which inserts
  // them with the links.
  const instruments = INSTRUMENTS;
  const added = await query<{ id: number }>(
    m,
    sql`INSERT INTO instrument (code, name, kind, year_adopted)
     SELECT code, name, kind, year_adopted
     FROM unnest(
       ${instruments.map((i) => i.code)}::varchar[],
       ${instruments.map((i) => i.name)}::varchar[],
       ${instruments.map((i) => i.kind)}::varchar[],
       ${instruments.map((i) => i.yearAdopted)}::smallint[])
       WITH ORDINALITY AS p(code, name, kind, year_adopted, n)
     ORDER BY n
     ON CONFLICT DO NOTHING RETURNING id`,
  );
  // The source's first load is the baseline: its facts hold from the beginning, with no release
  // of their own (the demo seed's release stays release 1). A later load that changes a status
  // (a package or file update) is recorded in a release.
  const merged = await mergeRatificationFacts(
    m,
    facts.map((f) => ({ ...f, date: null, signedYear: null })),
    sourceId,
    UN_TREATY_STATUS_AS_OF,
    { baseline: inserted.length > 0 },
  );
  return inserted.length + added.length + merged;
}
