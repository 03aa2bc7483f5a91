import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadFixture, series, supersede, type Fixture, type ObservationSpec } from '../fixtures/fixture';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

type Adopter = {
  city: { slug: string };
  adoptionYear: number | null;
  beforeFrom: number | null;
  beforeTo: number | null;
  afterFrom: number | null;
  afterTo: number | null;
  before: number | null;
  after: number | null;
  change: number | null;
  nBefore: number;
  nAfter: number;
  controlMeanChange: number | null;
  nControls: number;
  differenceInDifferences: number | null;
  used: boolean;
  reason: string | null;
};
type Impact = {
  commitmentImpact: {
    instrument: string;
    indicator: string;
    window: number;
    adopters: Adopter[];
    excluded: { city: { slug: string }; reason: string }[];
    meanChangeAdopters: number | null;
    meanChangeControls: number | null;
    differenceInDifferences: number | null;
    nAdopters: number;
    nControls: number;
    warnings: { code: string; message: string }[];
    citation: { text: string; sources: { title: string }[]; release: { id: string } | null; queryHash: string };
  };
};

const QUERY = `query($instrument: String!, $indicator: String!, $window: Int, $filter: CityFilter, $asOf: ID) {
  commitmentImpact(instrument: $instrument, indicator: $indicator, window: $window, filter: $filter, asOf: $asOf) {
    instrument indicator window
    adopters {
      city { slug } adoptionYear beforeFrom beforeTo afterFrom afterTo
      before after change nBefore nAfter controlMeanChange nControls differenceInDifferences used reason
    }
    excluded { city { slug } reason }
    meanChangeAdopters meanChangeControls differenceInDifferences nAdopters nControls
    warnings { code message }
    citation { text sources { title } release { id } queryHash }
  }
}`;

/** Compares a GraphQL answer with a hand-computed one: floats to 9 decimals, everything else exactly. */
function expectClose(actual: unknown, expected: unknown): void {
  if (typeof expected === 'number' && !Number.isInteger(expected)) {
    expect(actual).toBeCloseTo(expected, 9);
  } else if (expected !== null && typeof expected === 'object') {
    expect(actual).not.toBeNull();
    if (Array.isArray(expected)) expect((actual as unknown[]).length).toBe(expected.length);
    for (const [key, value] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], value);
    }
  } else {
    expect(actual).toEqual(expected);
  }
}

function row(slug: string, values: Partial<Adopter>): Partial<Adopter> & { city: { slug: string } } {
  return { city: { slug }, ...values };
}

/*
 * The fixture world: instrument INS, indicator x (per 100k, LOWER_IS_BETTER), source s1 (s2 has
 * a higher id and only a duplicate value). "." = no value.
 *
 *   city        country  INS commitments (status adopted_on)              2007  2008  2009  2010  2011  2012  2013  2014
 *   full        US       ADOPTED 2010-06-01                                20    10    12    100   7.5   8.5   2     .
 *                        (+ 2011 from s2: 999, + 2009 sex=female: 1000; both ignored)
 *   noafter     US       IMPLEMENTED 2010                                  .     5     6     .     .     .     .     .
 *                        (+ 2011 sex=female: 3, ignored: no total after)
 *   early       AT       ADOPTED 1990 (before any data)                    .     50    50    .     0     0     .     .
 *   second      US       PROPOSED 2005, ADOPTED 2011-03, ADOPTED 2013      .     .     -1.5  -0.5  40    0.25  1.25  -3
 *   later-near  US       ADOPTED 2012                                      .     4     4     .     6     6     .     .
 *   later-far   AT       ADOPTED 2020                                      3     3     3     3     3     3     3     3
 *   never       US       -                                                 0     2     4     6     8     10e   12    14
 *   proposed    US       PROPOSED 2010                                     .     1     1     .     2     2     2     .
 *   lapsed      US       LAPSED 2009                                       .     .     -2.5  -1.5  0.5   0.5   2.5   .
 *   onlybefore  US       -                                                 .     1e    1     .     .     .     .     .
 *   undated     US       ADOPTED, no date                                  .     100   100   100   200   200   200   .
 *   (e = ESTIMATED; never 2012 is used in the windows of both full and second, and counts once;
 *   onlybefore 2008 is never used)
 *
 * Adopters: full A=2010, noafter A=2010, early A=1990, second A=2011 (the earliest ADOPTED one;
 * PROPOSED 2005 does not count), later-near A=2012, later-far A=2020, undated (no A).
 * proposed and lapsed are not adopters: PROPOSED and LAPSED commitments do not count.
 * A control for an adopter with year A: any other city with no ADOPTED/IMPLEMENTED INS
 * commitment dated on or before A+w (and no undated one), with values on both sides.
 */
