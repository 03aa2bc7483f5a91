import type { Context } from '../../context';
import { assertKnownCodes, resolveCities } from '../reference/references';
import { checkReferences } from '../reference/referenceLimits';
import type { CommitmentFilter } from './commitment.args';

const isNumeric = (value: string) => /^\d+$/.test(value);

/** Rejects codes in a CommitmentFilter that name nothing (one batched statement per request). */
export async function checkCommitmentFilterCodes(
  context: Context,
  filter: CommitmentFilter | null | undefined,
  argument: string,
): Promise<void> {
  if (!filter) return;
  checkReferences(`${argument}.cityIds`, filter.cityIds);
  const slugs = filter.cityIds?.filter((ref) => !isNumeric(ref));
  await Promise.all([
    slugs?.length ? resolveCities(context, slugs, `${argument}.cityIds`) : undefined,
    assertKnownCodes(
      context,
      `${argument}.countryCodes`,
      'country',
      filter.countryCodes?.map((c) => c.toUpperCase()),
    ),
    assertKnownCodes(context, `${argument}.instrumentCodes`, 'instrument', filter.instrumentCodes),
    assertKnownCodes(context, `${argument}.rightCodes`, 'right', filter.rightCodes),
  ]);
}
