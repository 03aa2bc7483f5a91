import type { ApolloServerPlugin } from '@apollo/server';
import type http from 'node:http';
import net from 'node:net';

/** How long an idle keep-alive connection may still bring a last request once draining starts. */
export const IDLE_GRACE_MS = 1000;

/**
 * Drains the HTTP server on stop without resetting a request that arrived before it.
 *
 * Apollo's drain plugin ends idle keep-alive sockets at once, and http.Server.close() (Node 19+)
 * destroys them: a request already sent on such a socket (on the wire, or read but not yet
 * parsed) was reset, 6-10 per SIGTERM under load (issue 12, row 15), and an answer in flight went
 * out without `Connection: close`, so its client reused a socket that was about to close.
 *
 * Here the listener stops accepting (net.Server's close, which leaves open sockets alone); every
 * answer from then on, and every one in flight whose headers are not sent yet, says
 * `Connection: close`, so Node closes its socket gracefully after it; idle sockets may bring a
 * last request for IDLE_GRACE_MS, answered the same way, then are ended (FIN, not RST). After
 * `graceMs` whatever is left is destroyed.
 */
export function drainHttpServer(httpServer: http.Server, graceMs: number): ApolloServerPlugin {
  const requestsOn = new Map<net.Socket, number>();
  const unanswered = new Set<http.ServerResponse>();
  let draining = false;

  httpServer.on('connection', (socket: net.Socket) => {
    requestsOn.set(socket, 0);
    socket.once('close', () => requestsOn.delete(socket));
  });
  // Before Express: a handler that answers synchronously (/healthz) must see the header set.
  httpServer.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    requestsOn.set(socket, (requestsOn.get(socket) ?? 0) + 1);
    unanswered.add(res);
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      unanswered.delete(res);
      const left = (requestsOn.get(socket) ?? 1) - 1;
      requestsOn.set(socket, left);
      // An answer whose headers went out before the drain began did not say Connection: close.
      if (draining && left === 0) socket.end();
    });
  });

  const endIdle = () => {
    for (const [socket, requests] of requestsOn) if (requests === 0) socket.end();
  };

  return {
    async serverWillStart() {
      return {
        async drainServer() {
          draining = true;
          for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
          const closed = new Promise<void>((resolve) => {
            if (!httpServer.listening) resolve();
            else net.Server.prototype.close.call(httpServer, () => resolve());
          });
          const idleTimer = setTimeout(endIdle, Math.min(IDLE_GRACE_MS, graceMs));
          const hardTimer = setTimeout(() => {
            for (const socket of requestsOn.keys()) socket.destroy();
          }, graceMs);
          try {
            await closed;
          } finally {
            clearTimeout(idleTimer);
            clearTimeout(hardTimer);
          }
        },
      };
    },
  };
}
