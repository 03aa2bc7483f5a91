import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from './context';
import type { DatabaseHealth } from './db/databaseHealth';
import { isDatabaseUnavailable, isRequestError, isUnstorableText } from './errorCauses';
import { ErrorCode, httpStatusOf, serviceUnavailable } from './errors';
import type { Logger } from './logger';

/**
 * Logs the errors that are the server's fault, as structured JSON with the request id, and
 * hands that id to the client in every error's extensions so a report can be matched to the
 * log. The database being down is logged once per outage (DatabaseHealth), and answers with the
 * status and Retry-After of `serviceUnavailable()`, as the HTTP routes do.
 */
export function errorLogging(logger: Logger, health: DatabaseHealth): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, request }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (code === ErrorCode.CANCELLED) {
              // Not a fault, but the one trace of work a client asked for and left: its answer has no reader.
              logger.info({ requestId: contextValue.requestId, operation: request.operationName }, error.message);
              continue;
            }
            if (code !== undefined && code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
            if (isUnstorableText(error) || isRequestError(error)) continue;
            if (isDatabaseUnavailable(error)) {
              health.failed(error.originalError ?? error);
            } else {
              logger.error(
                {
                  requestId: contextValue.requestId,
                  operation: request.operationName,
                  err: error.originalError ?? error,
                },
                'unexpected error',
              );
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          let unavailable = false;
          for (const error of response.body.singleResult.errors ?? []) {
            (error as { extensions: Record<string, unknown> }).extensions = {
              ...error.extensions,
              requestId: contextValue.requestId,
            };
            if (error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE) unavailable = true;
          }
          if (unavailable) {
            const refusal = serviceUnavailable();
            response.http.status = httpStatusOf(refusal);
            const { headers } = refusal.extensions.http as { headers: Map<string, string> };
            for (const [name, value] of headers) response.http.headers.set(name, value);
          }
        },
      };
    },
  };
}
