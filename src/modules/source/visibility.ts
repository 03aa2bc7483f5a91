import { type Sql, sql } from '../common/sqlTag';

/**
 * What a release makes visible: the one rule, for observations and for the facts an answer
 * depends on besides them (commitments, national ratifications, network memberships). Each
 * versioned row names the release that added it and, once replaced or removed, the release that
 * superseded it; nothing is overwritten, so any answer can be computed as it stood at a release.
 *
 * `release` is SQL giving a release id (`releaseParameter(id)` for a value, or a column); NULL
 * means "current": not superseded at all. `alias` is a table alias written in code.
 */
const NEWEST = 2147483647;

/**
 * Observations visible as of a release: added at or before it and not yet superseded by then.
 * The rule is the SQL function `rg_visible_as_of` (migration AddObservationRuleFunctions), which
 * the latest_observation trigger reads too; the planner inlines it, so this plans as the
 * expression would.
 */
export function visibleAsOf(alias: string, release: Sql): Sql {
  const a = sql.raw(alias);
  return sql`rg_visible_as_of(${a}.release_id, ${a}.superseded_in_release_id, ${release})`;
}

/**
 * Commitments, ratifications and memberships in force as of a release. A row without a release
 * was there before these facts were versioned (or was loaded as reference data before any
 * release): it holds from the beginning until superseded.
 */
export function inForceAsOf(alias: string, release: Sql): Sql {
  const a = sql.raw(alias);
  const newest = sql.raw(String(NEWEST));
  return sql`(${a}.release_id IS NULL OR ${a}.release_id <= coalesce(${release}, ${newest}))
    AND (${a}.superseded_in_release_id IS NULL OR ${a}.superseded_in_release_id > coalesce(${release}, ${newest}))`;
}

/** The current version of a versioned fact: never superseded. */
export function inForceNow(alias: string): Sql {
  return sql`${sql.raw(alias)}.superseded_in_release_id IS NULL`;
}

/** A release id (or null: the current data) as a typed parameter, for the `release` of the rules above. */
export function releaseParameter(releaseId: number | null): Sql {
  return sql`CAST(${releaseId} AS int)`;
}
