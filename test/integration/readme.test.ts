import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { createTestServer, dataOf, type TestServer } from '../helpers/testServer';

/**
 * The README's examples are documentation users paste into their clients: every ```graphql
 * block must run against the seeded demo data, and where an example's answer is described in
 * the README, the values asserted here come from the seed fact sheet, not from running the code.
 */
const README = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

function graphqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```graphql[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => m[1]);
}

const BLOCKS = graphqlBlocks(README);
/** Examples that need the worked import first; test/integration/workedExample.test.ts runs them. */
const AFTER_IMPORT = (block: string) => block.includes('workedExample.test.ts');

function operationOf(block: string): OperationDefinitionNode {
  const operations = parse(block).definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  expect(operations).toHaveLength(1);
  return operations[0];
}

function titleOf(block: string, index: number): string {
  return `#${index + 1} ${operationOf(block).name?.value ?? block.trim().split('\n')[0]}`;
}

/** The one example that contains all the given fragments of text; fails if there is none or several. */
function blockContaining(...needles: string[]): string {
  const matches = BLOCKS.filter((block) => needles.every((needle) => block.includes(needle)));
  if (matches.length !== 1) {
    throw new Error(`expected one README example containing ${JSON.stringify(needles)}, found ${matches.length}`);
  }
  return matches[0];
}

/** Every top-level field answered, and every top-level list or connection non-empty. */
function expectNonEmpty(data: Record<string, unknown> | null | undefined): void {
  expect(data).toBeTruthy();
  const fields = Object.entries(data ?? {});
  expect(fields.length).toBeGreaterThan(0);
  for (const [field, value] of fields) {
    expect([field, value]).not.toEqual([field, null]);
    if (Array.isArray(value)) expect([field, value.length]).not.toEqual([field, 0]);
    const edges = (value as { edges?: unknown[] }).edges;
    if (edges) expect([field, edges.length]).not.toEqual([field, 0]);
  }
}

/** The first `pageInfo.endCursor` in a result, depth first. */
function endCursorIn(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const pageInfo = (value as { pageInfo?: { endCursor?: unknown } }).pageInfo;
  if (typeof pageInfo?.endCursor === 'string') return pageInfo.endCursor;
  for (const child of Object.values(value)) {
    const found = endCursorIn(child);
    if (found) return found;
  }
  return undefined;
}

let t: TestServer;
/** Mutation examples write, so they run on a database of their own and leave `t` as seeded. */
let curator: TestServer;
let editorKey = '';
beforeAll(async () => {
  [t, curator] = await Promise.all([createTestServer(), createTestServer()]);
  editorKey = (await createApiKey(curator.db.dataSource, { name: 'readme', role: Role.EDITOR })).key;
});
afterAll(async () => {
  await Promise.all([t.close(), curator.close()]);
});

/** Runs an example; mutations (the curator examples) run with an editor key, as the README tells curators to. */
async function run<T = Record<string, unknown>>(block: string, variables?: Record<string, unknown>): Promise<T> {
  if (operationOf(block).operation === 'mutation') {
    return dataOf<T>(await curator.query<T>(block, variables, { authorization: `Bearer ${editorKey}` }));
  }
  return dataOf<T>(await t.query<T>(block, variables));
}

describe('README examples', () => {
  it('has at least 6 graphql examples', () => {
    expect(BLOCKS.length).toBeGreaterThanOrEqual(6);
  });

  it.each(BLOCKS.filter((block) => !AFTER_IMPORT(block)).map((block, index) => [titleOf(block, index), block]))(
    '%s runs against the demo data as written',
    async (_title, block) => {
      // Examples run as pasted: a variable, if any, must be optional.
      for (const variable of operationOf(block).variableDefinitions ?? []) {
        expect([variable.variable.name.value, variable.type.kind]).not.toEqual([
          variable.variable.name.value,
          Kind.NON_NULL_TYPE,
        ]);
      }
      const first = await run(block);
      expectNonEmpty(first);
      // An example that takes `$after` is a paging example: its endCursor must open a second page.
      const takesAfter = operationOf(block).variableDefinitions?.some((v) => v.variable.name.value === 'after');
      if (takesAfter) {
        const after = endCursorIn(first);
        expect(after).toBeDefined();
        const second = await run(block, { after });
        expectNonEmpty(second);
        expect(second).not.toEqual(first);
      }
    },
  );
});

