import type { GraphQLResolveInfo } from 'graphql';
import { selectedFields, selectedProperties } from '../common/lookahead';
import { CityOrderField } from './city.args';

/**
 * The City properties each field of a city reads: its own column, `countryCode` for `country`,
 * nothing beyond the id for the fields resolved from other tables. A field not listed here (one
 * another module resolves on City, or one added later) reads every column.
 */
const CITY_FIELD_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  __typename: [],
  id: [],
  slug: ['slug'],
  name: ['name'],
  asciiName: ['asciiName'],
  alternateNames: ['alternateNames'],
  region: ['region'],
  latitude: ['latitude'],
  longitude: ['longitude'],
  wikidataId: ['wikidataId'],
  geonamesId: ['geonamesId'],
  population: ['population'],
  country: ['countryCode'],
  networks: [],
  memberships: [],
  commitments: [],
  observations: [],
  latest: [],
  value: [],
};

/** The properties each ordering's cursor is made of. */
const ORDER_COLUMNS: Readonly<Record<CityOrderField, readonly string[]>> = {
  [CityOrderField.NAME]: ['name'],
  [CityOrderField.SLUG]: ['slug'],
  [CityOrderField.COUNTRY]: ['countryCode', 'name'],
  [CityOrderField.ID]: [],
};

/**
 * The columns a page of cities reads for the fields its query selects on the nodes (`path`) and
 * the ordering's cursor: the id always, undefined for every column. A 25-city dashboard asking
 * for `slug` decoded twelve columns of 26 rows, an array of names among them (issue 15).
 */
export function cityPageColumns(
  info: GraphQLResolveInfo,
  path: string[],
  order: CityOrderField,
): ReadonlySet<string> | undefined {
  return selectedProperties(selectedFields(info, path), CITY_FIELD_COLUMNS, ['id', ...ORDER_COLUMNS[order]]);
}
