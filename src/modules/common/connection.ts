import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { badUserInput } from '../../errors';
import { type CursorValue, decodeCursor, encodeCursor } from './cursor';
import { entityColumns, entityTable } from './entityRows';
import { query, queryOne, type Sql, sql } from './sqlTag';

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

/** An edge whose cursor is encoded when it is read. */
class PageEdge<T> implements Edge<T> {
  constructor(
    readonly node: T,
    private readonly encode: (node: T) => string,
  ) {}

  get cursor(): string {
    return this.encode(this.node);
  }
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
  /** The key over the list's alias, written in code, e.g. sql`c.name`. */
  expression: Sql;
  value: (node: T) => CursorValue;
}

/** A column a page's statement reads beside each row (a nested field read ahead), and what to do with its value. */
export interface PageColumn<T> {
  expression: Sql;
  take(node: T, value: unknown): void;
}

/** One paged list: an entity's rows, the conditions that pick them, and the order they come in. */
export interface PageQuery<T> {
  /** The entity whose rows are listed, read in its own shape (`entityColumns`). */
  entity: EntityTarget<T>;
  /** The entity table's alias in `where` and the keys, written in code. */
  alias: string;
  /** Conditions over the alias, all of which a row meets; null for a filter that asks nothing. */
  where?: readonly (Sql | null)[];
  /** Tags the cursors, so a cursor of one ordering cannot page another. */
  ordering: string;
  /** The order of the list; the last key must be unique. */
  keys: SortKey<T>[];
  descending?: boolean;
  first?: number | null;
  after?: string | null;
  limits: PageLimits;
  /** The entity's properties to read (the keys' among them); undefined for every column. */
  only?: ReadonlySet<string>;
  /** Read beside each row in the same statement; not part of the nodes. */
  columns?: readonly PageColumn<T>[];
  /**
   * Send the page's statement named (sqlTag's `query`): for a small table, whose plans do not
   * depend on the values asked for. Not for observation's pages, where a generic plan could be far
   * worse than the one made for the values. The page size is then written into the text (a page
   * size has a few values): with `LIMIT $n` the generic plan assumes a tenth of the table, and
   * Postgres kept planning a 25-city dashboard anew on every run (issue 15).
   */
  prepare?: boolean;
}

const whereClause = (conditions: readonly Sql[]): Sql =>
  conditions.length === 0 ? sql.empty : sql` WHERE ${sql.join(conditions, ' AND ')}`;

/**
 * Keyset pagination: orders by `keys` (the last must be unique), fetches one row past the page
 * to learn whether there is a next page, and resumes after a cursor with a row comparison
 * `(k1, k2, id) > (...)`, which Postgres answers from an index. `totalCount` counts the rows the
 * conditions pick, ignoring the cursor, with a second statement sent only when it is asked for.
 */
export async function paginate<T extends ObjectLiteral>(
  dataSource: DataSource,
  page: PageQuery<T>,
): Promise<Connection<T>> {
  const size = pageSize(page.first, page.limits);
  const table = sql`${entityTable(dataSource, page.entity)} ${sql.raw(page.alias)}`;
  const conditions = (page.where ?? []).filter((condition): condition is Sql => condition !== null);
  const afterCursor = page.after !== null && page.after !== undefined;
  const seek = [...conditions];
  if (afterCursor) {
    const values = decodeCursor(page.after as string, page.ordering, page.keys.length);
    const columns = sql.join(
      page.keys.map((key) => key.expression),
      ', ',
    );
    const op = sql.raw(page.descending ? '<' : '>');
    seek.push(
      sql`(${columns}) ${op} (${sql.join(
        values.map((value) => sql`${value}`),
        ', ',
      )})`,
    );
  }
  const extra = page.columns ?? [];
  const direction = page.descending ? ' DESC' : ' ASC';
  const orderBy = sql.join(
    page.keys.map((key) => sql`${key.expression}${sql.raw(direction)}`),
    ', ',
  );
  const rows =
    size === 0
      ? []
      : await query<T>(
          dataSource,
          sql`SELECT ${entityColumns(dataSource, page.entity, page.alias, '', page.only)}${sql.join(
            extra.map((column, i) => sql`, ${column.expression} AS ${sql.identifier(`column${i}`)}`),
            '',
          )} FROM ${table}${whereClause(seek)}
              ORDER BY ${orderBy} LIMIT ${page.prepare ? sql.int(size + 1) : size + 1}`,
          { prepare: page.prepare },
        ).catch(invalidCursorValue(page.after));
  const nodes = rows.slice(0, size);
  rows.forEach((row: Record<string, unknown>, index) => {
    extra.forEach((column, i) => {
      // The row past the page only tells that there is a next page.
      if (index < size) column.take(row as T, row[`column${i}`]);
      // Emptied, not deleted: a deleted property turns the row into a slow dictionary-mode object,
      // which cost the dashboard's requests a measured part of their speed (docs/performance.md).
      row[`column${i}`] = undefined;
    });
  });
  // Cursors are encoded when a client reads them (most pages ask for one, if any: the last).
  const cursorOf = (node: T) =>
    encodeCursor(
      page.ordering,
      page.keys.map((k) => k.value(node)),
    );
  const edges = nodes.map((node) => new PageEdge(node, cursorOf));
  const pageInfo: PageInfo = {
    hasNextPage: rows.length > size,
    hasPreviousPage: afterCursor,
    get startCursor() {
      return nodes.length === 0 ? null : cursorOf(nodes[0]);
    },
    get endCursor() {
      return nodes.length === 0 ? null : cursorOf(nodes[nodes.length - 1]);
    },
  };
  const count = async () => {
    const row = await queryOne<{ count: number }>(
      dataSource,
      sql`SELECT count(*)::int AS "count" FROM ${table}${whereClause(conditions)}`,
    );
    return row?.count ?? 0;
  };
  return new Connection(edges, pageInfo, count);
}
