import { loadFixture, series, supersede, type Fixture } from '../fixtures/fixture';
import { createTestServer, dataOf, errorCodes, type TestServer } from '../helpers/testServer';

type Line = {
  indicator: { code: string };
  value: number | null;
  year: number | null;
  rank: number | null;
  rankedCount: number;
  trend: number | null;
  trendPoints: number;
  trendFirstYear: number | null;
  trendLastYear: number | null;
  latest: { status: string; source: { title: string } } | null;
};
type Scorecard = {
  scorecard: {
    city: { slug: string };
    peers: { slug: string }[];
    rights: {
      right: { code: string };
      commitments: { title: string; instrument: { code: string } | null }[];
      indicators: Line[];
    }[];
    otherCommitments: { title: string }[];
    warnings: { code: string; message: string }[];
    citation: { sources: { title: string }[]; release: { id: string }; queryHash: string };
  };
};
const QUERY = `query($cityId: ID!, $peers: [ID!], $asOf: ID) {
  scorecard(cityId: $cityId, peerCityIds: $peers, asOf: $asOf) {
    city { slug }
    peers { slug }
    rights {
      right { code }
      commitments { title instrument { code } }
      indicators {
        indicator { code } value year rank rankedCount trend trendPoints trendFirstYear trendLastYear
        latest { status source { title } }
      }
    }
    otherCommitments { title }
    warnings { code message }
    citation { sources { title } release { id } queryHash }
  }
}`;

/** The line of one indicator, wherever it appears. */
function line(data: Scorecard, code: string): Line {
  const found = data.scorecard.rights.flatMap((r) => r.indicators).find((l) => l.indicator.code === code);
  if (!found) throw new Error(`no line for ${code}`);
  return found;
}

/** Least-squares slope: sum((x - mean x)(y - mean y)) / sum((x - mean x)^2), written out for the demo check. */
function slope(points: [number, number][]): number {
  const mx = points.reduce((s, [x]) => s + x, 0) / points.length;
  const my = points.reduce((s, [, y]) => s + y, 0) / points.length;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}

