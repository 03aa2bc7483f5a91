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

/**
 * The flags the server runs with (`npm start`, the benchmark): a young generation of
 * 32 MB per semi-space instead of 16. With 32 requests in flight a nested list's objects outlived
 * the small one and were copied into the old generation: garbage collection went from 7.5% to 12.4%
 * of the server's samples between 8 and 32 connections, and a larger one took 8% off the CPU
 * per request there. 64 MB did no better than 32 on the dashboard at 32 connections and raised the
 * benchmark's peak RSS from about 460 MB to 500-530, over its 512 MB target (docs/performance.md).
 * V8 reads it only at start, so it cannot be set from inside the process. Also in package.json's
 * `start` (test/unit/nodeSupport.test.ts holds them equal).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
