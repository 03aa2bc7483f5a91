import type http from 'node:http';

const GONE = 'the client closed the connection';

/**
 * Aborted when the client goes away before its answer is written: the response closes (the
 * connection ended) while not finished. A response's `close` also fires after a normal answer,
 * then with `writableFinished` set, and aborts nothing. The request's own `close` is no guide:
 * Node emits it as soon as the body has been read.
 *
 * Returned as a function that makes the signal when it is first asked for: only the analyses
 * that run on the compute pool read it, and an AbortController per request was 2.5% of a point
 * lookup's CPU (issue 15). A signal first asked for after the client went away is aborted already.
 */
export function requestSignal(res: http.ServerResponse): () => AbortSignal {
  let controller: AbortController | undefined;
  let gone = false;
  res.once('close', () => {
    if (res.writableFinished) return;
    gone = true;
    controller?.abort(new Error(GONE));
  });
  return () => {
    if (controller === undefined) {
      controller = new AbortController();
      if (gone) controller.abort(new Error(GONE));
    }
    return controller.signal;
  };
}
