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
import { query, queryOne, type Sql, sql } from '../modules/common/sqlTag';

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
  private async insert(statement: Sql): Promise<number> {
    const rows = await query<unknown>(this.m, statement);
    this.inserted += rows.length;
    return rows.length;
  }

  async sources(): Promise<Map<SourceKey, number>> {
    const sources = Object.values(SOURCES);
    await this.insert(sql`INSERT INTO source (publisher, title, url, license, retrieved_on, citation)
       SELECT * FROM unnest(
         ${sources.map((s) => s.publisher)}::varchar[],
         ${sources.map((s) => s.title)}::varchar[],
         ${sources.map((s) => s.url)}::varchar[],
         ${sources.map((s) => s.license)}::varchar[],
         ${sources.map((s) => s.retrievedOn)}::date[],
         ${sources.map((s) => s.citation)}::text[])
       ON CONFLICT DO NOTHING RETURNING id`);
    const titles = sources.map((s) => s.title);
    const rows = await query<{ id: number; title: string }>(
      this.m,
      sql`SELECT id, title FROM source WHERE title = ANY(${titles}::varchar[])`,
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
    await this.insert(sql`INSERT INTO country (code, alpha3, name)
       SELECT * FROM unnest(
         ${COUNTRIES.map((c) => c.code)}::char(2)[],
         ${COUNTRIES.map((c) => c.alpha3)}::char(3)[],
         ${COUNTRIES.map((c) => c.name)}::varchar[])
       ON CONFLICT DO NOTHING RETURNING code`);
  }

  async cities(): Promise<void> {
    // jsonb_to_recordset rather than unnest: alternate_names is an array per row, and unnest
    // would flatten a two-dimensional array into one list.
    const cities = CITIES.map((c) => ({
      slug: c.slug,
      name: c.name,
      ascii_name: c.asciiName,
      alternate_names: c.alternateNames,
      country_code: c.countryCode,
      region: c.region,
      latitude: c.latitude,
      longitude: c.longitude,
    }));
    await this
      .insert(sql`INSERT INTO city (slug, name, ascii_name, alternate_names, country_code, region, latitude, longitude)
       SELECT slug, name, ascii_name, alternate_names, country_code, region, latitude, longitude
       FROM jsonb_to_recordset(${JSON.stringify(cities)}::jsonb) AS c(slug varchar, name varchar, ascii_name varchar,
         alternate_names text[], country_code char(2), region varchar, latitude float8, longitude float8)
       ON CONFLICT DO NOTHING RETURNING id`);
  }

  async rights(): Promise<void> {
    await this.insert(sql`INSERT INTO "right" (code, name, description)
       SELECT * FROM unnest(
         ${RIGHTS.map((r) => r.code)}::varchar[],
         ${RIGHTS.map((r) => r.name)}::varchar[],
         ${RIGHTS.map((r) => r.description)}::text[])
       ON CONFLICT DO NOTHING RETURNING id`);
  }

  async instruments(): Promise<void> {
    await this.insert(sql`INSERT INTO instrument (code, name, kind, year_adopted)
       SELECT * FROM unnest(
         ${INSTRUMENTS.map((i) => i.code)}::varchar[],
         ${INSTRUMENTS.map((i) => i.name)}::varchar[],
         ${INSTRUMENTS.map((i) => i.kind)}::varchar[],
         ${INSTRUMENTS.map((i) => i.yearAdopted)}::smallint[])
       ON CONFLICT DO NOTHING RETURNING id`);
    const links = INSTRUMENTS.flatMap((i) => i.rights.map((right) => [i.code, right] as const));
    await this.insert(sql`INSERT INTO instrument_right (instrument_id, right_id)
       SELECT i.id, r.id
       FROM unnest(
         ${links.map(([code]) => code)}::varchar[],
         ${links.map(([, right]) => right)}::varchar[]) AS p(instrument_code, right_code)
       JOIN instrument i ON i.code = p.instrument_code
       JOIN "right" r ON r.code = p.right_code
       ON CONFLICT DO NOTHING RETURNING 1`);
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
    await this.insert(sql`INSERT INTO network (code, name, description, founded_year)
       SELECT * FROM unnest(
         ${NETWORKS.map((n) => n.code)}::varchar[],
         ${NETWORKS.map((n) => n.name)}::varchar[],
         ${NETWORKS.map((n) => n.description)}::text[],
         ${NETWORKS.map((n) => n.foundedYear)}::smallint[])
       ON CONFLICT DO NOTHING RETURNING id`);
    await this.insert(sql`INSERT INTO network_membership (network_id, city_id, joined_year)
       SELECT n.id, c.id, p.joined_year
       FROM unnest(
         ${NETWORK_MEMBERSHIPS.map((n) => n.networkCode)}::varchar[],
         ${NETWORK_MEMBERSHIPS.map((n) => n.citySlug)}::varchar[],
         ${NETWORK_MEMBERSHIPS.map((n) => n.joinedYear)}::smallint[]) AS p(network_code, city_slug, joined_year)
       JOIN network n ON n.code = p.network_code
       JOIN city c ON c.slug = p.city_slug
       -- any version: a membership a curator removed is not added back by a second seed
       WHERE NOT EXISTS (SELECT 1 FROM network_membership x WHERE x.network_id = n.id AND x.city_id = c.id)
       ON CONFLICT DO NOTHING RETURNING 1`);
  }

  async commitments(sourceIds: Map<SourceKey, number>): Promise<void> {
    const adopted = COMMITMENTS.map((c) => parseAdopted(c.adopted));
    // No unique constraint covers (city, instrument, title), so the existence check is explicit;
    // the advisory lock taken by seedDemoData keeps it race-free.
    await this
      .insert(sql`INSERT INTO commitment (city_id, instrument_id, kind, title, adopted_on, adopted_precision, status,
         document_ref, source_id, notes)
       SELECT c.id, i.id, p.kind, p.title, p.adopted_on, p.adopted_precision, p.status,
         p.document_ref, p.source_id, p.notes
       FROM unnest(
         ${COMMITMENTS.map((c) => c.citySlug)}::varchar[],
         ${COMMITMENTS.map((c) => c.instrument)}::varchar[],
         ${COMMITMENTS.map((c) => c.kind)}::varchar[],
         ${COMMITMENTS.map((c) => c.title)}::varchar[],
         ${adopted.map((a) => a.date)}::date[],
         ${adopted.map((a) => a.precision)}::varchar[],
         ${COMMITMENTS.map((c) => c.status)}::varchar[],
         ${COMMITMENTS.map((c) => c.documentRef)}::varchar[],
         ${COMMITMENTS.map((c) => sourceIds.get(c.source))}::int[],
         ${COMMITMENTS.map((c) => c.notes)}::text[])
         WITH ORDINALITY AS p(city_slug, instrument_code, kind, title, adopted_on, adopted_precision, status,
           document_ref, source_id, notes, n)
       JOIN city c ON c.slug = p.city_slug
       LEFT JOIN instrument i ON i.code = p.instrument_code
       WHERE NOT EXISTS (
         SELECT 1 FROM commitment e
         WHERE e.city_id = c.id AND e.instrument_id IS NOT DISTINCT FROM i.id AND e.title = p.title
       )
       ORDER BY p.n
       RETURNING id`);
    const links = COMMITMENTS.flatMap((c) => c.rights.map((right) => ({ ...c, right })));
    await this.insert(sql`INSERT INTO commitment_right (commitment_id, right_id)
       SELECT e.id, r.id
       FROM unnest(
         ${links.map((l) => l.citySlug)}::varchar[],
         ${links.map((l) => l.instrument)}::varchar[],
         ${links.map((l) => l.title)}::varchar[],
         ${links.map((l) => l.right)}::varchar[])
         AS p(city_slug, instrument_code, title, right_code)
       JOIN city c ON c.slug = p.city_slug
       LEFT JOIN instrument i ON i.code = p.instrument_code
       JOIN commitment e ON e.city_id = c.id AND e.instrument_id IS NOT DISTINCT FROM i.id AND e.title = p.title
         -- the version this seed wrote: a curator's later versions carry their own rights
         AND e.release_id IS NULL AND e.lineage_id = e.id
       JOIN "right" r ON r.code = p.right_code
       ON CONFLICT DO NOTHING RETURNING 1`);
  }

  async indicators(): Promise<void> {
    await this.insert(sql`INSERT INTO indicator (code, name, description, unit, direction, kind, methodology)
       SELECT * FROM unnest(
         ${INDICATORS.map((i) => i.code)}::varchar[],
         ${INDICATORS.map((i) => i.name)}::varchar[],
         ${INDICATORS.map((i) => i.description)}::text[],
         ${INDICATORS.map((i) => i.unit)}::varchar[],
         ${INDICATORS.map((i) => i.direction)}::varchar[],
         ${INDICATORS.map((i) => i.kind)}::varchar[],
         ${INDICATORS.map((i) => i.methodology)}::text[])
       ON CONFLICT DO NOTHING RETURNING id`);
    const links = INDICATORS.flatMap((i) => i.rights.map((right) => [i.code, right] as const));
    await this.insert(sql`INSERT INTO indicator_right (indicator_id, right_id)
       SELECT i.id, r.id
       FROM unnest(
         ${links.map(([code]) => code)}::varchar[],
         ${links.map(([, right]) => right)}::varchar[]) AS p(indicator_code, right_code)
       JOIN indicator i ON i.code = p.indicator_code
       JOIN "right" r ON r.code = p.right_code
       ON CONFLICT DO NOTHING RETURNING 1`);
  }

  async release(): Promise<number> {
    const existing = await queryOne<{ id: number }>(
      this.m,
      sql`SELECT id FROM release WHERE description = ${DEMO_RELEASE_DESCRIPTION} ORDER BY id LIMIT 1`,
    );
    if (existing) return existing.id;
    const created = await queryOne<{ id: number }>(
      this.m,
      sql`INSERT INTO release (description) VALUES (${DEMO_RELEASE_DESCRIPTION}) RETURNING id`,
    );
    this.inserted += 1;
    return created!.id;
  }

  async observations(sourceIds: Map<SourceKey, number>, releaseId: number): Promise<void> {
    // ON CONFLICT without a target also skips a key that a later import already holds as its
    // current row (UQ_observation_current), so seeding after an import never fails.
    const added = await this
      .insert(sql`INSERT INTO observation (city_id, indicator_id, year, disaggregation, value, status, source_id, release_id)
       SELECT c.id, i.id, p.year, '', p.value, p.status, p.source_id, ${releaseId}::int
       FROM unnest(
         ${OBSERVATIONS.map((o) => o.citySlug)}::varchar[],
         ${OBSERVATIONS.map((o) => o.indicatorCode)}::varchar[],
         ${OBSERVATIONS.map((o) => o.year)}::smallint[],
         ${OBSERVATIONS.map((o) => o.value)}::float8[],
         ${OBSERVATIONS.map((o) => o.status)}::varchar[],
         ${OBSERVATIONS.map((o) => sourceIds.get(o.source))}::int[])
         WITH ORDINALITY AS p(city_slug, indicator_code, year, value, status, source_id, n)
       JOIN city c ON c.slug = p.city_slug
       JOIN indicator i ON i.code = p.indicator_code
       ORDER BY p.n
       ON CONFLICT DO NOTHING RETURNING id`);
    if (added > 0) {
      await query<never>(this.m, sql`UPDATE release SET rows_added = rows_added + ${added} WHERE id = ${releaseId}`);
    }
  }
}
