/**
 * The Node.js lines CI runs the suite on (docs/operations.md). Node 20 still runs everything but
 * has had no security fixes since April 2026; an operator who never reads the changelog should
 * still hear it, once, in the start-up log.
 */
export function nodeSupportNotice(version: string): string | null {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major === 22 || major === 24) return null;
  if (major === 20) {
    return `Node.js ${version} is end of life (no security fixes since April 2026); it stays supported until the next minor version of rightsgraph: move to Node.js 24 or 22 LTS`;
  }
  return `Node.js ${version} is not a line rightsgraph is tested on (24 and 22 LTS, and 20 until the next minor version)`;
}