const INS_COMMITMENTS: {
  city: string;
  adoptedOn: string;
  status?: 'ADOPTED' | 'IMPLEMENTED' | 'PROPOSED' | 'LAPSED';
}[] = [
  { city: 'full', adoptedOn: '2010-06-01' },
  { city: 'noafter', adoptedOn: '2010', status: 'IMPLEMENTED' },
  { city: 'early', adoptedOn: '1990' },
  { city: 'second', adoptedOn: '2005', status: 'PROPOSED' },
  { city: 'second', adoptedOn: '2011-03' },
  { city: 'second', adoptedOn: '2013' },
  { city: 'later-near', adoptedOn: '2012' },
  { city: 'later-far', adoptedOn: '2020' },
  { city: 'proposed', adoptedOn: '2010', status: 'PROPOSED' },
  { city: 'lapsed', adoptedOn: '2009', status: 'LAPSED' },
];

/** 30 cities with values only for indicator `big`: 2008-2009 = i, 2011-2012 = i + 1 (change +1 each). */
const EXTRA = Array.from({ length: 30 }, (_, i) => `extra-${i + 1}`);

let t: TestServer;
let f: Fixture;
beforeAll(async () => {
  t = await createTestServer({ seed: false });
  f = await loadFixture(t.db.dataSource, {
    cities: [
      ...['full', 'noafter', 'second', 'later-near', 'never', 'proposed', 'lapsed', 'onlybefore', 'undated'].map(
        (slug) => ({ slug, country: 'US' }),
      ),
      { slug: 'early', country: 'AT' },
      { slug: 'later-far', country: 'AT' },
      ...EXTRA.map((slug) => ({ slug, country: 'US' })),
    ],
    indicators: [{ code: 'x' }, { code: 'big' }],
    instruments: [{ code: 'INS' }, { code: 'OTHER' }],
    sources: ['s1', 's2'],
    commitments: INS_COMMITMENTS.map((c) => ({ ...c, instrument: 'INS' })),
    observations: [
      ...series('full', 'x', [
        [2007, 20],
        [2008, 10],
        [2009, 12],
        [2010, 100],
        [2011, 7.5],
        [2012, 8.5],
        [2013, 2],
      ]),
      { city: 'full', indicator: 'x', year: 2011, value: 999, source: 's2' },
      { city: 'full', indicator: 'x', year: 2009, value: 1000, disaggregation: 'sex=female' },
      ...series('noafter', 'x', [
        [2008, 5],
        [2009, 6],
      ]),
      { city: 'noafter', indicator: 'x', year: 2011, value: 3, disaggregation: 'sex=female' },
      ...series('early', 'x', [
        [2008, 50],
        [2009, 50],
        [2011, 0],
        [2012, 0],
      ]),
      ...series('second', 'x', [
        [2009, -1.5],
        [2010, -0.5],
        [2011, 40],
        [2012, 0.25],
        [2013, 1.25],
        [2014, -3],
      ]),
      ...series('later-near', 'x', [
        [2008, 4],
        [2009, 4],
        [2011, 6],
        [2012, 6],
      ]),
      ...series(
        'later-far',
        'x',
        [2007, 2008, 2009, 2010, 2011, 2012, 2013, 2014].map((y): [number, number] => [y, 3]),
      ),
      ...series('never', 'x', [
        [2007, 0],
        [2008, 2],
        [2009, 4],
        [2010, 6],
        [2011, 8],
        [2013, 12],
        [2014, 14],
      ]),
      { city: 'never', indicator: 'x', year: 2012, value: 10, status: 'ESTIMATED' },
      ...series('proposed', 'x', [
        [2008, 1],
        [2009, 1],
        [2011, 2],
        [2012, 2],
        [2013, 2],
      ]),
      ...series('lapsed', 'x', [
        [2009, -2.5],
        [2010, -1.5],
        [2011, 0.5],
        [2012, 0.5],
        [2013, 2.5],
      ]),
      { city: 'onlybefore', indicator: 'x', year: 2008, value: 1, status: 'ESTIMATED' },
      { city: 'onlybefore', indicator: 'x', year: 2009, value: 1 },
      ...series('undated', 'x', [
        [2008, 100],
        [2009, 100],
        [2010, 100],
        [2011, 200],
        [2012, 200],
        [2013, 200],
      ]),
      ...series('full', 'big', [
        [2008, 0],
        [2009, 0],
        [2011, 0],
        [2012, 0],
      ]),
      ...EXTRA.flatMap((slug, i): ObservationSpec[] =>
        series(slug, 'big', [
          [2008, i + 1],
          [2009, i + 1],
          [2011, i + 2],
          [2012, i + 2],
        ]),
      ),
    ],
  });
  // The fixture builder takes dated commitments only; an undated one is written directly.
  await t.db.dataSource.query(
    `INSERT INTO commitment (city_id, instrument_id, kind, title, adopted_on, adopted_precision, status)
     SELECT $1, id, 'ORDINANCE', 'undated', NULL, NULL, 'ADOPTED' FROM instrument WHERE code = 'INS'`,
    [f.city('undated')],
  );
});
afterAll(async () => {
  await t.close();
});