describe('README example answers agree with the fact sheet', () => {
  it("Pittsburgh's profile: two commitments, homicide rate 18.57 in 2015 and 14.26 in 2011", async () => {
    type Profile = {
      city: {
        name: string;
        region: string;
        country: { code: string };
        commitments: { kind: string; adoptedOn: string; instrument: { code: string } | null }[];
        latest: { year: number; value: number; source: { publisher: string } };
        homicides2011: { value: number };
      };
    };
    const { city } = await run<Profile>(blockContaining('city(slug: "pittsburgh-us")', 'latest(', 'commitments'));
    expect(city).toMatchObject({ name: 'Pittsburgh', region: 'PA', country: { code: 'US' } });
    expect(city.commitments.map((c) => [c.kind, c.adoptedOn, c.instrument?.code])).toEqual([
      ['DECLARATION', '2011-04-19', 'HRC'],
      ['ORDINANCE', '2016-12-06', 'CEDAW'],
    ]);
    expect(city.latest).toMatchObject({ year: 2015, value: 18.57, source: { publisher: 'The Marshall Project' } });
    expect(city.homicides2011.value).toBe(14.26);
  });

  it('peer cities: the 2015 homicide and violent crime rates of Pittsburgh, Boston and Minneapolis', async () => {
    type Safety = {
      slug: string;
      homicideRate: { year: number; value: number };
      violentCrimeRate: { year: number; value: number };
    };
    const data = await run<{ cities: { edges: { node: Safety }[] } }>(blockContaining('query PeerSafety'));
    const rates = Object.fromEntries(
      data.cities.edges.map(({ node }) => [node.slug, [node.homicideRate, node.violentCrimeRate]]),
    );
    expect(rates).toEqual({
      'pittsburgh-us': [
        { year: 2015, value: 18.57 },
        { year: 2015, value: 706.16 },
      ],
      'boston-us': [
        { year: 2015, value: 5.71 },
        { year: 2015, value: 706.79 },
      ],
      'minneapolis-us': [
        { year: 2015, value: 11.37 },
        { year: 2015, value: 1062.93 },
      ],
    });
  });

  it('the dashboard list query: every city, in 5 statements, with the fact sheet series', async () => {
    type Node = {
      slug: string;
      country: { code: string };
      latest: { year: number; value: number } | null;
      observations: { year: number; value: number }[];
    };
    const block = blockContaining('cities(first: 25)', 'observations(indicator: "homicide-rate"');
    const { result, statements } = await t.countStatements(block);
    // cities page, countries, commitments with their instruments, latest, series (as the README says)
    expect(statements).toBe(5);
    const data = dataOf(result) as unknown as { cities: { edges: { node: Node }[] } };
    expect(data.cities.edges).toHaveLength(25);
    const bySlug = new Map(data.cities.edges.map((e) => [e.node.slug, e.node]));
    expect(bySlug.get('pittsburgh-us')?.observations.map((o) => o.value)).toEqual([
      17.88, 14.26, 13.14, 14.63, 22.43, 18.57,
    ]);
    expect(bySlug.get('louisville-ky-us')?.latest).toEqual({ year: 2015, value: 11.9 });
    expect(bySlug.get('louisville-co-us')?.latest).toBeNull();
    expect(bySlug.get('graz-at')?.observations).toEqual([]);
  });

  it('"wien" finds Vienna and nothing else', async () => {
    type Search = { cities: { totalCount: number; edges: { node: { slug: string; alternateNames: string[] } }[] } };
    const data = await run<Search>(blockContaining('search: "wien"'));
    expect(data.cities.totalCount).toBe(1);
    expect(data.cities.edges.map((e) => e.node)).toMatchObject([{ slug: 'vienna-at', alternateNames: ['Wien'] }]);
  });

  it('six cities have a local CEDAW commitment; San Francisco has two', async () => {
    type Cedaw = {
      cities: { totalCount: number; edges: { node: { slug: string; commitments: { adoptedOn: string }[] } }[] };
    };
    const data = await run<Cedaw>(blockContaining('hasCommitment', 'CEDAW'));
    expect(data.cities.totalCount).toBe(6);
    expect(
      Object.fromEntries(data.cities.edges.map((e) => [e.node.slug, e.node.commitments.map((c) => c.adoptedOn)])),
    ).toEqual({
      'greeley-us': ['2016-12'],
      'lafayette-us': ['2016-10-18'],
      'louisville-co-us': ['2017-06-08'],
      'pittsburgh-us': ['2016-12-06'],
      'san-francisco-us': ['1997-11-10', '1998-04'],
      'toledo-us': ['2022-03-15'],
    });
  });

  it('commitments oldest first: 17 in all, two pages of five as the README lists them', async () => {
    type Page = {
      commitments: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
        edges: { node: { adoptedOn: string; city: { slug: string } } }[];
      };
    };
    const block = blockContaining('commitments(first: 5, after: $after');
    const pageOf = (p: Page) => p.commitments.edges.map((e) => `${e.node.city.slug} ${e.node.adoptedOn}`);
    const first = await run<Page>(block);
    expect(first.commitments.totalCount).toBe(17);
    expect(first.commitments.pageInfo.hasNextPage).toBe(true);
    expect(pageOf(first)).toEqual([
      'rosario-ar 1997',
      'san-francisco-us 1997-11-10',
      'san-francisco-us 1998-04',
      'eugene-us 1999-04-21',
      'graz-at 2001-02-08',
    ]);
    const second = await run<Page>(block, { after: first.commitments.pageInfo.endCursor });
    expect(pageOf(second)).toEqual([
      'washington-us 2008',
      'utrecht-nl 2010',
      'pittsburgh-us 2011-04-19',
      'gwangju-kr 2011-05-17',
      'gwangju-kr 2012-05',
    ]);
  });

  it('the United States signed CEDAW in 1980 without ratifying it, and ratified the ICCPR in 1992', async () => {
    type Ratifications = {
      country: {
        ratifications: {
          instrument: { code: string };
          status: string;
          signedYear: number | null;
          year: number | null;
        }[];
      };
    };
    const data = await run<Ratifications>(blockContaining('country(code: "US")', 'ratifications'));
    const byCode = Object.fromEntries(
      data.country.ratifications.map((r) => [r.instrument.code, [r.status, r.signedYear, r.year]]),
    );
    expect(byCode).toEqual({
      CEDAW: ['SIGNED', 1980, null],
      ICESCR: ['SIGNED', 1977, null],
      ICCPR: ['RATIFIED', null, 1992],
      CRC: ['SIGNED', 1995, null],
      CRPD: ['SIGNED', 2009, null],
    });
  });

  it('four indicators with the rights they measure', async () => {
    type Indicators = {
      indicators: { totalCount: number; edges: { node: { code: string; unit: string; rights: { code: string }[] } }[] };
    };
    const data = await run<Indicators>(blockContaining('indicators(', 'rights'));
    expect(data.indicators.totalCount).toBe(4);
    expect(data.indicators.edges.map((e) => [e.node.code, e.node.unit, e.node.rights.map((r) => r.code)])).toEqual([
      ['homicide-rate', 'per 100k', ['life-and-security']],
      ['pm25-annual-mean', 'µg/m³', ['healthy-environment']],
      ['population', 'persons', []],
      ['violent-crime-rate', 'per 100k', ['life-and-security']],
    ]);
  });

  it('tidy rows: PM2.5 in Graz 17 and Vienna 14 in 2016, measured, cited to the WHO', async () => {
    type Rows = {
      observations: {
        totalCount: number;
        edges: {
          node: { city: { name: string }; year: number; value: number; status: string; source: { citation: string } };
        }[];
      };
    };
    const data = await run<Rows>(blockContaining('observations(filter:', 'pm25-annual-mean'));
    expect(data.observations.totalCount).toBe(2);
    expect(data.observations.edges.map((e) => [e.node.city.name, e.node.year, e.node.value, e.node.status])).toEqual([
      ['Graz', 2016, 17, 'MEASURED'],
      ['Vienna', 2016, 14, 'MEASURED'],
    ]);
    for (const edge of data.observations.edges) {
      expect(edge.node.source.citation).toContain('WHO Ambient Air Quality Database, 2018 update (version 14)');
    }
  });
});
