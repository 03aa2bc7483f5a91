import autocannon from 'autocannon';
import type { Query } from './loadtestServer';

export interface RunResult {
  result: autocannon.Result;
  latencies: Float64Array;
  graphqlErrors: Map<string, number>;
  firstError: string | null;
}

function withBody(next: () => string) {
  return (request: autocannon.Request): autocannon.Request => ({ ...request, body: next() });
}

/** The same request with a query text no request sent before: a random comment in front. */
function varied(body: string): () => string {
  const request = JSON.parse(body) as { query: string };
  return () => JSON.stringify({ ...request, query: `# ${Math.random().toString(36).slice(2)}\n${request.query}` });
}

/** One autocannon run cycling through the queries on every connection. */
export function run(
  url: string,
  queries: Query[],
  connections: number,
  seconds: number,
  maxRequests: number,
  soak = false,
) {
  const graphqlErrors = new Map<string, number>();
  let firstError: string | null = null;
  const latencies = new Float64Array(maxRequests);
  let count = 0;
  return new Promise<RunResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        timeout: 30,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: queries.map((q) => ({
          method: 'POST' as const,
          body: q.body,
          ...(soak ? { setupRequest: withBody(varied(q.body)) } : {}),
          onResponse: (status: number, body: string) => {
            // A GraphQL error comes with HTTP 200; only the body tells.
            if (status === 200 && !body.includes('"errors"')) return;
            graphqlErrors.set(q.name, (graphqlErrors.get(q.name) ?? 0) + 1);
            firstError ??= `${q.name}: HTTP ${status} ${body.slice(0, 500)}`;
          },
        })),
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) reject(error);
        else resolve({ result, latencies: latencies.slice(0, count).sort(), graphqlErrors, firstError });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (count < maxRequests) latencies[count] = responseTime;
      count += 1;
      if (count === maxRequests) instance.stop();
    });
  });
}
