import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor } from '../../src/modules/common/cursor';

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions.code : error;
  }
  return 'no error';
}

describe('cursors', () => {
  it('round-trip the sort key of a row', () => {
    const cursor = encodeCursor('city:NAME', ['Zürich', 42]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'city:NAME', 2)).toEqual(['Zürich', 42]);
  });

  it('reject garbage, another ordering and the wrong arity as BAD_USER_INPUT', () => {
    const cursor = encodeCursor('city:NAME', ['Graz', 1]);
    expect(codeOf(() => decodeCursor('!!!', 'city:NAME', 2))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeCursor('', 'city:NAME', 2))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeCursor(Buffer.from('{"a":1}').toString('base64url'), 'city:NAME', 2))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(() => decodeCursor(Buffer.from('not json').toString('base64url'), 'city:NAME', 2))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(() => decodeCursor(cursor, 'city:SLUG', 2))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeCursor(cursor, 'city:NAME', 1))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeCursor(encodeCursor('x', [{} as unknown as string]), 'x', 1))).toBe('BAD_USER_INPUT');
  });
});
