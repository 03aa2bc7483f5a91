import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { parseId } from './validate';

/** Validates an `asOf` release id; unknown releases are BAD_USER_INPUT rather than silently "current". */
export async function resolveAsOf(context: Context, asOf: string | null | undefined): Promise<number | undefined> {
  const id = parseId('asOf', asOf);
  if (id === undefined) return undefined;
  const release = await context.loaders.releaseById.load(id);
  if (!release) throw badUserInput(`Unknown release ${id}`, { argument: 'asOf', value: asOf });
  return id;
}
