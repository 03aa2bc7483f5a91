import type { EntityManager } from 'typeorm';
import { CITIES } from '../../seeds/cities';
import { COMMITMENTS } from '../../seeds/commitments';
import { COUNTRIES } from '../../seeds/countries';
import { INDICATORS } from '../../seeds/indicators';
import { INSTRUMENTS } from '../../seeds/instruments';
import { NETWORK_MEMBERSHIPS, NETWORKS } from '../../seeds/networks';
import { OBSERVATIONS } from '../../seeds/observations';
import { RATIFICATIONS, RATIFICATIONS_AS_OF, type RatificationSeed } from '../../seeds/ratifications';
import { RIGHTS } from '../../seeds/rights';
import { SOURCES, type SourceKey } from '../../seeds/sources';
import { parseAdopted } from './checkSeeds';
import { mergeRatificationFacts } from './mergeRatificationFacts';

/**
 * The demo release is found again by this text, so that re-seeding reuses it instead of adding
 * a release per run. Changing the text makes the next seed start a new release.
 */
export const DEMO_RELEASE_DESCRIPTION =
  'Demo data from seed-facts: cities, local commitments, national ratifications, ' +
  'FBI UCR crime 2010-2015 (The Marshall Project) and PM2.5 (WHO Ambient Air Quality Database 2018, v14)';

/**
 * Where a SELECT joins, it orders by the seeds' position (WITH ORDINALITY) so that ids follow
 * the order of seeds/ and come out the same on every fresh database.
 */
export class DemoSeeder {
  inserted = 0;

  constructor(private readonly m: EntityManager) {}

  /** Runs an INSERT ... RETURNING and counts the rows it inserted. */
  private async insert(sql: string, params: unknown[]): Promise<number> {
    const rows: unknown[] = await this.m.query(sql, params);
    this.inserted += rows.length;
    return rows.length;
  }

