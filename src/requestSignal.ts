import type http from 'node:http';

/**
 * Aborted when the client goes away before its answer is written: the response closes (the
 * connection ended) while not finished. A response's `close` also fires after a normal answer,
 * then with `writableFinished` set, and aborts nothing. The request's own `close` is no guide:
 * Node emits it as soon as the body has been read.
 */
export function requestSignal(res: http.ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the client closed the connection'));
  });
  return controller.signal;
}
