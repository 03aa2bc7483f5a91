import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { MAX_REFERENCES } from './referenceLimits';

/**
 * The list cap, applied to the request's variables before graphql-js coerces them. Coercion
 * visits every item (several type checks each), so a 100,000-item list held the event loop for
 * half a second before any resolver could refuse it. No argument takes more than
 * MAX_REFERENCES values, so a longer list anywhere in the variables is refused as it arrives.
 * The walk is iterative (deeply nested variables cannot overflow the stack) and stops at the
 * first list over the cap.
 */
export function oversizedList(variables: Record<string, unknown> | undefined): { path: string; length: number } | null {
  if (!variables) return null;
  const pending: [string, unknown][] = Object.entries(variables).map(([name, value]) => [`$${name}`, value]);
  while (pending.length > 0) {
    const [path, value] = pending.pop()!;
    if (Array.isArray(value)) {
      if (value.length > MAX_REFERENCES) return { path, length: value.length };
      for (let i = 0; i < value.length; i += 1) {
        if (typeof value[i] === 'object' && value[i] !== null) pending.push([`${path}[${i}]`, value[i]]);
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (typeof item === 'object' && item !== null) pending.push([`${path}.${key}`, item]);
      }
    }
  }
  return null;
}

export function variableLimitsPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          const found = oversizedList(request.variables);
          if (found) {
            throw badUserInput(`${found.path} is limited to ${MAX_REFERENCES} values, got ${found.length}`, {
              argument: found.path,
              cap: MAX_REFERENCES,
              http: { status: 400 },
            });
          }
        },
      };
    },
  };
}

/**
 * The most values (counted by their separating commas) one JSON request body may carry.
 * Parsing is the one step no argument check can precede: JSON.parse of a 900 KB body holding
 * 100,000 codes takes 60-90 ms on a busy 2-core machine, while 20,000 take a fifth of that.
 * Every list argument is capped at 1,000 values, so no real request comes close.
 */
export const MAX_BODY_VALUES = 20_000;

/**
 * For express.json's `verify`: counts commas in the raw body (a native scan, a few ms for a
 * megabyte) and refuses a body with more values than MAX_BODY_VALUES before it is parsed.
 */
export function refuseManyValues(_req: unknown, _res: unknown, body: Buffer): void {
  let values = 1;
  for (let at = body.indexOf(44); at !== -1; at = body.indexOf(44, at + 1)) {
    values += 1;
    if (values > MAX_BODY_VALUES) {
      throw Object.assign(new Error(`A request body is limited to ${MAX_BODY_VALUES} values (list items and fields)`), {
        status: 400,
        expose: true,
        type: 'entity.too.many.values',
      });
    }
  }
}
