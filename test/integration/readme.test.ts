import { Kind } from 'graphql';
import { Role } from '../../src/modules/auth/apiKey.entity';
import { createApiKey } from '../../src/modules/auth/apiKeys';
import { endCursorIn, EXAMPLES, isMutation, operationOf, READ_EXAMPLES, takesVariable } from '../helpers/docReads';
import { createTestServer, dataOf, type TestServer } from '../helpers/testServer';

/**
 * The documentation's examples are what users paste into their clients: every ```graphql block
 * of README.md and of docs/ must run against the seeded demo data, and where a document
 * describes an example's answer, the values asserted here come from the seed fact sheet, not
 * from running the code.
 */
const BLOCKS = EXAMPLES.map((example) => example.query);
const fileOf = (block: string) => EXAMPLES.find((example) => example.query === block)?.file ?? '?';

function titleOf(block: string, index: number): string {
  return `#${index + 1} ${fileOf(block)} ${operationOf(block).name?.value ?? block.trim().split('\n')[0]}`;
}

/** The one example that contains all the given fragments of text; fails if there is none or several. */
function blockContaining(...needles: string[]): string {
  const matches = BLOCKS.filter((block) => needles.every((needle) => block.includes(needle)));
  if (matches.length !== 1) {
    throw new Error(`expected one example containing ${JSON.stringify(needles)}, found ${matches.length}`);
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

describe('documentation examples', () => {
  it('has the five examples of the README and more in docs/', () => {
    expect(EXAMPLES.filter((e) => e.file === 'README.md').length).toBeGreaterThanOrEqual(5);
    expect(EXAMPLES.filter((e) => e.file.startsWith('docs/')).length).toBeGreaterThanOrEqual(10);
  });

  it.each(READ_EXAMPLES.map(({ query }, index) => [titleOf(query, index), query]))(
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
      if (takesVariable(block, 'after')) {
        const after = endCursorIn(first);
        expect(after).toBeDefined();
        const second = await run(block, { after });
        expectNonEmpty(second);
        expect(second).not.toEqual(first);
      }
    },
  );
});

describe("the curators' examples", () => {
  it('run in order and leave the current demo data as it was: what one creates, the next retracts', async () => {
    const mutations = BLOCKS.filter(isMutation);
    expect(mutations.map((block) => operationOf(block).name?.value)).toEqual(['RecordACommitment', 'DeleteTheExample']);
    // Current versions: a retracted commitment stays as a superseded version (docs/api.md).
    const commitments = async () =>
      Number(
        (
          await curator.db.dataSource.query(
            'SELECT count(*) AS n FROM commitment WHERE superseded_in_release_id IS NULL',
          )
        )[0].n,
      );
    // The fact sheet's 17 local commitments.
    expect(await commitments()).toBe(17);
    let created: string | undefined;
    for (const block of mutations) {
      // An example that takes `$id` is given the id the previous one answered, as the docs tell the reader to.
      const data = await run<Record<string, unknown>>(block, takesVariable(block, 'id') ? { id: created } : undefined);
      expectNonEmpty(data);
      const id = (data.createCommitment as { id?: string } | undefined)?.id;
      if (id) {
        created = id;
        expect(await commitments()).toBe(18);
      }
    }
    expect(created).toBeDefined();
    expect(await commitments()).toBe(17);
  });
});

describe('example answers agree with the fact sheet', () => {
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
    const { city } = await run<Profile>(blockContaining('query PittsburghProfile'));
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

  it('the dashboard list query: every city, in 4 statements, with the fact sheet series', async () => {
    type Node = {
      slug: string;
      country: { code: string };
      latest: { year: number; value: number } | null;
      observations: { year: number; value: number }[];
    };
    const block = blockContaining('cities(first: 25)', 'observations(indicator: "homicide-rate"');
    const { result, statements } = await t.countStatements(block);
    // cities page, commitments with their instruments, latest, series (as api.md says); the
    // country's code is the city's own column
    expect(statements).toBe(4);
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
    // The five core treaties of the 2026 fact sheet; the other 13 instruments come from the UN
    // snapshot of 2022 (docs/data.md, tested in worldReference.test.ts).
    expect(Object.keys(byCode)).toHaveLength(18);
    expect({
      CEDAW: byCode.CEDAW,
      ICESCR: byCode.ICESCR,
      ICCPR: byCode.ICCPR,
      CRC: byCode.CRC,
      CRPD: byCode.CRPD,
    }).toEqual({
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

/**
 * The 2015 rates of the fact sheet (FBI UCR via The Marshall Project), per 100,000 residents:
 * [city name, homicides, violent crimes]. The comparative examples' expectations derive from these.
 */
const US_2015: [string, number, number][] = [
  ['Pittsburgh', 18.57, 706.16],
  ['Washington', 24.1, 1202.57],
  ['San Francisco', 6.14, 776.82],
  ['Seattle', 3.36, 598.65],
  ['Boston', 5.71, 706.79],
  ['Los Angeles', 7.12, 634.82],
  ['Honolulu', 1.5, 243.87],
  ['Salt Lake City', 4.17, 855.24],
  ['Louisville', 11.9, 631.84],
  ['Minneapolis', 11.37, 1062.93],
  ['Long Beach', 7.56, 580.7],
  ['Miami', 17.12, 1021.31],
];

/** Homicides per 100k, 2010..2015, from the fact sheet. */
const HOMICIDES: Record<string, number[]> = {
  Pittsburgh: [17.88, 14.26, 13.14, 14.63, 22.43, 18.57],
  Washington: [21.94, 17.48, 13.92, 15.93, 15.94, 24.1],
  'San Francisco': [5.96, 6.14, 8.41, 5.76, 5.29, 6.14],
  Seattle: [3.12, 3.24, 3.99, 2.8, 3.92, 3.36],
  Boston: [11.82, 10.14, 9.04, 6.06, 8.1, 5.71],
  'Los Angeles': [7.73, 7.74, 7.76, 6.47, 6.66, 7.12],
  Honolulu: [1.99, 1.45, 1.13, 1.83, 1.91, 1.5],
  'Salt Lake City': [4.29, 3.68, 4.16, 3.68, 3.64, 4.17],
  Louisville: [7.87, 7.22, 9.31, 7.15, 8.26, 11.9],
  Minneapolis: [9.67, 8.3, 9.99, 9.09, 7.66, 11.37],
  'Long Beach': [6.92, 5.35, 6.81, 7.24, 4.88, 7.56],
  Miami: [17.02, 16.79, 16.65, 16.97, 19.19, 17.12],
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sampleStddev = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
function pearson(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const syy = ys.reduce((a, y) => a + (y - my) ** 2, 0);
  return sxy / Math.sqrt(sxx * syy);
}
/** Least-squares slope of values over consecutive years. */
function slope(values: number[]): number {
  const xs = values.map((_, i) => i);
  const mx = mean(xs);
  const my = mean(values);
  return xs.reduce((a, x, i) => a + (x - mx) * (values[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
}

describe('comparative examples agree with the fact sheet', () => {
  it('ranking: the 12 US homicide rates of 2015, lowest first, with competition ranks and percentiles', async () => {
    type Ranking = {
      ranking: {
        totalCount: number;
        year: number;
        entries: {
          rank: number;
          city: { name: string };
          value: number;
          year: number;
          percentile: number;
          tier: number;
        }[];
        warnings: { code: string }[];
        citation: { text: string; queryHash: string };
      };
      pittsburgh: { rank: { rank: number; value: number; percentile: number; tier: number; of: number } };
    };
    const data = await run<Ranking>(blockContaining('query WhereDoesPittsburghStand'));
    const expected = [...US_2015].sort((a, b) => a[1] - b[1]);
    expect(data.ranking.totalCount).toBe(12);
    expect(data.ranking.warnings).toEqual([]);
    expect(data.ranking.entries.map((e) => [e.city.name, e.value, e.year])).toEqual(
      expected.map(([name, rate]) => [name, rate, 2015]),
    );
    // No ties and no bounds: rank = position, tier = rank, percentile = 100 (n - rank + 1) / n.
    data.ranking.entries.forEach((e, i) => {
      expect([e.rank, e.tier]).toEqual([i + 1, i + 1]);
      expect(e.percentile).toBeCloseTo((100 * (12 - i)) / 12, 10);
    });
    expect(data.ranking.citation.text).toContain('The Marshall Project');
    expect(data.ranking.citation.queryHash).toMatch(/^[0-9a-f]{16}$/);
    expect(data.pittsburgh.rank).toMatchObject({ rank: 11, value: 18.57, tier: 11, of: 12 });
    expect(data.pittsburgh.rank.percentile).toBeCloseTo(100 * (2 / 12), 10);
  });

  it('compare: four series in the order asked, missing years absent, MIXED_UNITS', async () => {
    type Compare = {
      compare: {
        series: { city: { slug: string }; indicator: { code: string }; points: { year: number; value: number }[] }[];
        warnings: { code: string }[];
      };
    };
    const data = await run<Compare>(blockContaining('compare(cityIds: ["10", "19"]'));
    const homicides = (name: string) => HOMICIDES[name].map((value, i) => ({ year: 2010 + i, value }));
    expect(
      data.compare.series.map((s) => [
        s.city.slug,
        s.indicator.code,
        s.points.map((p) => ({ year: p.year, value: p.value })),
      ]),
    ).toEqual([
      ['pittsburgh-us', 'homicide-rate', homicides('Pittsburgh')],
      ['pittsburgh-us', 'pm25-annual-mean', [{ year: 2015, value: 9 }]],
      ['boston-us', 'homicide-rate', homicides('Boston')],
      ['boston-us', 'pm25-annual-mean', [{ year: 2016, value: 7 }]],
    ]);
    expect(data.compare.warnings.map((w) => w.code)).toEqual(['MIXED_UNITS']);
  });

  it('statistics: PM2.5 in 2016 by country, with sample stddev and percentile_cont quartiles', async () => {
    type Group = {
      key: string;
      count: number;
      mean: number;
      median: number;
      min: number;
      max: number;
      stddev: number | null;
      p25: number;
      p75: number;
    };
    type Statistics = {
      statistics: { count: number; groups: Group[]; warnings: { code: string; message: string }[] };
    };
    const data = await run<Statistics>(blockContaining('query PollutionByCountry'));
    expect(data.statistics.count).toBe(16);
    expect(data.statistics.groups.map((g) => [g.key, g.count])).toEqual([
      ['AT', 2],
      ['ES', 1],
      ['GB', 1],
      ['KR', 1],
      ['NL', 1],
      ['US', 10],
    ]);
    const byKey = Object.fromEntries(data.statistics.groups.map((g) => [g.key, g]));
    const at = [17, 14];
    expect(byKey.AT).toMatchObject({ mean: 15.5, median: 15.5, min: 14, max: 17, p25: 14.75, p75: 16.25 });
    expect(byKey.AT.stddev).toBeCloseTo(sampleStddev(at), 10);
    // Boston, Honolulu, Los Angeles, Louisville KY, Miami, Minneapolis, Salt Lake City, San Francisco, Seattle, Washington
    const us = [7, 3, 12, 8, 8, 7, 9, 8, 6, 7];
    expect(byKey.US).toMatchObject({ mean: mean(us), median: 7.5, min: 3, max: 12, p25: 7, p75: 8 });
    expect(byKey.US.stddev).toBeCloseTo(sampleStddev(us), 10);
    expect(byKey.NL).toMatchObject({ mean: 11, median: 11, stddev: null });
    expect(data.statistics.warnings.map((w) => w.code)).toEqual(['FEW_OBSERVATIONS']);
    expect(data.statistics.warnings[0].message).toContain('AT (2), ES (1), GB (1), KR (1), NL (1)');
  });

  it('correlation: homicide and violent crime rates across the 12 US cities in 2015', async () => {
    type Correlation = {
      correlation: { n: number; pearson: number; spearman: number; points: { city: { name: string }; x: number }[] };
    };
    const data = await run<Correlation>(blockContaining('correlation(x: "homicide-rate"'));
    expect(data.correlation.n).toBe(12);
    expect(data.correlation.pearson).toBeCloseTo(
      pearson(
        US_2015.map((r) => r[1]),
        US_2015.map((r) => r[2]),
      ),
      10,
    );
    expect(data.correlation.pearson).toBeCloseTo(0.6987, 4);
    expect(data.correlation.spearman).toBeCloseTo(73 / 143, 10);
  });

  it("commitmentImpact: Pittsburgh's declaration against ten US controls; Washington has no data before", async () => {
    type Adopter = {
      city: { name: string };
      adoptionYear: number;
      before: number | null;
      after: number | null;
      change: number | null;
      nControls: number;
      controlMeanChange: number | null;
      differenceInDifferences: number | null;
      used: boolean;
      reason: string | null;
    };
    type Impact = {
      commitmentImpact: {
        adopters: Adopter[];
        differenceInDifferences: number;
        nAdopters: number;
        nControls: number;
        warnings: { code: string }[];
      };
    };
    const data = await run<Impact>(blockContaining('commitmentImpact(instrument: "HRC"'));
    const [washington, pittsburgh] = data.commitmentImpact.adopters;
    expect(washington).toMatchObject({
      city: { name: 'Washington' },
      adoptionYear: 2008,
      before: null,
      used: false,
      reason: 'NO_DATA_BEFORE',
    });
    expect(washington.after).toBeCloseTo((21.94 + 17.48) / 2, 10);
    // Windows around 2011: before = 2010 (the data starts then), after = 2012..2014.
    const change = (series: number[]) => mean(series.slice(2, 5)) - series[0];
    const controls = Object.keys(HOMICIDES).filter((name) => name !== 'Pittsburgh' && name !== 'Washington');
    const controlMean = mean(controls.map((name) => change(HOMICIDES[name])));
    expect(controlMean).toBeCloseTo(-0.512, 10);
    expect(pittsburgh).toMatchObject({ adoptionYear: 2011, before: 17.88, nControls: 10, used: true, reason: null });
    expect(pittsburgh.after).toBeCloseTo((13.14 + 14.63 + 22.43) / 3, 10);
    expect(pittsburgh.change).toBeCloseTo(change(HOMICIDES.Pittsburgh), 10);
    expect(pittsburgh.controlMeanChange).toBeCloseTo(controlMean, 10);
    expect(pittsburgh.differenceInDifferences).toBeCloseTo(change(HOMICIDES.Pittsburgh) - controlMean, 10);
    expect(data.commitmentImpact).toMatchObject({ nAdopters: 1, nControls: 10 });
    expect(data.commitmentImpact.differenceInDifferences).toBeCloseTo(-0.6347, 4);
    expect(data.commitmentImpact.warnings.map((w) => w.code)).toEqual(['FEW_OBSERVATIONS']);
  });

  it("scorecard: Pittsburgh's ranks among the 16 other US cities and its trends", async () => {
    type Row = {
      indicator: { code: string };
      value: number;
      year: number;
      rank: number;
      rankedCount: number;
      trend: number | null;
      trendPoints: number;
    };
    type Scorecard = {
      scorecard: {
        peers: { slug: string }[];
        rights: {
          right: { code: string };
          commitments: { instrument: { code: string } | null }[];
          indicators: Row[];
        }[];
        otherCommitments: { kind: string; adoptedOn: string }[];
        warnings: { code: string }[];
      };
    };
    const data = await run<Scorecard>(blockContaining('scorecard(cityId: "10")'));
    const card = data.scorecard;
    expect(card.peers).toHaveLength(16);
    expect(card.rights.map((r) => r.right.code)).toEqual([
      'education',
      'gender-equality',
      'health',
      'healthy-environment',
      'life-and-security',
      'participation',
      'work',
    ]);
    expect(card.otherCommitments).toEqual([expect.objectContaining({ kind: 'DECLARATION', adoptedOn: '2011-04-19' })]);
    const rows = Object.fromEntries(card.rights.flatMap((r) => r.indicators).map((row) => [row.indicator.code, row]));
    expect(rows['homicide-rate']).toMatchObject({
      value: 18.57,
      year: 2015,
      rank: 11,
      rankedCount: 12,
      trendPoints: 6,
    });
    expect(rows['homicide-rate'].trend).toBeCloseTo(slope(HOMICIDES.Pittsburgh), 10);
    expect(rows['homicide-rate'].trend).toBeCloseTo(14.725 / 17.5, 10);
    expect(rows['violent-crime-rate']).toMatchObject({ value: 706.16, year: 2015, rank: 6, rankedCount: 12 });
    expect(rows['violent-crime-rate'].trend).toBeCloseTo(slope([913.43, 802.31, 751.97, 734.32, 798.08, 706.16]), 10);
    expect(rows['pm25-annual-mean']).toMatchObject({ value: 9, year: 2015, rank: 9, rankedCount: 11, trend: null });
    expect(card.warnings.map((w) => w.code)).toEqual(['FEW_OBSERVATIONS']);
  });

  it('coverage: 234 values of 4 indicators, two sources, release 1', async () => {
    type Coverage = {
      coverage: {
        indicators: {
          indicator: { code: string };
          cities: number;
          firstYear: number;
          lastYear: number;
          observations: number;
        }[];
        warnings: unknown[];
        citation: { text: string; sources: { title: string }[]; release: { id: string } };
      };
    };
    const data = await run<Coverage>(blockContaining('coverage {'));
    expect(
      data.coverage.indicators.map((r) => [r.indicator.code, r.cities, r.firstYear, r.lastYear, r.observations]),
    ).toEqual([
      ['homicide-rate', 12, 2010, 2015, 72],
      ['pm25-annual-mean', 18, 2015, 2016, 18],
      ['population', 12, 2010, 2015, 72],
      ['violent-crime-rate', 12, 2010, 2015, 72],
    ]);
    expect(data.coverage.warnings).toEqual([]);
    expect(data.coverage.citation.sources).toHaveLength(2);
    // Each source a sentence of its own, its URL bracketed, so nothing runs into the next sentence.
    expect(data.coverage.citation.text).toMatch(
      new RegExp(
        '^The Marshall Project, "The Crime Report" \\(FBI Uniform Crime Reports data compiled by The Marshall Project\\)\\. ' +
          '<https://github\\.com/themarshallproject/city-crime>\\. ' +
          'World Health Organization, WHO Ambient Air Quality Database, 2018 update \\(version 14\\)\\. ' +
          '<https://www\\.who\\.int/airpollution/data/cities/en/>\\. ' +
          'Computed with rightsgraph \\(coverage\\) from release 1 \\(\\d{4}-\\d{2}-\\d{2}\\); query [0-9a-f]{16}\\.$',
      ),
    );
    expect(data.coverage.citation.release.id).toBe('1');
  });
});
