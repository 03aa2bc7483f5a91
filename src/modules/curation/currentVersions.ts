import { type EntityManager, IsNull } from 'typeorm';
import { Commitment } from '../commitment/commitment.entity';
import { query, queryOne, sql } from '../common/sqlTag';

/**
 * The current versions the curator mutations replace. Each runs inside the mutation's
 * transaction, after `lockVersions`, so the version found is still current when it is stamped.
 */

export async function currentMembership(
  manager: EntityManager,
  networkId: number,
  cityId: number,
): Promise<{ id: number; joined_year: number | null } | null> {
  const row = await queryOne<{ id: number; joined_year: number | null }>(
    manager,
    sql`SELECT id, joined_year FROM network_membership
     WHERE network_id = ${networkId} AND city_id = ${cityId} AND superseded_in_release_id IS NULL`,
  );
  return row ?? null;
}

export async function currentCommitment(manager: EntityManager, lineageId: number): Promise<Commitment | null> {
  return manager.getRepository(Commitment).findOne({
    where: { lineageId, supersededInReleaseId: IsNull() },
  });
}

type CommitmentFields = Pick<
  Commitment,
  | 'cityId'
  | 'instrumentId'
  | 'kind'
  | 'title'
  | 'adoptedOn'
  | 'adoptedPrecision'
  | 'status'
  | 'adoptingBody'
  | 'documentRef'
  | 'sourceId'
  | 'notes'
>;

/** True when an update would record exactly what the current version says. */
export function sameCommitment(current: Commitment, fields: CommitmentFields): boolean {
  return (Object.keys(fields) as (keyof CommitmentFields)[]).every((key) => current[key] === fields[key]);
}

export async function rightCodesOf(manager: EntityManager, commitmentId: number): Promise<string[]> {
  const rows = await query<{ code: string }>(
    manager,
    sql`SELECT r.code FROM commitment_right cr JOIN "right" r ON r.id = cr.right_id WHERE cr.commitment_id = ${commitmentId}`,
  );
  return rows.map((r) => r.code);
}

export async function sameRights(manager: EntityManager, commitmentId: number, codes: string[]): Promise<boolean> {
  const current = new Set(await rightCodesOf(manager, commitmentId));
  const wanted = new Set(codes);
  return current.size === wanted.size && [...wanted].every((code) => current.has(code));
}
