import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { execute } from 'graphql';
import { type Context, createLoaders } from '../context';
import type { ReadReplicas } from './readReplicas';

/**
 * Queries read from a replica (ReadReplicas.pick); mutations, and the reads a mutation returns,
 * keep the primary the context was built with, as do API key checks (before the context).
 *
 * The seam is the context's `dataSource` and the loaders made from it: Apollo builds the context
 * once per request, before the operation is known, so this swaps both once it is. It does so in
 * `responseForOperation`, after the response cache's lookup, so a cached answer costs no replica
 * and the cache's generation is read before the replica is picked (an answer from a replica
 * picked before a change cannot be stored for after it).
 *
 * It executes the query itself so that a replica that stops answering costs no request: on a
 * connection error the replica is taken out and the query is left to Apollo on the primary. An
 * answer with other errors is also left to Apollo (on the same replica), so errors are formatted
 * and logged exactly as without replicas; only error answers execute twice.
 */
export function replicaReadsPlugin(replicas: ReadReplicas): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ operation, contextValue, schema, document, request }) {
          if (operation.operation !== 'query') return null;
          const { dataSource, replica } = replicas.pick();
          if (replica === null) return null;
          const use = (source: typeof dataSource) => {
            contextValue.dataSource = source;
            contextValue.loaders = createLoaders(source);
            contextValue.warnings.length = 0;
          };
          const primary = contextValue.dataSource;
          use(dataSource);
          const result = await execute({
            schema,
            document,
            contextValue,
            variableValues: request.variables,
            operationName: request.operationName,
          });
          if (!result.errors?.length) {
            return {
              http: { status: undefined, headers: new HeaderMap() },
              body: { kind: 'single', singleResult: { data: result.data } },
            };
          }
          use(result.errors.some((error) => replicas.failed(replica, error)) ? primary : dataSource);
          return null;
        },
      };
    },
  };
}
