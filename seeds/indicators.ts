import { Direction, IndicatorKind } from '../src/modules/indicator/indicator.entity';

/**
 * Indicators of the demo observations. Source: /work/shared/data/seed-facts.md, the headings
 * of the two "Observations" sections (units, directions, rights); methodology text restates
 * what those sections say about the data.
 *
 * Population is NEUTRAL and measures no right: it is there as the denominator of the rates and
 * for weighting, so it is an OUTCOME in the OHCHR sense only for want of a better kind.
 */
export interface IndicatorSeed {
  code: string;
  name: string;
  description: string;
  unit: string;
  direction: Direction;
  kind: IndicatorKind;
  methodology: string;
  rights: readonly string[];
}

const UCR =
  'FBI Uniform Crime Reports as compiled by The Marshall Project ("The Crime Report"), per police department; ' +
  'a city is matched to the department that polices it. A value the department did not report (NA) is missing, never zero.';

export const INDICATORS: readonly IndicatorSeed[] = [
  {
    code: 'population',
    name: 'Population',
    description: 'Resident population of the area the reporting police department covers.',
    unit: 'persons',
    direction: Direction.NEUTRAL,
    kind: IndicatorKind.OUTCOME,
    methodology: `${UCR} The population is the one the UCR uses to compute the department's rates.`,
    rights: [],
  },
  {
    code: 'homicide-rate',
    name: 'Homicide rate',
    description: 'Homicides per 100,000 residents.',
    unit: 'per 100k',
    direction: Direction.LOWER_IS_BETTER,
    kind: IndicatorKind.OUTCOME,
    methodology: `${UCR} Homicides reported by the department divided by its population, times 100,000.`,
    rights: ['life-and-security'],
  },
  {
    code: 'violent-crime-rate',
    name: 'Violent crime rate',
    description: 'Violent crimes per 100,000 residents.',
    unit: 'per 100k',
    direction: Direction.LOWER_IS_BETTER,
    kind: IndicatorKind.OUTCOME,
    methodology: `${UCR} Violent crimes reported by the department divided by its population, times 100,000.`,
    rights: ['life-and-security'],
  },
  {
    code: 'pm25-annual-mean',
    name: 'PM2.5 annual mean concentration',
    description: 'Annual mean concentration of fine particulate matter (PM2.5) in the air.',
    unit: 'µg/m³',
    direction: Direction.LOWER_IS_BETTER,
    kind: IndicatorKind.OUTCOME,
    methodology:
      'WHO Ambient Air Quality Database 2018 (v14): annual mean PM2.5 concentration in µg/m³ as reported for the city. ' +
      'The database holds the latest year each city reported, so years differ between cities (2016 for most, 2015 for some).',
    rights: ['healthy-environment'],
  },
];
