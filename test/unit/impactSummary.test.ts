import {
  csSummary,
  type CsSummaryInput,
  naiveSummary,
  pText,
} from '../../src/modules/analytics/callawaySantanna/impactSummary';

const CS: CsSummaryInput = {
  instrument: 'CEDAW',
  indicator: 'homicide-rate',
  unit: 'per 100k',
  control: 'NOT_YET_TREATED',
  nAdopters: 12,
  nCohorts: 3,
  nControls: 40,
  overall: { estimate: -1.5, lower: -2.5, upper: -0.5, pValue: 0.0032, randomizationPValue: 0.012 },
  preTrend: { statistic: 3.2, degreesOfFreedom: 4, pValue: 0.525 },
  smallestPreCohort: null,
  bootstrap: 999,
  permutations: 499,
  seed: 7,
  estimated: 0,
  converted: 0,
};

describe('csSummary', () => {
  it('reads the numbers in a fixed form, with only the causal caveat when nothing else applies', () => {
    expect(csSummary(CS)).toBe(
      "Comparing each adoption cohort with cities that had not adopted yet (Callaway & Sant'Anna difference-in-differences), the 12 cities that adopted CEDAW (3 adoption years, against 40 control cities) had homicide-rate on average 1.5 per 100k lower after adoption than if they had moved like the controls. The 95% interval runs from -2.5 to -0.5 per 100k (p = 0.0032, bootstrap of 999 draws, seed 7); shuffling adoption years among cities 499 times gives p = 0.012. Before adoption, the test that adopters and controls moved in parallel does not reject (chi-square 3.2 on 4 df, p = 0.525). Caveats: a difference is not proof that the CEDAW commitment caused it.",
    );
  });

  it('adds every caveat that applies', () => {
    const text = csSummary({
      ...CS,
      nAdopters: 3,
      overall: { estimate: 0.4, lower: -0.6, upper: 1.4, pValue: 0.43, randomizationPValue: 0.5 },
      preTrend: { statistic: 20, degreesOfFreedom: 4, pValue: 0.0005 },
      smallestPreCohort: 2,
      estimated: 1,
      converted: 4,
    });
    expect(text).toMatch(/0\.4 per 100k higher after adoption/);
    expect(text).toMatch(/moved in parallel fails \(chi-square 20 on 4 df, p < 0\.001\)/);
    expect(text).toContain(
      'Caveats: only 3 cities adopted, too few for the interval to be trusted; trends already differed before adoption, so the estimate may reflect that rather than adoption (though with as few as 2 adopting cities in a pre-adoption estimate the test rejects too often); the interval includes zero: the data cannot tell this apart from no effect; 1 value is estimated or provisional; 4 values were converted from another unit or definition; a difference is not proof that the CEDAW commitment caused it.',
    );
  });

  it('says so without an estimate, an interval or a pre-period', () => {
    expect(csSummary({ ...CS, overall: null })).toMatch(/^No adoption cohort of CEDAW .* so there is no estimate\.$/);
    const bare = csSummary({
      ...CS,
      overall: { estimate: 1, lower: null, upper: null, pValue: null, randomizationPValue: null },
      preTrend: null,
    });
    expect(bare).not.toMatch(/95% interval/);
    expect(bare).toMatch(/there is no year before adoption to test parallel trends; there is no interval/);
  });
});

describe('naiveSummary', () => {
  it('reads the naive numbers and says what they cannot', () => {
    expect(
      naiveSummary({
        instrument: 'HRC',
        indicator: 'homicide-rate',
        unit: 'per 100k',
        window: 3,
        nAdopters: 1,
        nControls: 10,
        differenceInDifferences: -0.6346666667,
        meanChangeAdopters: -1.1466666667,
        meanChangeControls: -0.512,
        estimated: 2,
        converted: 0,
      }),
    ).toBe(
      'Comparing homicide-rate in the 3 years before and after adoption, the 1 city that adopted HRC changed by -1.15 per 100k on average and the 10 cities that had not adopted by then by -0.512 per 100k: adopters changed 0.635 per 100k less than non-adopters. Caveats: this naive comparison has no standard error or interval, so it cannot say whether the difference is distinguishable from noise (ask for estimator CALLAWAY_SANTANNA); it does not test whether adopters and controls moved in parallel before adoption; only 1 city adopted; 2 values are estimated or provisional; a difference is not proof that the HRC commitment caused it.',
    );
  });

  it('prints small p-values as a bound', () => {
    expect([pText(0.0004), pText(0.001), pText(0.04567)]).toEqual(['p < 0.001', 'p = 0.001', 'p = 0.0457']);
  });
});