async function impact(variables: Record<string, unknown>): Promise<Impact['commitmentImpact']> {
  return dataOf<Impact>(await t.query<Impact>(QUERY, { instrument: 'INS', indicator: 'x', ...variables }))
    .commitmentImpact;
}

describe('commitmentImpact on a hand-made world', () => {
  it('the fixture has s1 before s2, so s1 is the source used when both give a year', () => {
    expect(f.source('s1')).toBeLessThan(f.source('s2'));
  });

  it('window 2: before/after means, controls over the same calendar windows, difference-in-differences', async () => {
    const r = await impact({ window: 2 });
    /*
     * full, A=2010: before [2008, 2009] = (10 + 12) / 2 = 11; after [2011, 2012] = (7.5 + 8.5) / 2 = 8
     *   (2010 = 100 is the adoption year, excluded; s2's 999 and the sex=female 1000 are ignored);
     *   change = 8 - 11 = -3.
     *   Controls (no adoption on or before 2012): never, proposed, lapsed, later-far (2020 > 2012).
     *   Not: early (1990), noafter (2010), second (2011), later-near (2012 <= 2012), undated.
     *     never     (8 + 10) / 2 - (2 + 4) / 2 = 9 - 3 = 6
     *     proposed  (2 + 2) / 2 - (1 + 1) / 2 = 2 - 1 = 1
     *     lapsed    (0.5 + 0.5) / 2 - (-2.5)   = 0.5 + 2.5 = 3     (no 2008: one year before)
     *     later-far 3 - 3 = 0
     *     onlybefore has no value after: not a control.
     *   controlMeanChange = (6 + 1 + 3 + 0) / 4 = 2.5; DiD = -3 - 2.5 = -5.5.
     * second, A=2011: before [2009, 2010] = (-1.5 - 0.5) / 2 = -1; after [2012, 2013] = (0.25 + 1.25) / 2 = 0.75;
     *   change = 0.75 - (-1) = 1.75.
     *   Controls (none adopted on or before 2013): never, proposed, lapsed, later-far.
     *     never     (10 + 12) / 2 - (4 + 6) / 2 = 11 - 5 = 6
     *     proposed  (2 + 2) / 2 - 1 = 1                       (2010 missing: one year before)
     *     lapsed    (0.5 + 2.5) / 2 - (-2.5 - 1.5) / 2 = 1.5 + 2 = 3.5
     *     later-far 0
     *   controlMeanChange = (6 + 1 + 3.5 + 0) / 4 = 2.625; DiD = 1.75 - 2.625 = -0.875.
     * noafter, A=2010: before (5 + 6) / 2 = 5.5, nothing after (the sex=female 3 is not a total): NO_DATA_AFTER;
     *   its windows are full's, so controlMeanChange 2.5 from 4 controls.
     * early, A=1990: nothing in [1988, 1989] or [1991, 1992]: NO_DATA_EITHER, no controls.
     * later-near, A=2012: before [2010, 2011] = 6 (one year); after [2013, 2014]: none: NO_DATA_AFTER.
     *   Controls (none adopted on or before 2014): never (13 - 7 = 6), proposed (2 - 2 = 0),
     *   lapsed (2.5 - (-1.5 + 0.5) / 2 = 3), later-far (0): (6 + 0 + 3 + 0) / 4 = 2.25.
     * later-far, A=2020: no data in [2018, 2019] or [2021, 2022]: NO_DATA_EITHER.
     * undated: no adoption year: NO_ADOPTION_DATE (its 100 -> 200 jump would move every control mean).
     *
     * Used: full and second.
     *   meanChangeAdopters = (-3 + 1.75) / 2 = -0.625
     *   meanChangeControls = (2.5 + 2.625) / 2 = 2.5625
     *   differenceInDifferences = (-5.5 - 0.875) / 2 = -3.1875 (= -0.625 - 2.5625)
     *   nControls = |{never, proposed, lapsed, later-far}| = 4
     */
    expectClose(r, {
      instrument: 'INS',
      indicator: 'x',
      window: 2,
      adopters: [
        row('early', {
          adoptionYear: 1990,
          beforeFrom: 1988,
          beforeTo: 1989,
          afterFrom: 1991,
          afterTo: 1992,
          before: null,
          after: null,
          change: null,
          nBefore: 0,
          nAfter: 0,
          controlMeanChange: null,
          nControls: 0,
          differenceInDifferences: null,
          used: false,
          reason: 'NO_DATA_EITHER',
        }),
        row('full', {
          adoptionYear: 2010,
          beforeFrom: 2008,
          beforeTo: 2009,
          afterFrom: 2011,
          afterTo: 2012,
          before: 11,
          after: 8,
          change: -3,
          nBefore: 2,
          nAfter: 2,
          controlMeanChange: 2.5,
          nControls: 4,
          differenceInDifferences: -5.5,
          used: true,
          reason: null,
        }),
        row('noafter', {
          adoptionYear: 2010,
          before: 5.5,
          after: null,
          change: null,
          nBefore: 2,
          nAfter: 0,
          controlMeanChange: 2.5,
          nControls: 4,
          differenceInDifferences: null,
          used: false,
          reason: 'NO_DATA_AFTER',
        }),
        row('second', {
          adoptionYear: 2011,
          beforeFrom: 2009,
          afterTo: 2013,
          before: -1,
          after: 0.75,
          change: 1.75,
          nBefore: 2,
          nAfter: 2,
          controlMeanChange: 2.625,
          nControls: 4,
          differenceInDifferences: -0.875,
          used: true,
          reason: null,
        }),
        row('later-near', {
          adoptionYear: 2012,
          before: 6,
          after: null,
          nBefore: 1,
          nAfter: 0,
          controlMeanChange: 2.25,
          nControls: 4,
          used: false,
          reason: 'NO_DATA_AFTER',
        }),
        row('later-far', { adoptionYear: 2020, nBefore: 0, nAfter: 0, used: false, reason: 'NO_DATA_EITHER' }),
        row('undated', {
          adoptionYear: null,
          beforeFrom: null,
          before: null,
          nBefore: 0,
          nControls: 0,
          used: false,
          reason: 'NO_ADOPTION_DATE',
        }),
      ],
      meanChangeAdopters: -0.625,
      meanChangeControls: 2.5625,
      differenceInDifferences: -3.1875,
      nAdopters: 2,
      nControls: 4,
    });
    expect(r.excluded).toEqual([
      { city: { slug: 'early' }, reason: 'NO_DATA_EITHER' },
      { city: { slug: 'noafter' }, reason: 'NO_DATA_AFTER' },
      { city: { slug: 'later-near' }, reason: 'NO_DATA_AFTER' },
      { city: { slug: 'later-far' }, reason: 'NO_DATA_EITHER' },
      { city: { slug: 'undated' }, reason: 'NO_ADOPTION_DATE' },
    ]);
    // Two adopters (< 3); one undated adopter; never's 2012 value (after both full and second) is
    // estimated: one city-year, counted once.
    expect(r.warnings.map((w) => w.code)).toEqual(['FEW_OBSERVATIONS', 'UNDATED_COMMITMENTS', 'ESTIMATED_VALUES']);
    expect(r.warnings[1].message).toContain('without an adoption date');
    expect(r.warnings[2].message).toBe('1 value is estimated or provisional');
    expect(r.citation.sources.map((s) => s.title)).toEqual(['s1']);
    expect(r.citation.release?.id).toBe(String(f.releaseId));
  });

  it('window 1: a city adopting at A+2 becomes a control, another drops out for a missing year', async () => {
    const r = await impact({ window: 1 });
    /*
     * full, A=2010: before 2009 = 12, after 2011 = 7.5: change -4.5.
     *   Controls (none adopted on or before 2011): never, proposed, lapsed, later-far, and now
     *   later-near (adopts 2012 > 2011).
     *     never 8 - 4 = 4; proposed 2 - 1 = 1; lapsed 0.5 - (-2.5) = 3; later-far 0; later-near 6 - 4 = 2
     *   controlMeanChange = (4 + 1 + 3 + 0 + 2) / 5 = 2; DiD = -4.5 - 2 = -6.5.
     * second, A=2011: before 2010 = -0.5, after 2012 = 0.25: change 0.75.
     *   Controls (none adopted on or before 2012; later-near adopts 2012, excluded):
     *     never 10 - 6 = 4; lapsed 0.5 - (-1.5) = 2; later-far 0; proposed has no 2010: not a control.
     *   controlMeanChange = (4 + 2 + 0) / 3 = 2; DiD = 0.75 - 2 = -1.25.
     * noafter: before 2009 = 6, no 2011: NO_DATA_AFTER. later-near, A=2012: before 2011 = 6, no 2013:
     *   NO_DATA_AFTER; its controls (none adopted by 2013): never 12 - 8 = 4, proposed 2 - 2 = 0,
     *   lapsed 2.5 - 0.5 = 2, later-far 0: 6 / 4 = 1.5.
     *
     * meanChangeAdopters = (-4.5 + 0.75) / 2 = -1.875; meanChangeControls = (2 + 2) / 2 = 2;
     * differenceInDifferences = (-6.5 - 1.25) / 2 = -3.875;
     * nControls = |{never, proposed, lapsed, later-far, later-near} ∪ {never, lapsed, later-far}| = 5.
     */
    expectClose(
      r.adopters.filter((a) => ['full', 'second', 'noafter', 'later-near'].includes(a.city.slug)),
      [
        row('full', {
          before: 12,
          after: 7.5,
          change: -4.5,
          nBefore: 1,
          nAfter: 1,
          controlMeanChange: 2,
          nControls: 5,
          differenceInDifferences: -6.5,
          used: true,
        }),
        row('noafter', { before: 6, nBefore: 1, nAfter: 0, controlMeanChange: 2, nControls: 5, used: false }),
        row('second', {
          before: -0.5,
          after: 0.25,
          change: 0.75,
          controlMeanChange: 2,
          nControls: 3,
          differenceInDifferences: -1.25,
          used: true,
        }),
        row('later-near', { before: 6, nBefore: 1, nAfter: 0, controlMeanChange: 1.5, nControls: 4, used: false }),
      ],
    );
    expectClose(
      {
        meanChangeAdopters: r.meanChangeAdopters,
        meanChangeControls: r.meanChangeControls,
        differenceInDifferences: r.differenceInDifferences,
        nAdopters: r.nAdopters,
        nControls: r.nControls,
      },
      {
        meanChangeAdopters: -1.875,
        meanChangeControls: 2,
        differenceInDifferences: -3.875,
        nAdopters: 2,
        nControls: 5,
      },
    );
  });

  it('window defaults to 3', async () => {
    const r = await impact({});
    /*
     * full, A=2010: before [2007, 2009] = (20 + 10 + 12) / 3 = 14; after [2011, 2013] = (7.5 + 8.5 + 2) / 3 = 6;
     *   change -8.
     * second, A=2011: before [2008, 2010] = (-1.5 - 0.5) / 2 = -1; after [2012, 2014] = (0.25 + 1.25 - 3) / 3 = -0.5;
     *   change 0.5.
     */
    expect(r.window).toBe(3);
    expectClose(
      r.adopters.filter((a) => a.city.slug === 'full' || a.city.slug === 'second'),
      [
        row('full', { beforeFrom: 2007, afterTo: 2013, before: 14, after: 6, change: -8, nBefore: 3, nAfter: 3 }),
        row('second', { before: -1, after: -0.5, change: 0.5, nBefore: 2, nAfter: 3 }),
      ],
    );
  });

  it('takes adopters and controls from the filter only', async () => {
    const r = await impact({ window: 2, filter: { countryCodes: ['US'] } });
    /*
     * Without the AT cities (early, later-far):
     *   full:   controls never 6, proposed 1, lapsed 3: mean 10 / 3; DiD = -3 - 10 / 3 = -19 / 3
     *   second: controls never 6, proposed 1, lapsed 3.5: mean 10.5 / 3 = 3.5; DiD = 1.75 - 3.5 = -1.75
     *   meanChangeControls = (10 / 3 + 3.5) / 2; DiD = (-19 / 3 - 1.75) / 2; nControls 3
     */
    expect(r.adopters.map((a) => a.city.slug)).toEqual(['full', 'noafter', 'second', 'later-near', 'undated']);
    expectClose(
      {
        full: r.adopters[0].controlMeanChange,
        second: r.adopters[2].controlMeanChange,
        meanChangeAdopters: r.meanChangeAdopters,
        meanChangeControls: r.meanChangeControls,
        differenceInDifferences: r.differenceInDifferences,
        nControls: r.nControls,
      },
      {
        full: 10 / 3,
        second: 3.5,
        meanChangeAdopters: -0.625,
        meanChangeControls: (10 / 3 + 3.5) / 2,
        differenceInDifferences: (-19 / 3 - 1.75) / 2,
        nControls: 3,
      },
    );
  });

  it('says NO_DATA when no city adopted the instrument, or no adopter has data', async () => {
    const none = await impact({ instrument: 'OTHER' });
    expect(none).toMatchObject({
      adopters: [],
      excluded: [],
      meanChangeAdopters: null,
      meanChangeControls: null,
      differenceInDifferences: null,
      nAdopters: 0,
      nControls: 0,
    });
    expect(none.warnings.map((w) => w.code)).toEqual(['NO_DATA']);
    expect(none.citation.sources).toEqual([]);

    // Only early and later-far in the filter: neither has data around its adoption year.
    const noData = await impact({ filter: { countryCodes: ['AT'] } });
    expect(noData.adopters.map((a) => [a.city.slug, a.reason])).toEqual([
      ['early', 'NO_DATA_EITHER'],
      ['later-far', 'NO_DATA_EITHER'],
    ]);
    expect(noData.nAdopters).toBe(0);
    expect(noData.warnings.map((w) => w.code)).toEqual(['NO_DATA']);
  });

  it('does not use an adopter without controls (NO_CONTROLS)', async () => {
    // Only full and noafter: noafter adopted in 2010, on or before 2010 + 2, so full has no control.
    const r = await impact({ window: 2, filter: { slugs: ['full', 'noafter'] } });
    expectClose(r.adopters, [
      row('full', {
        before: 11,
        after: 8,
        change: -3,
        controlMeanChange: null,
        nControls: 0,
        differenceInDifferences: null,
        used: false,
        reason: 'NO_CONTROLS',
      }),
      row('noafter', { used: false, reason: 'NO_DATA_AFTER' }),
    ]);
    expect(r.nAdopters).toBe(0);
    expect(r.meanChangeAdopters).toBeNull();
    expect(r.warnings.map((w) => w.code)).toEqual(['NO_DATA']);
  });

  it('rejects a window outside 1..20, unknown codes and releases', async () => {
    for (const window of [0, -1, 21]) {
      const result = await t.query(QUERY, { instrument: 'INS', indicator: 'x', window });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].message).toBe(`window must be between 1 and 20 years, got ${window}`);
    }
    expect(dataOf<Impact>(await t.query(QUERY, { instrument: 'INS', indicator: 'x', window: 20 }))).toBeTruthy();

    const indicator = await t.query(QUERY, { instrument: 'INS', indicator: 'xx' });
    expect(errorCodes(indicator)).toEqual(['BAD_USER_INPUT']);
    // Edit distances from "xx": x 1, big 3.
    expect(indicator.errors?.[0].message).toBe('Unknown indicator "xx"; did you mean "x", "big"?');

    const instrument = await t.query(QUERY, { instrument: 'INZ', indicator: 'x' });
    expect(errorCodes(instrument)).toEqual(['BAD_USER_INPUT']);
    // Edit distances from "INZ": INS 1, OTHER 5.
    expect(instrument.errors?.[0].message).toBe('Unknown instrument "INZ"; did you mean "INS", "OTHER"?');

    expect(errorCodes(await t.query(QUERY, { instrument: 'INS', indicator: 'x', asOf: '999999' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(
      errorCodes(await t.query(QUERY, { instrument: 'INS', indicator: 'x', filter: { countryCodes: ['ZZ'] } })),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('runs a fixed number of statements, whatever the number of cities', async () => {
    // indicator, instrument, release, the analysis, the cited sources
    const small = await t.countStatements(QUERY, { instrument: 'INS', indicator: 'x', window: 2 });
    const large = await t.countStatements(QUERY, { instrument: 'INS', indicator: 'big', window: 2 });
    expect(small.statements).toBe(5);
    expect(large.statements).toBe(5);
    expect(small.sql).toMatchSnapshot('few cities');
    expect(large.sql).toMatchSnapshot('30 more controls');
    // 30 extra cities as controls of full (A=2010; big is 0 for full): each changes by
    // (i + 2) - (i + 1) = 1, so the control mean is 1 and full's DiD 0 - 1 = -1.
    const big = (dataOf(large.result) as unknown as Impact).commitmentImpact;
    expect(big.nControls).toBe(30);
    expectClose(
      big.adopters.find((a) => a.city.slug === 'full'),
      {
        change: 0,
        controlMeanChange: 1,
        nControls: 30,
        differenceInDifferences: -1,
      },
    );
  });

  // Last: it adds a release.
  it('answers as of an earlier release', async () => {
    const release2 = await supersede(t.db.dataSource, f, [{ city: 'full', indicator: 'x', year: 2012, value: 20.5 }]);
    const now = await impact({ window: 2 });
    const then = await impact({ window: 2, asOf: String(f.releaseId) });
    // Now: full's after = (7.5 + 20.5) / 2 = 14, change 14 - 11 = 3. Then: as in the window-2 test, -3.
    expect(now.adopters.find((a) => a.city.slug === 'full')?.change).toBeCloseTo(3, 9);
    expect(then.adopters.find((a) => a.city.slug === 'full')?.change).toBeCloseTo(-3, 9);
    expect(now.citation.release?.id).toBe(String(release2));
    expect(then.citation.release?.id).toBe(String(f.releaseId));
    expect(now.citation.queryHash).not.toBe(then.citation.queryHash);
  });
});

describe('commitmentImpact on the demo data', () => {
  let demo: TestServer;
  beforeAll(async () => {
    demo = await createTestServer();
  });
  afterAll(async () => {
    await demo.close();
  });

  // Pittsburgh and its controls, HRC and homicide-rate, window 3: the arithmetic is in the first test.
  const controls = [
    (8.41 + 5.76 + 5.29) / 3 - 5.96,
    (3.99 + 2.8 + 3.92) / 3 - 3.12,
    (9.04 + 6.06 + 8.1) / 3 - 11.82,
    (7.76 + 6.47 + 6.66) / 3 - 7.73,
    (1.13 + 1.83 + 1.91) / 3 - 1.99,
    (4.16 + 3.68 + 3.64) / 3 - 4.29,
    (9.31 + 7.15 + 8.26) / 3 - 7.87,
    (9.99 + 9.09 + 7.66) / 3 - 9.67,
    (6.81 + 7.24 + 4.88) / 3 - 6.92,
    (16.65 + 16.97 + 19.19) / 3 - 17.02,
  ];
  const controlMean = controls.reduce((a, b) => a + b, 0) / controls.length;
  const change = (13.14 + 14.63 + 22.43) / 3 - 17.88;

  it('HRC and homicide rates: Pittsburgh against US cities without a declaration', async () => {
    const r = dataOf<Impact>(
      await demo.query(QUERY, { instrument: 'HRC', indicator: 'homicide-rate', window: 3 }),
    ).commitmentImpact;
    /*
     * Fact sheet, homicides per 100k (UCR via The Marshall Project), data 2010-2015 only.
     * Pittsburgh declared 2011-04-19: A = 2011; before [2008, 2010] = 2010 only = 17.88;
     *   after [2012, 2014] = (13.14 + 14.63 + 22.43) / 3 = 50.20 / 3 = 16.7333...;
     *   change = 16.7333... - 17.88 = -1.14666...
     * Controls: cities with crime data and no HRC declaration by 2014 (Washington declared 2008):
     *   mean(2012, 2013, 2014) - 2010
     *     San Francisco  (8.41 + 5.76 + 5.29) / 3 - 5.96   =  0.52666...
     *     Seattle        (3.99 + 2.80 + 3.92) / 3 - 3.12   =  0.45
     *     Boston         (9.04 + 6.06 + 8.10) / 3 - 11.82  = -4.08666...
     *     Los Angeles    (7.76 + 6.47 + 6.66) / 3 - 7.73   = -0.76666...
     *     Honolulu       (1.13 + 1.83 + 1.91) / 3 - 1.99   = -0.36666...
     *     Salt Lake City (4.16 + 3.68 + 3.64) / 3 - 4.29   = -0.46333...
     *     Louisville KY  (9.31 + 7.15 + 8.26) / 3 - 7.87   =  0.37
     *     Minneapolis    (9.99 + 9.09 + 7.66) / 3 - 9.67   = -0.75666...
     *     Long Beach     (6.81 + 7.24 + 4.88) / 3 - 6.92   = -0.61
     *     Miami          (16.65 + 16.97 + 19.19) / 3 - 17.02 = 0.58333...
     *   sum = -5.12, mean = -0.512; DiD = -1.14666... + 0.512 = -0.63466...
     * Washington, A=2008: nothing in [2005, 2007]: NO_DATA_BEFORE. The other declarations (Rosario,
     * Graz, Utrecht, Gwangju, Vienna, York) have no homicide data: NO_DATA_EITHER.
     */
    expect(controlMean).toBeCloseTo(-0.512, 9);
    expect(change).toBeCloseTo(-1.1466666667, 9);
    expect(r.adopters.map((a) => [a.city.slug, a.adoptionYear, a.reason])).toEqual([
      ['rosario-ar', 1997, 'NO_DATA_EITHER'],
      ['graz-at', 2001, 'NO_DATA_EITHER'],
      ['washington-us', 2008, 'NO_DATA_BEFORE'],
      ['utrecht-nl', 2010, 'NO_DATA_EITHER'],
      ['gwangju-kr', 2011, 'NO_DATA_EITHER'],
      ['pittsburgh-us', 2011, null],
      ['vienna-at', 2014, 'NO_DATA_EITHER'],
      ['york-gb', 2017, 'NO_DATA_EITHER'],
    ]);
    expectClose(
      r.adopters.find((a) => a.city.slug === 'pittsburgh-us'),
      {
        before: 17.88,
        after: 50.2 / 3,
        change,
        nBefore: 1,
        nAfter: 3,
        controlMeanChange: controlMean,
        nControls: 10,
        differenceInDifferences: change - controlMean,
        used: true,
      },
    );
    expectClose(
      r.adopters.find((a) => a.city.slug === 'washington-us'),
      {
        nBefore: 0,
        nAfter: 2,
        after: (21.94 + 17.48) / 2,
      },
    );
    expectClose(
      {
        meanChangeAdopters: r.meanChangeAdopters,
        meanChangeControls: r.meanChangeControls,
        differenceInDifferences: r.differenceInDifferences,
        nAdopters: r.nAdopters,
        nControls: r.nControls,
      },
      {
        meanChangeAdopters: change,
        meanChangeControls: controlMean,
        differenceInDifferences: change - controlMean,
        nAdopters: 1,
        nControls: 10,
      },
    );
    expect(r.warnings.map((w) => w.code)).toEqual(['FEW_OBSERVATIONS']);
    expect(r.citation.text).toContain('The Marshall Project');
  });

  it('CEDAW and homicide rates: no adopter has data on both sides', async () => {
    const r = dataOf<Impact>(
      await demo.query(QUERY, { instrument: 'CEDAW', indicator: 'homicide-rate' }),
    ).commitmentImpact;
    // San Francisco's earliest CEDAW act is the 1997-11-10 resolution (A=1997, data starts 2010);
    // Pittsburgh's ordinance of 2016-12-06 has data before (2013-2015) but none in 2017-2019.
    expect(r.adopters.map((a) => [a.city.slug, a.adoptionYear, a.reason])).toEqual([
      ['san-francisco-us', 1997, 'NO_DATA_EITHER'],
      ['greeley-us', 2016, 'NO_DATA_EITHER'],
      ['lafayette-us', 2016, 'NO_DATA_EITHER'],
      ['pittsburgh-us', 2016, 'NO_DATA_AFTER'],
      ['louisville-co-us', 2017, 'NO_DATA_EITHER'],
      ['toledo-us', 2022, 'NO_DATA_EITHER'],
    ]);
    expectClose(
      r.adopters.find((a) => a.city.slug === 'pittsburgh-us'),
      {
        before: (14.63 + 22.43 + 18.57) / 3,
        nBefore: 3,
        nAfter: 0,
      },
    );
    expect(r.nAdopters).toBe(0);
    expect(r.differenceInDifferences).toBeNull();
    expect(r.warnings.map((w) => w.code)).toEqual(['NO_DATA']);
  });

  it('runs the documented examples', async () => {
    const doc = readFileSync(path.resolve(__dirname, '../../docs/analytics/impact.md'), 'utf8');
    const blocks = [...doc.matchAll(/^```graphql[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks).toHaveLength(1);
    // The example (US cities only) gives the same numbers as the table in the docs and the test above.
    const data = dataOf<{
      commitmentImpact: { adopters: (Adopter & { city: { name: string } })[]; differenceInDifferences: number };
    }>(await demo.query(blocks[0]));
    expect(data.commitmentImpact.adopters.map((a) => [a.city.name, a.adoptionYear, a.reason])).toEqual([
      ['Washington', 2008, 'NO_DATA_BEFORE'],
      ['Pittsburgh', 2011, null],
    ]);
    expectClose(data.commitmentImpact.adopters[1], {
      before: 17.88,
      after: 50.2 / 3,
      change,
      controlMeanChange: controlMean,
      nControls: 10,
      differenceInDifferences: change - controlMean,
    });
    expect(data.commitmentImpact.differenceInDifferences).toBeCloseTo(-0.6346666667, 9);
  });
});
