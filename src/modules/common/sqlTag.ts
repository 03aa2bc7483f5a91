import { createHash } from 'node:crypto';

/**
 * SQL as tagged templates: `sql\`SELECT ... WHERE id = ${id}\`` keeps every interpolated value
 * out of the text (it becomes a positional `$n` parameter), and a fragment interpolated into
 * another is spliced in with its own values renumbered, so fragments from different modules
 * compose without invented parameter names. The shape of Graphile's pg-sql2 (`sql.join`,
 * `sql.identifier`, `sql.raw`), written here in a few lines because pg-sql2 5 needs Node 22
 * and sql-template-tag 5 is ESM-only
 * (docs/contributing.md, "How statements are written").
 */
export class Sql {
  /** `values.length + 1` strings: the text between the placeholders. */
  readonly strings: readonly string[];
  readonly values: readonly unknown[];

  constructor(strings: readonly string[], values: readonly unknown[]) {
    if (strings.length !== values.length + 1) throw new TypeError('Sql: one more string than values expected');
    this.strings = strings;
    this.values = values;
  }

  /** The statement text in pg's notation, `$1`, `$2`... in order of appearance. */
  get text(): string {
    let text = this.strings[0];
    for (let index = 1; index < this.strings.length; index += 1) text += `$${index}${this.strings[index]}`;
    return text;
  }
}

/** The tag: values become parameters, nested `Sql` fragments are spliced in. */
export function sql(strings: readonly string[], ...values: unknown[]): Sql {
  const outStrings = [strings[0]];
  const outValues: unknown[] = [];
  values.forEach((value, index) => {
    if (value instanceof Sql) {
      outStrings[outStrings.length - 1] += value.strings[0];
      value.values.forEach((inner, innerIndex) => {
        outValues.push(inner);
        outStrings.push(value.strings[innerIndex + 1]);
      });
      outStrings[outStrings.length - 1] += strings[index + 1];
    } else {
      outValues.push(value);
      outStrings.push(strings[index + 1]);
    }
  });
  return new Sql(outStrings, outValues);
}

/** Text written in code (a keyword, an ORDER BY chosen from a closed set), never user input. */
sql.raw = (text: string): Sql => new Sql([text], []);

/**
 * An integer written into the text, not sent as a parameter: for a value the planner should see
 * when it plans a named statement once for all its runs (an indicator id that selects a
 * partition of `observation`). Only safe integers; anything else throws.
 */
sql.int = (value: number): Sql => {
  if (!Number.isSafeInteger(value)) throw new TypeError(`sql.int: not a safe integer: ${String(value)}`);
  return sql.raw(String(value));
};

/** Nothing: an absent optional clause. */
sql.empty = new Sql([''], []);

/** A quoted identifier (`"name"`, inner quotes doubled). For names from code, never from input. */
sql.identifier = (...names: string[]): Sql => sql.raw(names.map((name) => `"${name.replace(/"/g, '""')}"`).join('.'));

/** Fragments joined by a separator (written in code); `sql.empty` for none. */
sql.join = (parts: readonly Sql[], separator: string): Sql => {
  if (parts.length === 0) return sql.empty;
  const strings = ['', ...parts.slice(1).map(() => separator), ''];
  return sql(strings, ...parts);
};

/** Anything that runs a statement with positional parameters: a DataSource, an EntityManager, a QueryRunner. */
export interface Queryable {
  query(text: string, parameters?: unknown[]): Promise<unknown>;
}

/** Data sources whose statements may be named (createDataSource's `namedStatements`). */
const naming = new WeakSet<object>();

export function allowNamedStatements(dataSource: object): void {
  naming.add(dataSource);
}

/**
 * Statement names by text: at most MAX_NAMED texts are named, so no connection holds more, and at
 * most MAX_NAMED_PER_SHAPE of one shape (the text with its numbers blanked): numbers written into a
 * text (`sql.int`: a page size, an indicator id) make one statement many texts, and a client
 * cycling through them would otherwise take every name, leaving the point lookup unnamed.
 */
const names = new Map<string, string>();
const namedPerShape = new Map<string, number>();
const MAX_NAMED = 100;
export const MAX_NAMED_PER_SHAPE = 20;

function statementName(db: Queryable, text: string): string | undefined {
  // An EntityManager or a QueryRunner names its DataSource `connection`.
  if (!naming.has(db) && !naming.has((db as { connection?: object }).connection ?? db)) return undefined;
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    const shape = text.replace(/\d+/g, '0');
    const named = namedPerShape.get(shape) ?? 0;
    if (named >= MAX_NAMED_PER_SHAPE) return undefined;
    namedPerShape.set(shape, named + 1);
    name = `rg_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs a statement and returns its rows as `Row`: the row type is declared by the caller next
 * to the SQL that produces it (column aliases in the SQL match the type's property names).
 *
 * `prepare`: for the statements every request sends (a page, a loader's batch). On a data source
 * that allows it, the statement is sent named, as `pg`'s query object through TypeORM (which
 * passes it on as it is): each connection has Postgres parse and analyse it once, not on every
 * request, and Postgres may settle on a generic plan after five runs. The dashboard's statement
 * took 0.92-1.02 ms unnamed and 0.69-0.77 ms named (docs/performance.md). Not behind a
 * transaction-mode pooler, which may hand a later request another server connection
 * (`DATABASE_POOLED`; PgBouncer keeps named statements only from 1.21).
 */
export async function query<Row>(db: Queryable, statement: Sql, options: { prepare?: boolean } = {}): Promise<Row[]> {
  const name = options.prepare ? statementName(db, statement.text) : undefined;
  const sent = name === undefined ? statement.text : ({ text: statement.text, name } as unknown as string);
  return (await db.query(sent, [...statement.values])) as Row[];
}

/** The one row of a statement that returns exactly one (an aggregate), or undefined for none. */
export async function queryOne<Row>(db: Queryable, statement: Sql): Promise<Row | undefined> {
  return (await query<Row>(db, statement))[0];
}

/** TypeORM's QueryRunner, which can report how many rows a statement wrote. */
export interface CountingQueryable {
  query(
    text: string,
    parameters: unknown[] | undefined,
    useStructuredResult: true,
  ): Promise<{ affected?: number | null }>;
}

/**
 * Runs a statement whose rows nobody reads (DDL, ANALYZE, an INSERT or UPDATE without
 * RETURNING) and returns the number of rows it wrote (0 for DDL).
 */
export async function execute(db: CountingQueryable, statement: Sql): Promise<number> {
  return (await db.query(statement.text, [...statement.values], true)).affected ?? 0;
}
