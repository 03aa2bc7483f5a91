import type { CodeKind } from './reference.loaders';
import { echo } from './referenceLimits';

/** What a client may name by a code, slug or id (see references.ts, which resolves them). */
export type ReferenceKind = CodeKind | 'indicator' | 'city';

/** An unknown code found inside a batched statement; `explainUnknown` turns it into the error. */
export class UnknownReference extends Error {
  constructor(
    readonly kind: ReferenceKind,
    readonly value: string,
  ) {
    super(`Unknown ${kind} "${echo(value)}"`);
  }
}
