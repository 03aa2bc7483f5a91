import { GraphQLError } from 'graphql';
import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../errorCauses';
import { badUserInput, ErrorCode } from '../../errors';
import { DatePrecision } from '../commitment/commitment.entity';
import { parsePartialDate } from '../common/text';
import { query, sql } from '../common/sqlTag';
import { echo } from '../reference/referenceLimits';

/** The small rules every curator mutation shares: errors, partial inputs, rights, dates. */

export function notFound(what: string, key: string): GraphQLError {
  return new GraphQLError(`No ${what} ${echo(key)}`, { extensions: { code: ErrorCode.NOT_FOUND } });
}

/** A unique-key violation is the client's doing (a taken slug or code): say which, as BAD_USER_INPUT. */
export async function saving<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw badUserInput(`${what} already exists: ${(error as { detail?: string }).detail ?? ''}`.trim());
    }
    throw error;
  }
}

/** Keeps only the fields given (undefined means "leave as is"; null clears a nullable field). */
export function given<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function replaceRights(
  manager: EntityManager,
  table: 'indicator_right' | 'commitment_right',
  ownerColumn: string,
  ownerId: number,
  codes: string[],
) {
  const [t, owner] = [sql.identifier(table), sql.identifier(ownerColumn)];
  await query(manager, sql`DELETE FROM ${t} WHERE ${owner} = ${ownerId}`);
  await query(
    manager,
    sql`INSERT INTO ${t} (${owner}, right_id) SELECT ${ownerId}::int, id FROM "right" WHERE code = ANY(${codes}::text[])`,
  );
}

export function adopted(on: string | null | undefined): {
  adoptedOn: string | null;
  adoptedPrecision: DatePrecision | null;
} {
  if (!on) return { adoptedOn: null, adoptedPrecision: null };
  const parsed = parsePartialDate(on);
  if (!parsed) throw badUserInput(`adoptedOn ${on} is not a calendar date`, { argument: 'adoptedOn', value: on });
  return { adoptedOn: parsed.date, adoptedPrecision: parsed.precision };
}
