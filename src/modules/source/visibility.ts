/**
 * What a release makes visible: the one rule, for observations and for the facts an answer
 * depends on besides them (commitments, national ratifications, network memberships). Each
 * versioned row names the release that added it and, once replaced or removed, the release that
 * superseded it; nothing is overwritten, so any answer can be computed as it stood at a release.
 *
 * `releaseExpr` is SQL giving a release id; NULL means "current": not superseded at all.
 */
const NEWEST = 2147483647;

/**
 * Observations visible as of a release: added at or before it and not yet superseded by then.
 * The rule is the SQL function `rg_visible_as_of` (migration AddObservationRuleFunctions), which
 * the latest_observation trigger reads too; the planner inlines it, so this plans as the
 * expression would.
 */
export function visibleAsOf(alias: string, releaseExpr: string): string {
  return `rg_visible_as_of(${alias}.release_id, ${alias}.superseded_in_release_id, ${releaseExpr})`;
}

/**
 * Commitments, ratifications and memberships in force as of a release. A row without a release
 * was there before these facts were versioned (or was loaded as reference data before any
 * release): it holds from the beginning until superseded.
 */
export function inForceAsOf(alias: string, releaseExpr: string): string {
  return `(${alias}.release_id IS NULL OR ${alias}.release_id <= coalesce(${releaseExpr}, ${NEWEST}))
    AND (${alias}.superseded_in_release_id IS NULL OR ${alias}.superseded_in_release_id > coalesce(${releaseExpr}, ${NEWEST}))`;
}

/** The current version of a versioned fact: never superseded. */
export function inForceNow(alias: string): string {
  return `${alias}.superseded_in_release_id IS NULL`;
}
