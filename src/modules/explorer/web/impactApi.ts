/// <reference lib="dom" />
/**
 * The GraphQL of the explorer's impact views (issue 16): the event study of
 * `commitmentImpact(estimator: CALLAWAY_SANTANNA)`, `syntheticControl` for one adopter, and
 * the adopters of an instrument to choose that one from. Arguments are written in as literals,
 * as in api.ts, so "Copy the GraphQL query" hands over exactly what the page ran.
 */
import {
  argumentList,
  type Citation,
  CITATION_FIELDS,
  type CityRef,
  type Direction,
  EnumValue,
  type Warning,
} from './api';

const CITY_FIELDS = 'id slug name region country { code name }';

export interface Estimate {
  estimate: number;
  standardError: number | null;
  lower: number | null;
  upper: number | null;
}

export interface EventStudyResult {
  instrument: string;
  indicator: string;
  window: number;
  nAdopters: number;
  nControls: number;
  overall: (Estimate & { pValue: number | null; randomizationPValue: number | null }) | null;
  eventStudy: (Estimate & { relativeYear: number })[];
  preTrend: { statistic: number; degreesOfFreedom: number; pValue: number } | null;
  summary: string;
  warnings: Warning[];
  citation: Citation;
}

export function eventStudyQuery(instrument: string, indicator: string, window: number, asOf?: string): string {
  const args = argumentList({ estimator: new EnumValue('CALLAWAY_SANTANNA'), instrument, indicator, window, asOf });
  return `query ExplorerEventStudy {
  commitmentImpact${args} {
    instrument
    indicator
    window
    nAdopters
    nControls
    overall { estimate standardError lower upper pValue randomizationPValue }
    eventStudy { relativeYear estimate standardError lower upper }
    preTrend { statistic degreesOfFreedom pValue }
    summary
    warnings { code message }
    ${CITATION_FIELDS}
  }
}`;
}

export interface SyntheticResult {
  city: CityRef;
  indicator: { code: string; name: string; unit: string; direction: Direction };
  instrument: string;
  adoptionYear: number;
  preYears: number;
  postYears: number;
  weights: { city: CityRef; weight: number }[];
  series: { year: number; actual: number; synthetic: number; gap: number }[];
  preRmspe: number;
  postRmspe: number | null;
  rmspeRatio: number | null;
  placeboPValue: number | null;
  summary: string;
  warnings: Warning[];
  citation: Citation;
}

/** `donorCountry`: take the donors from this country only (the treated city's, as the explorer asks). */
export function syntheticQuery(
  city: string,
  instrument: string,
  indicator: string,
  donorCountry: string | null,
  asOf?: string,
): string {
  const donors = donorCountry ? { countryCodes: [donorCountry] } : undefined;
  return `query ExplorerSyntheticControl {
  syntheticControl${argumentList({ city, instrument, indicator, donors, asOf })} {
    city { ${CITY_FIELDS} }
    indicator { code name unit direction }
    instrument
    adoptionYear
    preYears
    postYears
    weights { city { ${CITY_FIELDS} } weight }
    series { year actual synthetic gap }
    preRmspe
    postRmspe
    rmspeRatio
    placeboPValue
    summary
    warnings { code message }
    ${CITATION_FIELDS}
  }
}`;
}

/** An adopter of the instrument, and how many years it has values in before and after adoption. */
export interface Adopter {
  city: CityRef;
  adoptionYear: number | null;
  nBefore: number;
  nAfter: number;
}

/**
 * The instrument's adopters, from the naive `commitmentImpact` over the widest window (20 years
 * each side): cheap, and it says which adopters have values before adoption, the ones a
 * synthetic control can be fitted for.
 */
export function adoptersQuery(instrument: string, indicator: string, asOf?: string): string {
  return `query ExplorerAdopters {
  commitmentImpact${argumentList({ instrument, indicator, window: 20, asOf })} {
    adopters { city { ${CITY_FIELDS} } adoptionYear nBefore nAfter }
  }
}`;
}

export const INSTRUMENTS_QUERY = `query ExplorerInstruments {
  instruments { code name }
}`;
