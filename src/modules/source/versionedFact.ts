import { Column, JoinColumn, ManyToOne } from 'typeorm';
import { Release } from './release.entity';

/**
 * The release columns of a fact an answer depends on besides the observations: commitments,
 * national ratifications and network memberships. A change never overwrites a row: it stamps the
 * current one with the release that superseded it and, unless the fact was removed, inserts the
 * new version with that release. `inForceAsOf` (visibility.ts) reads them as of a release.
 *
 * `releaseId` is null for rows that were there before these facts were versioned, and for
 * reference data loaded before the first release: they hold from the beginning.
 */
export abstract class VersionedFact {
  @Column({ type: 'int', nullable: true })
  releaseId: number | null;

  @ManyToOne(() => Release, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'release_id' })
  release?: Release | null;

  @Column({ type: 'int', nullable: true })
  supersededInReleaseId: number | null;

  @ManyToOne(() => Release, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'superseded_in_release_id' })
  supersededInRelease?: Release | null;
}

/** The check every versioned table carries: a version is superseded only by a later release. */
export const SUPERSEDED_AFTER_ADDED =
  '"superseded_in_release_id" IS NULL OR "release_id" IS NULL OR "superseded_in_release_id" > "release_id"';
