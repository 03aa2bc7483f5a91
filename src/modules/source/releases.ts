import { type Queryable, query, queryOne, sql } from '../common/sqlTag';

/**
 * Opens the release a change is recorded in, in the caller's transaction: if the transaction
 * rolls back, the release was never there. Observations, commitments, ratifications and network
 * memberships written in it carry its id; what they replace is stamped as superseded by it.
 */
export async function openRelease(db: Queryable, description: string, sourceId: number | null = null): Promise<number> {
  const row = await queryOne<{ id: number }>(
    db,
    sql`INSERT INTO release (description, source_id) VALUES (${description}, ${sourceId}) RETURNING id`,
  );
  return row!.id;
}

/**
 * Serialises the writers of one versioned table (curator mutations, imports, reference loads):
 * "find the current version, stamp it, insert the next" must not interleave, or two writers
 * would both find the same current version.
 */
export async function lockVersions(db: Queryable, table: 'commitment' | 'ratification' | 'network_membership') {
  await query(db, sql`SELECT pg_advisory_xact_lock(hashtext(${`rightsgraph.versions.${table}`}))`);
}

/** Stamps one row of a versioned table as superseded by a release (it stays, for earlier answers). */
export async function supersede(
  db: Queryable,
  table: 'commitment' | 'ratification' | 'network_membership',
  rowId: number,
  releaseId: number,
): Promise<void> {
  await query(db, sql`UPDATE ${sql.identifier(table)} SET superseded_in_release_id = ${releaseId} WHERE id = ${rowId}`);
}
