import type { ImportMetadata } from './datapackage';
import type { ImportProblem } from './importErrors';

export interface ImportOptions {
  metadata: ImportMetadata;
  /** The file's format, a name of observationReaders.ts: 'tidy-csv' (the default). */
  format?: string;
  /**
   * Create cities the file names that do not exist (never picks among cities that exist). A
   * created city takes its GeoNames id, coordinates, region and population from the gazetteer
   * when the gazetteer knows one place of that name in the country (and region, when given).
   */
  createCities?: boolean;
  /** Several places of one name in the gazetteer: 'largest' takes the most populous (reported); otherwise a problem. */
  resolve?: 'largest';
  /** false: create cities from the rows alone, without the gazetteer. */
  gazetteer?: boolean;
  /** Validate and count, then roll back. */
  dryRun?: boolean;
  description?: string;
  onProgress?: (message: string) => void;
}

export interface ImportReport {
  ok: boolean;
  problems: ImportProblem[];
  /** Problems beyond the first MAX_PROBLEMS are counted, not listed. */
  problemCount: number;
  records: number;
  missing: number;
  added: number;
  changed: number;
  unchanged: number;
  createdCities: string[];
  /** How the created cities were placed: for the curator to review. */
  places: PlacesReport;
  createdIndicators: string[];
  releaseId: number | null;
  dryRun: boolean;
  message: string;
}

/** A created city for which the gazetteer had several places and the most populous was taken. */
export interface PlaceChoice {
  city: string;
  name: string;
  country: string;
  region: string | null;
  population: number;
  geonamesId: string;
  /** Places of that name in the country the choice was made among. */
  candidates: number;
}

export interface PlacesReport {
  /** Created cities placed by the gazetteer's single match. */
  matched: string[];
  /** Created cities placed by `resolve: 'largest'`, with what was chosen. */
  largestChoices: PlaceChoice[];
  /** Created cities the gazetteer does not know (or was not asked about): made from the rows alone. */
  notInGazetteer: string[];
}

export const NO_PLACES: PlacesReport = { matched: [], largestChoices: [], notInGazetteer: [] };

export const MAX_PROBLEMS = 1000;

/** A city as the file names it; the staging table holds its index, never the text. */
export interface CityRef {
  city: string;
  country: string;
  region: string | null;
}
