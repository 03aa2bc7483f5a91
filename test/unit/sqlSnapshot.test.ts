import { normaliseSql, sqlSnapshot } from '../helpers/sqlSnapshot';

describe('normaliseSql', () => {
  it('collapses whitespace and starts each clause on a line of its own', () => {
    expect(
      normaliseSql(`
        SELECT c.id,   c.slug
          FROM city c
          LEFT JOIN country k ON k.code = c.country_code
          CROSS JOIN LATERAL (SELECT 1) one
          JOIN network n ON true
         WHERE c.id = ANY($1)   AND c.slug IS DISTINCT FROM $2
         ORDER BY c.id
         LIMIT 3`),
    ).toBe(
      [
        'SELECT c.id, c.slug',
        'FROM city c',
        'LEFT JOIN country k ON k.code = c.country_code',
        'CROSS JOIN LATERAL (SELECT 1) one',
        'JOIN network n ON true',
        'WHERE c.id = ANY($1) AND c.slug IS DISTINCT FROM $2',
        'ORDER BY c.id',
        'LIMIT 3',
      ].join('\n'),
    );
  });

  it('drops -- comments, not the text of string literals', () => {
    expect(normaliseSql("SELECT '--  kept', 'it''s -- kept' -- dropped\n  FROM t -- dropped too")).toBe(
      "SELECT '-- kept', 'it''s -- kept'\nFROM t",
    );
  });

  it('is the same for the same statements sent in another order or indentation', () => {
    expect(sqlSnapshot(['SELECT 2', '  SELECT   1'])).toEqual(sqlSnapshot(['SELECT 1', 'SELECT 2 ']));
  });
});
