import { Sql, sql } from '../../src/modules/common/sqlTag';

describe('the sql tag', () => {
  it('turns every value into a positional parameter, in order', () => {
    const statement = sql`SELECT * FROM city WHERE id = ${7} AND slug = ${"o'hare"}`;
    expect(statement.text).toBe('SELECT * FROM city WHERE id = $1 AND slug = $2');
    expect(statement.values).toEqual([7, "o'hare"]);
  });

  it('splices a nested fragment in and renumbers its parameters', () => {
    const year = sql`o.year BETWEEN ${2010} AND ${2020}`;
    const statement = sql`SELECT 1 FROM observation o WHERE o.city_id = ${1} AND ${year} AND o.indicator_id = ${3}`;
    expect(statement.text).toBe(
      'SELECT 1 FROM observation o WHERE o.city_id = $1 AND o.year BETWEEN $2 AND $3 AND o.indicator_id = $4',
    );
    expect(statement.values).toEqual([1, 2010, 2020, 3]);
  });

  it('nests fragments at any depth, a fragment at the very start and end included', () => {
    const inner = sql`${'a'} = ${'b'}`;
    const middle = sql`${inner} OR ${inner}`;
    const statement = sql`${middle}`;
    expect(statement.text).toBe('$1 = $2 OR $3 = $4');
    expect(statement.values).toEqual(['a', 'b', 'a', 'b']);
  });

  it('passes arrays and nulls as single values (for = ANY($n))', () => {
    const statement = sql`WHERE id = ANY(${[1, 2, 3]}) AND x IS NOT DISTINCT FROM ${null}`;
    expect(statement.text).toBe('WHERE id = ANY($1) AND x IS NOT DISTINCT FROM $2');
    expect(statement.values).toEqual([[1, 2, 3], null]);
  });

  it('joins fragments with a separator, and an empty list is empty', () => {
    const parts = [sql`a = ${1}`, sql`b = ${2}`, sql`c = ${3}`];
    const joined = sql`WHERE ${sql.join(parts, ' AND ')}`;
    expect(joined.text).toBe('WHERE a = $1 AND b = $2 AND c = $3');
    expect(joined.values).toEqual([1, 2, 3]);
    expect(sql`x${sql.join([], ', ')}y`.text).toBe('xy');
  });

  it('quotes identifiers, doubling inner quotes, and leaves raw text and empty as written', () => {
    expect(sql`SELECT ${sql.identifier('t', 'country_code')} FROM ${sql.identifier('we"ird')}`.text).toBe(
      'SELECT "t"."country_code" FROM "we""ird"',
    );
    expect(sql`ORDER BY ${sql.raw('o.year DESC')}${sql.empty}`.text).toBe('ORDER BY o.year DESC');
  });

  it('writes a safe integer into the text and refuses anything else', () => {
    const statement = sql`WHERE o.indicator_id = ${sql.int(42)} AND o.year > ${2000} LIMIT ${sql.int(-3)}`;
    expect(statement.text).toBe('WHERE o.indicator_id = 42 AND o.year > $1 LIMIT -3');
    expect(statement.values).toEqual([2000]);
    for (const bad of [1.5, Number.NaN, Infinity, 2 ** 53, '1; DROP TABLE city' as unknown as number]) {
      expect(() => sql.int(bad)).toThrow(TypeError);
    }
  });

  it('refuses a malformed fragment', () => {
    expect(() => new Sql(['a', 'b'], [])).toThrow(TypeError);
  });
});
