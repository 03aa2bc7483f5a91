import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badUserInput } from '../../errors';
import { type CursorValue, decodeCursor, encodeCursor } from './cursor';

@ObjectType({ description: 'Relay page information' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => Boolean, { description: 'True when the page was requested with an `after` cursor' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/**
 * The result of a paginated list. `totalCount` is computed only when a client asks for it, so
 * a page costs one statement and a page with its total two.
 */
export class Connection<T> {
  constructor(
    readonly edges: Edge<T>[],
    readonly pageInfo: PageInfo,
    private readonly count: () => Promise<number>,
  ) {}

  get totalCount(): Promise<number> {
    return this.count();
  }
}

interface ClassType<T> {
  new (...args: never[]): T;
}

/** Declares the `<Name>Connection` and `<Name>Edge` GraphQL types for a node type. */
export function connectionType<T>(name: string, nodeType: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String)
    cursor: string;

    @Field(() => nodeType)
    node: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} nodes` })
  class ConnectionType {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'Number of nodes matching the filter, across all pages' })
    totalCount: number;
  }
  return ConnectionType;
}

/** `first` and `after` of every connection; list arguments extend it. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: 'Page size: 25 by default, at most 100 (the server settings DEFAULT_PAGE_SIZE and MAX_PAGE_SIZE)',
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page' })
  after?: string | null;
}

export interface PageLimits {
  defaultPageSize: number;
  maxPageSize: number;
}

export function pageSize(first: number | null | undefined, limits: PageLimits): number {
  if (first === null || first === undefined) return limits.defaultPageSize;
  if (!Number.isInteger(first) || first < 0 || first > limits.maxPageSize) {
    throw badUserInput(`first must be between 0 and ${limits.maxPageSize}, got ${first}`, {
      argument: 'first',
      value: first,
    });
  }
  return first;
}

/**
 * A cursor is base64 JSON a client can forge: a well-formed one of the right ordering may still
 * hold a value Postgres cannot compare with its column (text for an id, 1e300, "2016-13-45").
 * Postgres rejects the value with a data exception (class 22: invalid text, out of range, bad
 * date or time zone); that is an invalid cursor, not a server fault. A NUL (22021) may sit in
 * any argument and is answered as such by formatError.
 */
function invalidCursorValue(after: string | null | undefined) {
  return (error: unknown): never => {
    const code = String((error as { driverError?: { code?: unknown } })?.driverError?.code ?? '');
    if (after !== null && after !== undefined && code.startsWith('22') && code !== '22021') {
      throw badUserInput(`Invalid cursor "${after.slice(0, 100)}"`, { argument: 'after' });
    }
    throw error;
  };
}

export interface SortKey<T> {
  /** Query-builder expression, e.g. `c.name`. */
  expression: string;
  value: (node: T) => CursorValue;
}

/**
 * Keyset pagination over a TypeORM query: orders by `keys` (the last must be unique), fetches
 * one row past the page to learn whether there is a next page, and resumes after a cursor with
 * a row comparison `(k1, k2, id) > (...)`, which Postgres answers from an index.
 */
export async function paginate<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  options: {
    ordering: string;
    keys: SortKey<T>[];
    descending?: boolean;
    first?: number | null;
    after?: string | null;
    limits: PageLimits;
  },
): Promise<Connection<T>> {
  const size = pageSize(options.first, options.limits);
  const countQuery = query.clone();
  const page = query.clone();
  const op = options.descending ? '<' : '>';
  const direction = options.descending ? 'DESC' : 'ASC';
  if (options.after !== null && options.after !== undefined) {
    const values = decodeCursor(options.after, options.ordering, options.keys.length);
    const params = Object.fromEntries(values.map((v, i) => [`cursor_${i}`, v]));
    const columns = options.keys.map((k) => k.expression).join(', ');
    const placeholders = values.map((_, i) => `:cursor_${i}`).join(', ');
    page.andWhere(`(${columns}) ${op} (${placeholders})`, params);
  }
  options.keys.forEach((key, i) =>
    i === 0 ? page.orderBy(key.expression, direction) : page.addOrderBy(key.expression, direction),
  );
  const rows =
    size === 0
      ? []
      : await page
          .limit(size + 1)
          .getMany()
          .catch(invalidCursorValue(options.after));
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({
    cursor: encodeCursor(
      options.ordering,
      options.keys.map((k) => k.value(node)),
    ),
    node,
  }));
  const pageInfo: PageInfo = {
    hasNextPage: rows.length > size,
    hasPreviousPage: options.after !== null && options.after !== undefined,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? null,
  };
  return new Connection(edges, pageInfo, () => countQuery.getCount());
}