describe('scorecard on fixtures', () => {
  let t: TestServer;
  let f: Fixture;
  const id = (slug: string) => String(f.city(slug));

  /*
   * The world: p (US) is scored; q, r, s are its US peers; t is alone in GB.
   *
   * low (LOWER_IS_BETTER, right safety), latest values: q 3 (2015), p 5 (2015), r 5 (2014: r's
   *   own latest; its 2013 value 1 is older and not used), s 8 (2015). Ascending, competition
   *   ranking: q 1, p 2, r 2, s 4 (1224). p's 2016 value is disaggregated (not a total), and a
   *   second source s2 reports p 2015 = 50: the latest is the lowest source id's, 5.
   *   p's trend: 2013 7, 2014 6, 2015 5: x mean 2014, y mean 6,
   *   slope = ((-1)(1) + 0(0) + (1)(-1)) / (1 + 0 + 1) = -2 / 2 = -1.
   * high (HIGHER_IS_BETTER, right safety): p 2.5, q -1.5, r 0.5 (2015), s none. Descending:
   *   p 1, r 2, q 3; 3 ranked. (Ascending would put p last: the direction matters.)
   *   p has two years (2014 0.25, 2015 2.5): trend null, FEW_OBSERVATIONS.
   * neu (NEUTRAL, right air): q 20, p 10, r 10 (2015). Descending: q 1, p 2, r 2.
   * none (LOWER_IS_BETTER, right air): only q has a value; p: no value, rank null, 1 ranked.
   * long (LOWER_IS_BETTER, right air): p only, 2001-2015 without 2010. 2001-2005 are 100
   *   (outside the window: years > 2015 - 10 = 2005), 2006-2015 are year - 2006 (0..9 without
   *   4): on a line of slope exactly 1, 9 points. Fitted on all 14 points the slope would be
   *   strongly negative. p's 2007 value is ESTIMATED.
   * pop (NEUTRAL) measures no right: not in the scorecard.
   *
   * Rights: air, safety (indicators); equality, voice (CEDAWX, which p adopted, covers them;
   * p's CEDAWX commitment also lists equality itself: listed once); safety (p's LOCALX
   * commitment lists it, LOCALX covers nothing); water (WATERX, q's only: not p's);
   * orphan (nothing): not in the scorecard. HRCX covers no right: otherCommitments.
   */
  beforeAll(async () => {
    t = await createTestServer({ seed: false });
    f = await loadFixture(t.db.dataSource, {
      cities: [
        { slug: 'p', country: 'US' },
        { slug: 'q', country: 'US' },
        { slug: 'r', country: 'US' },
        { slug: 's', country: 'US' },
        { slug: 't', country: 'GB' },
      ],
      rights: ['orphan', 'equality', 'voice', 'water'],
      indicators: [
        { code: 'low', rights: ['safety'] },
        { code: 'high', direction: 'HIGHER_IS_BETTER', unit: '%', rights: ['safety'] },
        { code: 'neu', direction: 'NEUTRAL', unit: 'persons', rights: ['air'] },
        { code: 'none', rights: ['air'] },
        { code: 'long', rights: ['air'] },
        { code: 'pop', direction: 'NEUTRAL' },
      ],
      instruments: [
        { code: 'CEDAWX', rights: ['equality', 'voice'] },
        { code: 'HRCX' },
        { code: 'LOCALX' },
        { code: 'WATERX', rights: ['water'] },
      ],
      commitments: [
        { city: 'p', instrument: 'CEDAWX', adoptedOn: '2016-12-06', title: 'p CEDAWX ordinance' },
        { city: 'p', instrument: 'HRCX', adoptedOn: '2011', kind: 'DECLARATION', title: 'p human rights city' },
        { city: 'p', instrument: 'LOCALX', adoptedOn: '2014-05', title: 'p safety policy', status: 'PROPOSED' },
        { city: 'q', instrument: 'WATERX', adoptedOn: '2010', title: 'q water resolution' },
        { city: 'q', instrument: 'CEDAWX', adoptedOn: '2012', title: 'q CEDAWX ordinance' },
      ],
      sources: ['s1', 's2'],
      observations: [
        ...series('p', 'low', [
          [2013, 7],
          [2014, 6],
          [2015, 5],
        ]),
        { city: 'p', indicator: 'low', year: 2015, value: 50, source: 's2' },
        { city: 'p', indicator: 'low', year: 2016, value: 0, disaggregation: 'sex=female' },
        ...series('q', 'low', [[2015, 3]]),
        ...series('r', 'low', [
          [2013, 1],
          [2014, 5],
        ]),
        ...series('s', 'low', [[2015, 8]]),
        ...series('t', 'low', [[2015, 1]]),
        ...series('p', 'high', [
          [2014, 0.25],
          [2015, 2.5],
        ]),
        ...series('q', 'high', [[2015, -1.5]]),
        ...series('r', 'high', [[2015, 0.5]]),
        ...series('p', 'neu', [[2015, 10]]),
        ...series('q', 'neu', [[2015, 20]]),
        ...series('r', 'neu', [[2015, 10]]),
        ...series('q', 'none', [[2015, 4]]),
        ...series('p', 'long', [
          [2001, 100],
          [2002, 100],
          [2003, 100],
          [2004, 100],
          [2005, 100],
          [2006, 0],
          [2008, 2],
          [2009, 3],
          [2011, 5],
          [2012, 6],
          [2013, 7],
          [2014, 8],
          [2015, 9],
        ]),
        { city: 'p', indicator: 'long', year: 2007, value: 1, status: 'ESTIMATED' },
        ...series('p', 'pop', [[2015, 1000]]),
      ],
    });
    // The fixture builder links no commitment to rights: these are the commitments' own rights.
    await t.db.dataSource.query(
      `INSERT INTO commitment_right (commitment_id, right_id)
       SELECT m.id, r.id FROM commitment m, "right" r
       WHERE (m.title, r.code) IN (('p CEDAWX ordinance', 'equality'), ('p safety policy', 'safety'))`,
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists rights with their commitments and indicators; the rest of the commitments apart', async () => {
    const data = dataOf<Scorecard>(await t.query(QUERY, { cityId: id('p') }));
    expect(
      data.scorecard.rights.map((r) => [
        r.right.code,
        r.commitments.map((m) => m.title),
        r.indicators.map((l) => l.indicator.code),
      ]),
    ).toEqual([
      ['air', [], ['long', 'neu', 'none']],
      ['equality', ['p CEDAWX ordinance'], []],
      ['safety', ['p safety policy'], ['high', 'low']],
      ['voice', ['p CEDAWX ordinance'], []],
    ]);
    expect(data.scorecard.otherCommitments).toEqual([{ title: 'p human rights city' }]);
    expect(data.scorecard.rights[1].commitments[0].instrument).toEqual({ code: 'CEDAWX' });
  });

  it('ranks against the other cities of the country by default, best first by direction', async () => {
    const data = dataOf<Scorecard>(await t.query(QUERY, { cityId: id('p') }));
    expect(data.scorecard.peers.map((c) => c.slug)).toEqual(['q', 'r', 's']);
    const row = (code: string) => {
      const l = line(data, code);
      return [l.value, l.year, l.rank, l.rankedCount, l.trend, l.trendPoints, l.trendFirstYear, l.trendLastYear];
    };
    // [value, year, rank, ranked, trend, points, first, last]: see the table above the fixture.
    expect(row('low')).toEqual([5, 2015, 2, 4, -1, 3, 2013, 2015]);
    expect(row('high')).toEqual([2.5, 2015, 1, 3, null, 2, 2014, 2015]);
    expect(row('neu')).toEqual([10, 2015, 2, 3, null, 1, 2015, 2015]);
    expect(row('none')).toEqual([null, null, null, 1, null, 0, null, null]);
    expect(row('long')[5]).toBe(9);
    expect(row('long').slice(0, 4)).toEqual([9, 2015, 1, 1]);
    expect(line(data, 'long').trend).toBeCloseTo(1, 10);
    expect(row('long').slice(6)).toEqual([2006, 2015]);
    expect(line(data, 'low').latest).toEqual({ status: 'MEASURED', source: { title: 's1' } });
    expect(line(data, 'none').latest).toBeNull();
  });

  it('warns about missing values, short trends, a neutral direction and estimates', async () => {
    const data = dataOf<Scorecard>(await t.query(QUERY, { cityId: id('p') }));
    expect(data.scorecard.warnings).toEqual([
      {
        code: 'FEW_OBSERVATIONS',
        message: 'Trend of high for p needs 3 yearly values in the last 10 years; it has 2',
      },
      {
        code: 'FEW_OBSERVATIONS',
        message: 'Trend of neu for p needs 3 yearly values in the last 10 years; it has 1',
      },
      { code: 'NO_DATA', message: 'No value of none for p' },
      { code: 'NEUTRAL_DIRECTION', message: 'neu has no better direction; ranked highest first' },
      { code: 'ESTIMATED_VALUES', message: '1 value is estimated or provisional' },
    ]);
    // s2's value for p 2015 is not used (s1's is): it is not cited.
    expect(data.scorecard.citation.sources.map((s) => s.title)).toEqual(['s1']);
  });

  it('gives tied values the same rank and skips the next (1224), each city with its own latest year', async () => {
    // low among p, q, r, s: q 3 (2015), p 5 (2015), r 5 (2014), s 8 (2015).
    const ranks: [string, number | null, number | null, number][] = [];
    for (const slug of ['q', 'p', 'r', 's']) {
      const l = line(dataOf<Scorecard>(await t.query(QUERY, { cityId: id(slug) })), 'low');
      ranks.push([slug, l.rank, l.year, l.rankedCount]);
    }
    expect(ranks).toEqual([
      ['q', 1, 2015, 4],
      ['p', 2, 2015, 4],
      ['r', 2, 2014, 4],
      ['s', 4, 2015, 4],
    ]);
  });

  it('ranks against explicit peers, ignoring the city itself and repeats', async () => {
    const data = dataOf<Scorecard>(await t.query(QUERY, { cityId: id('p'), peers: [id('t'), id('p'), id('t')] }));
    expect(data.scorecard.peers.map((c) => c.slug)).toEqual(['t']);
    // low: t 1, p 5: p is 2nd of 2. high: t has none: p 1st of 1.
    expect([line(data, 'low').rank, line(data, 'low').rankedCount]).toEqual([2, 2]);
    expect([line(data, 'high').rank, line(data, 'high').rankedCount]).toEqual([1, 1]);
    // The trend is the city's own: peers do not change it.
    expect(line(data, 'low').trend).toBe(-1);
    const alone = dataOf<Scorecard>(await t.query(QUERY, { cityId: id('p'), peers: [] }));
    expect(alone.scorecard.peers).toEqual([]);
    expect([line(alone, 'low').rank, line(alone, 'low').rankedCount]).toEqual([1, 1]);
  });

  it('ranks a city alone in its country against all other cities', async () => {
    const data = dataOf<Scorecard>(await t.query(QUERY, { cityId: id('t') }));
    expect(data.scorecard.peers.map((c) => c.slug)).toEqual(['p', 'q', 'r', 's']);
    // low: t 1, q 3, p 5, r 5, s 8: t is 1st of 5.
    expect([line(data, 'low').rank, line(data, 'low').rankedCount]).toEqual([1, 5]);
    // t has no commitments: only the rights some indicator measures.
    expect(data.scorecard.rights.map((r) => r.right.code)).toEqual(['air', 'safety']);
    expect(data.scorecard.otherCommitments).toEqual([]);
  });

  it('rejects unknown cities and too many peers', async () => {
    const unknown = await t.query(QUERY, { cityId: '999999' });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.errors?.[0].message).toBe('Unknown city id "999999"');
    const unknownPeer = await t.query(QUERY, { cityId: id('p'), peers: [id('q'), '999998'] });
    expect(errorCodes(unknownPeer)).toEqual(['BAD_USER_INPUT']);
    expect(unknownPeer.errors?.[0].extensions?.argument).toBe('peerCityIds');
    const tooMany = await t.query(QUERY, {
      cityId: id('p'),
      peers: Array.from({ length: 101 }, (_, i) => String(i + 1)),
    });
    expect(tooMany.errors?.[0].message).toBe('peerCityIds is limited to 100 cities, got 101');
    expect(errorCodes(await t.query(QUERY, { cityId: id('p'), asOf: '999999' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('runs a fixed number of statements, whatever the number of peers', async () => {
    // cities (city and peers in one cityById batch), newest release, [default peers], rights,
    // commitments (with instruments), indicators, figures, sources of the citation.
    const defaults = await t.countStatements(QUERY, { cityId: id('p') });
    const one = await t.countStatements(QUERY, { cityId: id('p'), peers: [id('q')] });
    const four = await t.countStatements(QUERY, { cityId: id('p'), peers: [id('q'), id('r'), id('s'), id('t')] });
    for (const r of [defaults, one, four]) expect(r.result.errors).toBeUndefined();
    expect(defaults.statements).toBe(8);
    expect(one.statements).toBe(7);
    expect(four.statements).toBe(7);
    expect(defaults.sql).toMatchSnapshot('default peers');
    expect(one.sql).toMatchSnapshot('one peer');
    expect(four.sql).toMatchSnapshot('four peers');
  });

  it('answers as of an earlier release', async () => {
    // p's 2015 low value becomes 2: p now leads (2 < q's 3), and its trend over 7, 6, 2 is
    // ((-1)(7 - 5) + 0 + (1)(2 - 5)) / 2 = (-2 - 3) / 2 = -2.5.
    const release2 = await supersede(t.db.dataSource, f, [{ city: 'p', indicator: 'low', year: 2015, value: 2 }]);
    const now = dataOf<Scorecard>(await t.query(QUERY, { cityId: id('p') }));
    const before = dataOf<Scorecard>(await t.query(QUERY, { cityId: id('p'), asOf: String(f.releaseId) }));
    expect([line(now, 'low').value, line(now, 'low').rank, line(now, 'low').trend]).toEqual([2, 1, -2.5]);
    expect(now.scorecard.citation.release.id).toBe(String(release2));
    expect([line(before, 'low').value, line(before, 'low').rank, line(before, 'low').trend]).toEqual([5, 2, -1]);
    expect(before.scorecard.citation.release.id).toBe(String(f.releaseId));
    expect(before.scorecard.citation.queryHash).not.toBe(now.scorecard.citation.queryHash);
  });
});

describe('scorecard on the demo data', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await createTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('scores Pittsburgh against the other US cities (seed-facts.md)', async () => {
    const [{ id }] = await t.db.dataSource.query(`SELECT id FROM city WHERE slug = 'pittsburgh-us'`);
    const data = dataOf<Scorecard>(await t.query(QUERY, { cityId: String(id) }));
    // CEDAW (the 2016 ordinance) covers gender equality (its own right) and, through the treaty,
    // participation, education, work and health; the indicators measure life and security
    // (homicide and violent crime rates) and a healthy environment (PM2.5).
    expect(data.scorecard.rights.map((r) => [r.right.code, r.commitments.map((m) => m.instrument?.code)])).toEqual([
      ['education', ['CEDAW']],
      ['gender-equality', ['CEDAW']],
      ['health', ['CEDAW']],
      ['healthy-environment', []],
      ['life-and-security', []],
      ['participation', ['CEDAW']],
      ['work', ['CEDAW']],
    ]);
    // The 2011 human rights city declaration covers no right in particular.
    expect(data.scorecard.otherCommitments).toEqual([{ title: 'Declared the 5th US human rights city' }]);
    // 17 US cities in the demo data: the 16 others are the peers.
    expect(data.scorecard.peers).toHaveLength(16);

    /*
     * Homicides per 100k in 2015, lowest (best) first, from the fact sheet: Honolulu 1.50,
     * Seattle 3.36, Salt Lake City 4.17, Boston 5.71, San Francisco 6.14, Los Angeles 7.12,
     * Long Beach 7.56, Minneapolis 11.37, Louisville KY 11.90, Miami 17.12, Pittsburgh 18.57,
     * Washington 24.10. Twelve US cities have data (Eugene, Toledo, Lafayette, Louisville CO and
     * Greeley have none); only Washington is worse: Pittsburgh is 11th of 12.
     *
     * Trend 2010-2015 (all within 10 years of 2015): x mean 2012.5, deviations -2.5 .. 2.5,
     * sum of squared deviations 2 * (6.25 + 2.25 + 0.25) = 17.5;
     * sum of deviation * y = -2.5 * 17.88 - 1.5 * 14.26 - 0.5 * 13.14 + 0.5 * 14.63 + 1.5 * 22.43 + 2.5 * 18.57
     *   = -44.7 - 21.39 - 6.57 + 7.315 + 33.645 + 46.425 = 14.725;
     * slope = 14.725 / 17.5 = 0.841428... homicides per 100k per year.
     */
    const homicide = line(data, 'homicide-rate');
    expect([homicide.value, homicide.year, homicide.rank, homicide.rankedCount]).toEqual([18.57, 2015, 11, 12]);
    expect(homicide.trendPoints).toBe(6);
    expect(homicide.trend).toBeCloseTo(14.725 / 17.5, 10);
    expect(homicide.trend).toBeCloseTo(
      slope([
        [2010, 17.88],
        [2011, 14.26],
        [2012, 13.14],
        [2013, 14.63],
        [2014, 22.43],
        [2015, 18.57],
      ]),
      10,
    );

    /*
     * Violent crimes per 100k in 2015: better (lower) than Pittsburgh's 706.16 are Honolulu
     * 243.87, Long Beach 580.70, Seattle 598.65, Louisville KY 631.84 and Los Angeles 634.82
     * (Boston's 706.79 is just worse): 6th of 12. Trend: sum of deviation * y =
     * -2.5 * 913.43 - 1.5 * 802.31 - 0.5 * 751.97 + 0.5 * 734.32 + 1.5 * 798.08 + 2.5 * 706.16
     *   = -2283.575 - 1203.465 - 375.985 + 367.16 + 1197.12 + 1765.4 = -533.345; / 17.5 = -30.4769.
     */
    const violent = line(data, 'violent-crime-rate');
    expect([violent.value, violent.year, violent.rank, violent.rankedCount]).toEqual([706.16, 2015, 6, 12]);
    expect(violent.trend).toBeCloseTo(-533.345 / 17.5, 8);

    /*
     * PM2.5 (WHO, each city's single latest year): Pittsburgh 9 (2015). Lower among the 10 US
     * peers with a value: Honolulu 3, Seattle 6, Boston 7, Minneapolis 7, Washington 7,
     * Louisville KY 8, Miami 8, San Francisco 8 (8 cities); Salt Lake City ties at 9; Los Angeles
     * 12 is worse. Competition rank 9 of 11, shared with Salt Lake City. One point: no trend.
     */
    const pm25 = line(data, 'pm25-annual-mean');
    expect([pm25.value, pm25.year, pm25.rank, pm25.rankedCount, pm25.trend, pm25.trendPoints]).toEqual([
      9,
      2015,
      9,
      11,
      null,
      1,
    ]);
    expect(data.scorecard.warnings.map((w) => w.code)).toEqual(['FEW_OBSERVATIONS']);
    expect(data.scorecard.warnings[0].message).toBe(
      'Trend of pm25-annual-mean for pittsburgh-us needs 3 yearly values in the last 10 years; it has 1',
    );
  });
});
