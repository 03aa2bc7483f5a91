import { ApolloServer } from '@apollo/server';
import { buildSchema, GraphQLError } from 'graphql';
import { loadConfig } from '../../src/config';
import { formatError } from '../../src/formatError';
import { exceedsTokenLimit, isQueryLimitError, queryLimits } from '../../src/limits';

/** What src/limits.ts matched before the limits reported their refusals themselves. */
const OLD_LIMIT_MESSAGE =
  /^Syntax Error: (Query depth limit of \d+ exceeded|Query Cost limit of \d+ exceeded|Aliases limit of \d+ exceeded|Directives limit of \d+ exceeded|Document contains more tha[nt] \d+ tokens)/;

const schema = buildSchema(`
  type Query { node: Node }
  type Node { child: Node name: String }
`);

/** Apollo with the server's limits and formatError on a small recursive schema. */
async function apolloWith(env: NodeJS.ProcessEnv, options: { exposeLimits?: boolean } = {}) {
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const limits = queryLimits(config, options);
  const apollo = new ApolloServer({
    schema,
    formatError: formatError(config),
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: limits.plugins,
  });
  await apollo.start();
  return apollo;
}

async function answer(apollo: ApolloServer, query: string) {
  const response = await apollo.executeOperation({ query });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { status: response.http.status, errors: response.body.singleResult.errors ?? [] };
}

/** node, then `depth` children, then name: depth + 2 levels. */
const nested = (depth: number) => `{ node ${'{ child '.repeat(depth)}{ name }${' }'.repeat(depth)} }`;

describe('query limits are coded from the limit, not from its message', () => {
  let quiet: ApolloServer;
  let plain: ApolloServer;
  beforeAll(async () => {
    // armor's exposeLimits: false words every refusal "Query validation error.", which the old
    // text match did not know.
    quiet = await apolloWith({ MAX_QUERY_DEPTH: '3', MAX_ALIASES: '2' }, { exposeLimits: false });
    plain = await apolloWith({ MAX_QUERY_DEPTH: '3', MAX_QUERY_TOKENS: '100' });
  });
  afterAll(async () => {
    await quiet.stop();
    await plain.stop();
  });

  it.each([
    ['depth', nested(4)],
    ['aliases', '{ a: node { name } b: node { name } c: node { name } }'],
  ])('a %s refusal worded without its limit is QUERY_TOO_COMPLEX, HTTP 400', async (_limit, query) => {
    const { status, errors } = await answer(quiet, query);
    expect(errors.map((e) => e.message)).toEqual(['Syntax Error: Query validation error.']);
    expect(errors[0].message).not.toMatch(OLD_LIMIT_MESSAGE);
    expect(errors.map((e) => e.extensions)).toEqual([{ code: 'QUERY_TOO_COMPLEX' }]);
    expect(status).toBe(400);
  });

  it('keeps the message that states the limit when limits are exposed', async () => {
    const { errors } = await answer(plain, nested(4));
    expect(errors.map((e) => [e.message, e.extensions?.code])).toEqual([
      ['Syntax Error: Query depth limit of 3 exceeded, found 6.', 'QUERY_TOO_COMPLEX'],
    ]);
  });

  it('codes a document over the token limit QUERY_TOO_COMPLEX, and a syntax error in a long one GRAPHQL_PARSE_FAILED', async () => {
    const names = Array.from({ length: 150 }, () => 'name').join(' ');
    const tooLong = await answer(plain, `{ node { ${names} } }`);
    expect(tooLong.errors.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(tooLong.status).toBe(400);
    // Just as long, but broken at its third token: the parser stops there, short of the limit.
    const broken = await answer(plain, `{ node ) { ${names} } }`);
    expect(broken.errors.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(broken.status).toBe(400);
  });

  it('does not take an error for a limit because its message reads like one', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    const lookalike = new GraphQLError('Syntax Error: Query depth limit of 3 exceeded, found 4.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(isQueryLimitError(lookalike)).toBe(false);
    const formatted = formatError(config)(
      { message: lookalike.message, extensions: { code: 'BAD_USER_INPUT' } },
      lookalike,
    );
    expect(formatted.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('exceedsTokenLimit', () => {
  it('counts the tokens the parser read, as its limit does', () => {
    // `{ a b c }` is five tokens.
    expect(exceedsTokenLimit('{ a b c }', 5)).toBe(false);
    expect(exceedsTokenLimit('{ a b c d }', 5)).toBe(true);
    // A syntax error within the limit is not the limit, however long the rest.
    expect(exceedsTokenLimit(`{ a ) ${'b '.repeat(50)}}`, 5)).toBe(false);
    // Nor is a character the lexer refuses.
    expect(exceedsTokenLimit(`{ a \u0007 ${'b '.repeat(50)}}`, 5)).toBe(false);
  });
});
