import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import type express from 'express';

/**
 * Apollo behind a route: what `@as-integrations/express5` did, written with Node's response
 * methods only (setHeader, statusCode, write, end), so it runs the same on Express's response
 * and on Node's own (src/directRoute.ts). Express's `res.send` added nothing here but a hash of
 * every answer for an ETag, which no POST is answered from.
 */
export function graphqlHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (req: express.Request, res: express.Response) => Promise<TContext>,
): (req: express.Request, res: express.Response) => Promise<void> {
  apollo.assertStarted('graphqlHandler()');
  return async (req, res) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const query = req.url.indexOf('?');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: (req.method ?? 'GET').toUpperCase(),
        headers,
        search: query === -1 ? '' : req.url.slice(query),
        body: (req as { body?: unknown }).body,
      },
      context: () => context(req, res),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