  async sources(): Promise<Map<SourceKey, number>> {
    const sources = Object.values(SOURCES);
    await this.insert(
      `INSERT INTO source (publisher, title, url, license, retrieved_on, citation)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::date[], $6::text[])
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        sources.map((s) => s.publisher),
        sources.map((s) => s.title),
        sources.map((s) => s.url),
        sources.map((s) => s.license),
        sources.map((s) => s.retrievedOn),
        sources.map((s) => s.citation),
      ],
    );
    const rows: { id: number; title: string }[] = await this.m.query(
      'SELECT id, title FROM source WHERE title = ANY($1::varchar[])',
      [sources.map((s) => s.title)],
    );
    const idByTitle = new Map(rows.map((r) => [r.title, r.id]));
    const ids = new Map<SourceKey, number>();
    for (const [key, source] of Object.entries(SOURCES) as [SourceKey, (typeof SOURCES)[SourceKey]][]) {
      const id = idByTitle.get(source.title);
      if (id === undefined) throw new Error(`source "${source.title}" was not stored`);
      ids.set(key, id);
    }
    return ids;
  }

  async countries(): Promise<void> {
    await this.insert(
      `INSERT INTO country (code, alpha3, name)
       SELECT * FROM unnest($1::char(2)[], $2::char(3)[], $3::varchar[])
       ON CONFLICT DO NOTHING RETURNING code`,
      [COUNTRIES.map((c) => c.code), COUNTRIES.map((c) => c.alpha3), COUNTRIES.map((c) => c.name)],
    );
  }

  async cities(): Promise<void> {
    // jsonb_to_recordset rather than unnest: alternate_names is an array per row, and unnest
    // would flatten a two-dimensional array into one list.
    await this.insert(
      `INSERT INTO city (slug, name, ascii_name, alternate_names, country_code, region, latitude, longitude)
       SELECT slug, name, ascii_name, alternate_names, country_code, region, latitude, longitude
       FROM jsonb_to_recordset($1::jsonb) AS c(slug varchar, name varchar, ascii_name varchar,
         alternate_names text[], country_code char(2), region varchar, latitude float8, longitude float8)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        JSON.stringify(
          CITIES.map((c) => ({
            slug: c.slug,
            name: c.name,
            ascii_name: c.asciiName,
            alternate_names: c.alternateNames,
            country_code: c.countryCode,
            region: c.region,
            latitude: c.latitude,
            longitude: c.longitude,
          })),
        ),
      ],
    );
  }

  async rights(): Promise<void> {
    await this.insert(
      `INSERT INTO "right" (code, name, description)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::text[])
       ON CONFLICT DO NOTHING RETURNING id`,
      [RIGHTS.map((r) => r.code), RIGHTS.map((r) => r.name), RIGHTS.map((r) => r.description)],
    );
  }

  async instruments(): Promise<void> {
    await this.insert(
      `INSERT INTO instrument (code, name, kind, year_adopted)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::smallint[])
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        INSTRUMENTS.map((i) => i.code),
        INSTRUMENTS.map((i) => i.name),
        INSTRUMENTS.map((i) => i.kind),
        INSTRUMENTS.map((i) => i.yearAdopted),
      ],
    );
    const links = INSTRUMENTS.flatMap((i) => i.rights.map((right) => [i.code, right] as const));
    await this.insert(
      `INSERT INTO instrument_right (instrument_id, right_id)
       SELECT i.id, r.id
       FROM unnest($1::varchar[], $2::varchar[]) AS p(instrument_code, right_code)
       JOIN instrument i ON i.code = p.instrument_code
       JOIN "right" r ON r.code = p.right_code
       ON CONFLICT DO NOTHING RETURNING 1`,
      [links.map(([code]) => code), links.map(([, right]) => right)],
    );
  }

  async ratifications(sourceIds: Map<SourceKey, number>): Promise<void> {
    // Through the merge, not ON CONFLICT DO NOTHING: the reference seed may have loaded the 2022
    // UN snapshot first, and these 2026 facts are newer.
    const bySource = new Map<SourceKey, RatificationSeed[]>();
    for (const r of RATIFICATIONS) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r]);
    for (const [source, facts] of bySource) {
      this.inserted += await mergeRatificationFacts(
        this.m,
        facts,
        sourceIds.get(source) as number,
        RATIFICATIONS_AS_OF,
      );
    }
  }

  async networks(): Promise<void> {
    await this.insert(
      `INSERT INTO network (code, name, description, founded_year)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::text[], $4::smallint[])
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        NETWORKS.map((n) => n.code),
        NETWORKS.map((n) => n.name),
        NETWORKS.map((n) => n.description),
        NETWORKS.map((n) => n.foundedYear),
      ],
    );
    await this.insert(
      `INSERT INTO network_membership (network_id, city_id, joined_year)
       SELECT n.id, c.id, p.joined_year
       FROM unnest($1::varchar[], $2::varchar[], $3::smallint[]) AS p(network_code, city_slug, joined_year)
       JOIN network n ON n.code = p.network_code
       JOIN city c ON c.slug = p.city_slug
       -- any version: a membership a curator removed is not added back by a second seed
       WHERE NOT EXISTS (SELECT 1 FROM network_membership x WHERE x.network_id = n.id AND x.city_id = c.id)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [
        NETWORK_MEMBERSHIPS.map((n) => n.networkCode),
        NETWORK_MEMBERSHIPS.map((n) => n.citySlug),
        NETWORK_MEMBERSHIPS.map((n) => n.joinedYear),
      ],
    );
  }

  async commitments(sourceIds: Map<SourceKey, number>): Promise<void> {
    const adopted = COMMITMENTS.map((c) => parseAdopted(c.adopted));
    // No unique constraint covers (city, instrument, title), so the existence check is explicit;
    // the advisory lock taken by seedDemoData keeps it race-free.
    await this.insert(
      `INSERT INTO commitment (city_id, instrument_id, kind, title, adopted_on, adopted_precision, status,
         document_ref, source_id, notes)
       SELECT c.id, i.id, p.kind, p.title, p.adopted_on, p.adopted_precision, p.status,
         p.document_ref, p.source_id, p.notes
       FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::date[], $6::varchar[],
         $7::varchar[], $8::varchar[], $9::int[], $10::text[])
         WITH ORDINALITY AS p(city_slug, instrument_code, kind, title, adopted_on, adopted_precision, status,
           document_ref, source_id, notes, n)
       JOIN city c ON c.slug = p.city_slug
       LEFT JOIN instrument i ON i.code = p.instrument_code
       WHERE NOT EXISTS (
         SELECT 1 FROM commitment e
         WHERE e.city_id = c.id AND e.instrument_id IS NOT DISTINCT FROM i.id AND e.title = p.title
       )
       ORDER BY p.n
       RETURNING id`,
      [
        COMMITMENTS.map((c) => c.citySlug),
        COMMITMENTS.map((c) => c.instrument),
        COMMITMENTS.map((c) => c.kind),
        COMMITMENTS.map((c) => c.title),
        adopted.map((a) => a.date),
        adopted.map((a) => a.precision),
        COMMITMENTS.map((c) => c.status),
        COMMITMENTS.map((c) => c.documentRef),
        COMMITMENTS.map((c) => sourceIds.get(c.source)),
        COMMITMENTS.map((c) => c.notes),
      ],
    );
    const links = COMMITMENTS.flatMap((c) => c.rights.map((right) => ({ ...c, right })));
    await this.insert(
      `INSERT INTO commitment_right (commitment_id, right_id)
       SELECT e.id, r.id
       FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[])
         AS p(city_slug, instrument_code, title, right_code)
       JOIN city c ON c.slug = p.city_slug
       LEFT JOIN instrument i ON i.code = p.instrument_code
       JOIN commitment e ON e.city_id = c.id AND e.instrument_id IS NOT DISTINCT FROM i.id AND e.title = p.title
         -- the version this seed wrote: a curator's later versions carry their own rights
         AND e.release_id IS NULL AND e.lineage_id = e.id
       JOIN "right" r ON r.code = p.right_code
       ON CONFLICT DO NOTHING RETURNING 1`,
      [
        links.map((l) => l.citySlug),
        links.map((l) => l.instrument),
        links.map((l) => l.title),
        links.map((l) => l.right),
      ],
    );
  }

  async indicators(): Promise<void> {
    await this.insert(
      `INSERT INTO indicator (code, name, description, unit, direction, kind, methodology)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::text[], $4::varchar[], $5::varchar[], $6::varchar[],
         $7::text[])
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        INDICATORS.map((i) => i.code),
        INDICATORS.map((i) => i.name),
        INDICATORS.map((i) => i.description),
        INDICATORS.map((i) => i.unit),
        INDICATORS.map((i) => i.direction),
        INDICATORS.map((i) => i.kind),
        INDICATORS.map((i) => i.methodology),
      ],
    );
    const links = INDICATORS.flatMap((i) => i.rights.map((right) => [i.code, right] as const));
    await this.insert(
      `INSERT INTO indicator_right (indicator_id, right_id)
       SELECT i.id, r.id
       FROM unnest($1::varchar[], $2::varchar[]) AS p(indicator_code, right_code)
       JOIN indicator i ON i.code = p.indicator_code
       JOIN "right" r ON r.code = p.right_code
       ON CONFLICT DO NOTHING RETURNING 1`,
      [links.map(([code]) => code), links.map(([, right]) => right)],
    );
  }

  async release(): Promise<number> {
    const existing: { id: number }[] = await this.m.query(
      'SELECT id FROM release WHERE description = $1 ORDER BY id LIMIT 1',
      [DEMO_RELEASE_DESCRIPTION],
    );
    if (existing.length > 0) return existing[0].id;
    const created: { id: number }[] = await this.m.query('INSERT INTO release (description) VALUES ($1) RETURNING id', [
      DEMO_RELEASE_DESCRIPTION,
    ]);
    this.inserted += 1;
    return created[0].id;
  }

  async observations(sourceIds: Map<SourceKey, number>, releaseId: number): Promise<void> {
    // ON CONFLICT without a target also skips a key that a later import already holds as its
    // current row (UQ_observation_current), so seeding after an import never fails.
    const added = await this.insert(
      `INSERT INTO observation (city_id, indicator_id, year, disaggregation, value, status, source_id, release_id)
       SELECT c.id, i.id, p.year, '', p.value, p.status, p.source_id, $7::int
       FROM unnest($1::varchar[], $2::varchar[], $3::smallint[], $4::float8[], $5::varchar[], $6::int[])
         WITH ORDINALITY AS p(city_slug, indicator_code, year, value, status, source_id, n)
       JOIN city c ON c.slug = p.city_slug
       JOIN indicator i ON i.code = p.indicator_code
       ORDER BY p.n
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        OBSERVATIONS.map((o) => o.citySlug),
        OBSERVATIONS.map((o) => o.indicatorCode),
        OBSERVATIONS.map((o) => o.year),
        OBSERVATIONS.map((o) => o.value),
        OBSERVATIONS.map((o) => o.status),
        OBSERVATIONS.map((o) => sourceIds.get(o.source)),
        releaseId,
      ],
    );
    if (added > 0) {
      await this.m.query('UPDATE release SET rows_added = rows_added + $2 WHERE id = $1', [releaseId, added]);
    }
  }
}
