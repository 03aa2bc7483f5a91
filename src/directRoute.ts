import express from 'express';
import type http from 'node:http';

/** A handler of the chain, with Express's signature; an error skips to `onError`. */
type Handler = (req: express.Request, res: express.Response, next: (error?: unknown) => void) => unknown;

/** Express's own `req.ip` (the client address under the app's `trust proxy` setting). */
const expressIp = Object.getOwnPropertyDescriptor(express.request, 'ip')?.get;

/**
 * One route's handlers run in order on Node's own request and response, without Express: for
 * `POST /graphql`, the API's hot path. Express re-parents every request and response onto its
 * prototypes (`Object.setPrototypeOf`, which leaves Node's HTTP code and ours reading their
 * fields through slow, unspecialised property lookups) and walks every layer the app mounts; with
 * the JSON parser's and Apollo integration's Express calls that was about 0.4 of the 0.8 ms of
 * server CPU a point lookup took (docs/performance.md, "POST /graphql without Express").
 *
 * The handlers are the same functions the app mounts for the route, in the app's order (mountRoutes
 * passes both the same values; test/integration/directRoute.test.ts compares the answers of the
 * two ways), so every header, limit and error answer is the app's. They use nothing of Express's
 * request and response but what this gives them: `req.app` and `req.ip` (for the rate limiter,
 * Express's own getter under the app's `trust proxy`), `req.originalUrl` and `res.locals`. An
 * error goes to the app's final error handler, which writes through `sendHttpError` (plain Node).
 */
export function directRoute(
  app: express.Express,
  handlers: readonly Handler[],
  onError: express.ErrorRequestHandler,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  if (!expressIp) throw new Error('directRoute: express.request has no ip getter');
  const ipOf = expressIp;
  return (incoming, outgoing) => {
    const req = incoming as express.Request & { app: express.Express; ip: string | undefined };
    const res = outgoing as express.Response;
    req.app = app;
    req.ip = ipOf.call(req) as string | undefined;
    req.originalUrl = req.url;
    res.locals = Object.create(null) as Record<string, unknown>;
    let at = 0;
    const failed = (error: unknown) => {
      try {
        // The final handler passes an error on only when the answer has started: then, as
        // Express's own final handler does, the connection is closed.
        onError(error, req, res, () => req.socket.destroy());
      } catch {
        req.socket.destroy();
      }
    };
    const next = (error?: unknown): void => {
      if (error !== undefined && error !== null) {
        failed(error);
        return;
      }
      const handler = handlers[at++];
      if (!handler) {
        failed(new Error('directRoute: the last handler passed the request on'));
        return;
      }
      try {
        const result = handler(req, res, next);
        // As Express 5 does, a handler's rejected promise goes to the error handler.
        if (result instanceof Promise) result.catch((reason) => next(reason ?? new Error('Rejected promise')));
      } catch (thrown) {
        next(thrown);
      }
    };
    next();
  };
}
