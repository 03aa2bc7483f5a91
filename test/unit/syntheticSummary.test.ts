import {
  quote,
  syntheticSummary,
  type SummaryInput,
} from '../../src/modules/analytics/syntheticControl/syntheticSummary';

const BASE: SummaryInput = {
  cityName: 'Pittsburgh',
  indicator: 'homicide-rate',
  unit: 'per 100k',
  instrument: 'CEDAW',
  adoptionYear: 2016,
  preYears: [2010, 2011, 2012, 2013, 2014, 2015],
  postYears: [],
  weights: [
    { name: 'Miami', weight: 0.996 },
    { name: 'Boston', weight: 0.004 },
  ],
  donors: 10,
  meanPostGap: null,
  preRmspe: 2.3712,
  postRmspe: null,
  ratio: null,
  placeboPValue: null,
  placebosAtLeast: 0,
  fewPreYears: false,
  poorFit: false,
  preSd: 3.18,
  nonUnique: false,
};

describe('syntheticSummary', () => {
  it('says when there is nothing after adoption, and gives no p-value', () => {
    const text = syntheticSummary(BASE);
    expect(text).toContain(
      'a weighted mix of 2 cities (Miami 100%, Boston <1%) chosen from 10 cities without a commitment to CEDAW',
    );
    expect(text).toContain('in the 6 years before it adopted CEDAW in 2016 (2010–2015)');
    expect(text).toContain('misses the real one by 2.37 per 100k');
    expect(text).toContain('There is no value from 2016 on, so no effect can be measured yet.');
    expect(text).not.toContain('p-value');
    expect(text).toMatch(/Caveats: a gap is a difference, not proof that the CEDAW commitment caused it\.$/);
  });

  it('states the gap, the ratio and the p-value with its floor, then every caveat that applies', () => {
    const text = syntheticSummary({
      ...BASE,
      postYears: [2016, 2017],
      meanPostGap: -1.234,
      postRmspe: 1.5,
      ratio: 0.63,
      placeboPValue: 4 / 11,
      placebosAtLeast: 3,
      fewPreYears: true,
      preYears: [2015],
      poorFit: true,
      nonUnique: true,
    });
    expect(text).toContain(
      'In 2016–2017 Pittsburgh was on average 1.23 per 100k below its synthetic control (root mean squared gap 1.5 per 100k; 0.63 times the gap before).',
    );
    expect(text).toContain(
      '3 of 10 show a ratio at least as large, so the placebo p-value is 0.364 (with 10 donors it cannot be below 0.0909)',
    );
    expect(text).toContain('only 1 year before adoption was fitted');
    expect(text).toContain('standard deviation 3.18 per 100k');
    expect(text).toContain('other weights may fit as well');
    expect(text).toContain('with 10 donors the p-value can never reach 0.05');
  });

  it('quotes three significant digits and reads rounding noise as 0', () => {
    expect([quote(1234.5), quote(0.012345), quote(3e-13), quote(-2.5)]).toEqual(['1230', '0.0123', '0', '-2.5']);
  });
});
