import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Context } from '../../context';

/**
 * One error per distinct problem. A bad argument of a nested field fails once per parent row:
 * `cities(first: 100) { latest(indicator: "x") }` raises the same error 100 times, and under
 * aliases a multiple of that; the client needs it once. Errors with the same message and
 * extensions (stack traces aside) collapse into the first, which counts them all in
 * `extensions.occurrences`.
 */
export function collapseErrors(errors: readonly GraphQLFormattedError[]): GraphQLFormattedError[] {
  const first = new Map<string, { error: GraphQLFormattedError; count: number }>();
  for (const error of errors) {
    // A stack trace (development only) differs between throws of the same problem.
    const { stacktrace: _stacktrace, ...extensions } = error.extensions ?? {};
    const key = JSON.stringify([error.message, extensions]);
    const seen = first.get(key);
    if (seen) seen.count += 1;
    else first.set(key, { error, count: 1 });
  }
  if (first.size === errors.length) return [...errors];
  return [...first.values()].map(({ error, count }) =>
    count === 1 ? error : { ...error, extensions: { ...error.extensions, occurrences: count } },
  );
}

/**
 * Collapses repeated errors and hands the request's warnings (context.warnings: e.g. a city
 * slug nobody has, with the closest matches) to the client in `extensions.warnings`.
 */
export function responseNotesPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors && result.errors.length > 1) result.errors = collapseErrors(result.errors);
          const warnings = contextValue.warnings ?? [];
          if (warnings.length > 0) {
            const distinct = [...new Map(warnings.map((w) => [JSON.stringify(w), w])).values()];
            result.extensions = { ...result.extensions, warnings: distinct };
          }
        },
      };
    },
  };
}
