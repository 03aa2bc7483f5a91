import autocannon from 'autocannon';
import type { Operation } from './scenarios';

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Non-2xx answers, socket errors and 2xx answers carrying GraphQL errors. */
  errors: number;
  meanBytes: number;
  /** Requests sent, answered or not: a request left in flight when the run stops is still served. */
  sent: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

interface RawRun {
  latencies: number[];
  bytes: number;
  errors: number;
  seconds: number;
  sent: number;
}

/**
 * POSTs the operations round-robin for `seconds` over `connections` keep-alive connections.
 * Latencies are autocannon's per-response timings (sub-millisecond; its histogram rounds to
 * whole milliseconds), 2xx answers only. A run stops early after `maxRequests` answers; a run
 * that ends with fewer than `minRequests` (a request slower than the run) is topped up one
 * request at a time.
 */
export async function runLoad(
  url: string,
  operations: readonly Operation[],
  options: { connections: number; seconds: number; minRequests?: number; maxRequests?: number },
): Promise<LoadResult> {
  const first = await runOnce(url, operations, options);
  const wanted = options.minRequests ?? 5;
  if (first.latencies.length >= wanted) return summarise(first, options.connections);
  const more = await runOnce(url, operations, { connections: 1, amount: wanted - first.latencies.length });
  return summarise(
    {
      latencies: [...first.latencies, ...more.latencies],
      bytes: first.bytes + more.bytes,
      errors: first.errors + more.errors,
      seconds: first.seconds + more.seconds,
      sent: first.sent + more.sent,
    },
    options.connections,
  );
}

function summarise(run: RawRun, connections: number): LoadResult {
  const latencies = [...run.latencies].sort((a, b) => a - b);
  return {
    connections,
    seconds: Math.round(run.seconds * 100) / 100,
    requests: latencies.length,
    requestsPerSecond: latencies.length / run.seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: run.errors,
    meanBytes: latencies.length ? Math.round(run.bytes / latencies.length) : 0,
    sent: run.sent,
  };
}

async function runOnce(
  url: string,
  operations: readonly Operation[],
  options: { connections: number; seconds?: number; amount?: number; maxRequests?: number },
): Promise<RawRun> {
  const bodies = operations.map((op) => JSON.stringify(op));
  /** Requests built and written (autocannon builds each one just before sending it). */
  let next = 0;
  const latencies: number[] = [];
  let bytes = 0;
  let errors = 0;
  const started = performance.now();
  let finish: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve());
  });
  const instance = autocannon(
    {
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      connections: options.connections,
      ...(options.amount ? { amount: options.amount } : { duration: options.seconds }),
      timeout: 30,
      requests: [
        {
          setupRequest: (request) => {
            const body = bodies[next % bodies.length];
            next += 1;
            return { ...request, body };
          },
          // A GraphQL error (a statement timeout, a refused query) still answers 200.
          onResponse: (status, body) => {
            if (status >= 200 && status < 300 && body.startsWith('{"errors"')) errors += 1;
          },
        },
      ],
    },
    (error) => finish(error),
  );
  let answered = 0;
  instance.on('response', (_client, statusCode, resBytes, responseTime) => {
    answered += 1;
    if (options.maxRequests && answered === options.maxRequests) instance.stop();
    if (statusCode >= 200 && statusCode < 300) {
      latencies.push(responseTime);
      bytes += resBytes;
    } else errors += 1;
  });
  instance.on('reqError', () => {
    errors += 1;
  });
  await done;
  return {
    latencies,
    bytes,
    errors,
    seconds: (performance.now() - started) / 1000,
    sent: next,
  };
}

/** Sends each operation once and fails on any GraphQL error: a benchmark of error answers measures nothing. */
export async function checkOperations(url: string, operations: readonly Operation[]): Promise<number[]> {
  const sizes: number[] = [];
  for (const op of operations) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(op),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { errors?: unknown[] };
    if (!response.ok || body.errors) {
      throw new Error(`operation failed (${response.status}): ${text.slice(0, 500)}\n${JSON.stringify(op.variables)}`);
    }
    sizes.push(text.length);
  }
  return sizes;
}
