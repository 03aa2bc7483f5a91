import { createParameterDecorator } from 'type-graphql';

/**
 * The object a field belongs to, as its parent's resolver returned it: type-graphql's `@Root()`
 * for resolvers that never need it as an instance of its class. `@Root()` copies the parent into
 * a new instance of the declared class on every call (`new City()`, the class fields it defines
 * deleted again, then `Object.assign`): 25 copies of a city row for a 25-city dashboard, each a
 * slow dictionary-mode object. The object types here are plain data with no methods or getters,
 * and no resolver writes to its parent (held reference rows are shared between requests), so the
 * row itself serves.
 */
export function Parent(): ReturnType<typeof createParameterDecorator> {
  return createParameterDecorator(({ root }) => root);
}
