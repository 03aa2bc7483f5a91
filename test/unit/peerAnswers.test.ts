import { buildPeerScenarios, competitionRanks, firstDifference } from '../../bench/peerScenarios';

// Hand-written answers of both servers to the same questions: the normalisers must map matching
// answers to equal data and a differing answer to a reported difference, so the check that runs
// before `--peer` measures cannot pass silently.
const scenarios = buildPeerScenarios({
  cityIds: [1, 2, 3],
  indicators: [
    { id: 7, code: 'bench-indicator-01', direction: 'HIGHER_IS_BETTER' },
    { id: 8, code: 'bench-indicator-02', direction: 'LOWER_IS_BETTER' },
  ],
  countries: ['DE', 'FR'],
  firstYear: 2000,
  lastYear: 2020,
});
const byName = (name: string) => scenarios.find((s) => s.name === name)!;

function check(name: string, ours: unknown, theirs: unknown): string | null {
  const s = byName(name);
  return firstDifference(s.normaliseRightsgraph(ours), s.normalisePeer(theirs));
}

describe('peer answer normalisers', () => {
  it('competition ranks share the better rank on ties', () => {
    expect(competitionRanks([9, 7, 7, 5])).toEqual([1, 2, 2, 4]);
  });

  it('a ranking in the same order with the same ties matches, ties listed in either order', () => {
    const ours = {
      ranking: {
        totalCount: 3,
        entries: [
          { rank: 1, value: 9.5, city: { slug: 'a' } },
          { rank: 2, value: 7, city: { slug: 'b' } },
          { rank: 2, value: 7, city: { slug: 'c' } },
        ],
      },
    };
    const theirs = {
      allObservations: {
        aggregates: { distinctCount: { cityId: '3' } },
        nodes: [
          { value: 9.5, cityByCityId: { slug: 'a' } },
          { value: 7, cityByCityId: { slug: 'c' } },
          { value: 7, cityByCityId: { slug: 'b' } },
        ],
      },
    };
    expect(check('ranking', ours, theirs)).toBeNull();
    // A count that differs (e.g. a city ranked twice) is caught.
    const twice = { allObservations: { ...theirs.allObservations, aggregates: { distinctCount: { cityId: '4' } } } };
    expect(check('ranking', ours, twice)).toBe('$.count: 3 != 4');
  });

  it('statistics per country match with groups in another order and averages differing past 10 digits', () => {
    const ours = {
      statistics: {
        groups: [
          { key: 'FR', count: 2, mean: 4.5, min: 4, max: 5 },
          { key: 'DE', count: 1, mean: 1 / 3, min: 1 / 3, max: 1 / 3 },
        ],
      },
    };
    const theirs = {
      c_DE: {
        aggregates: {
          distinctCount: { cityId: '1' },
          average: { value: '0.33333333333333331' },
          min: { value: 1 / 3 },
          max: { value: 1 / 3 },
        },
      },
      c_FR: {
        aggregates: { distinctCount: { cityId: '2' }, average: { value: '4.5' }, min: { value: 4 }, max: { value: 5 } },
      },
    };
    expect(check('statistics', ours, theirs)).toBeNull();
  });

  it('a compare answer with one value off is reported with its place', () => {
    const ours = {
      compare: {
        series: [
          {
            city: { slug: 'a' },
            indicator: { code: 'x' },
            points: [
              { year: 2019, value: 1 },
              { year: 2020, value: 2 },
            ],
          },
        ],
      },
    };
    const theirs = {
      allObservations: {
        nodes: [
          { year: 2019, value: 1, cityByCityId: { slug: 'a' }, indicatorByIndicatorId: { code: 'x' } },
          { year: 2020, value: 2.5, cityByCityId: { slug: 'a' }, indicatorByIndicatorId: { code: 'x' } },
        ],
      },
    };
    expect(check('compare', ours, theirs)).toBe('$.1: "a x 2020 2" != "a x 2020 2.5"');
  });

  it('a point lookup matches field by field and a missing city differs', () => {
    const city = { slug: 'a', name: 'A', population: 10, latitude: 1.5 };
    const ours = { city: { ...city, country: { code: 'DE' } } };
    expect(check('point', ours, { cityByRowId: { ...city, countryCode: 'DE' } })).toBeNull();
    expect(check('point', ours, { cityByRowId: { ...city, countryCode: 'FR' } })).toBe('$.countryCode: "DE" != "FR"');
  });
});
