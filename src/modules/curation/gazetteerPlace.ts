import { badUserInput } from '../../errors';
import { describePlace, Gazetteer, type Place } from '../ingest/gazetteer';

/** Most candidates named in the error; the rest are counted. */
const LISTED = 5;

/**
 * The gazetteer's place for a city a curator creates with `gazetteer: true`: the one place of
 * that name (or ASCII or alternate name, ignoring case and accents) in the country, in the
 * region when one is given (GeoNames' admin-1 code, e.g. `OR`). Several places without a region,
 * or none, are BAD_USER_INPUT naming what was found: a curator's city is never a guess. Reads
 * the gazetteer for that one country only (a fraction of a second, in turns of the event loop),
 * and only for this mutation, never at server start.
 */
export async function gazetteerPlace(input: {
  name: string;
  countryCode: string;
  region?: string | null;
}): Promise<Place> {
  const gazetteer = await Gazetteer.load([input.countryCode]);
  const ref = { city: input.name, country: input.countryCode, region: input.region ?? null };
  const places = gazetteer.find(ref);
  const where = `${input.countryCode}${ref.region === null ? '' : `, region ${ref.region}`}`;
  if (places.length === 0) {
    throw badUserInput(
      `The gazetteer (GeoNames) knows no place called "${input.name}" in ${where}; ` +
        'check the name and the region (a GeoNames admin-1 code), or create the city without the gazetteer',
      { argument: 'input.name' },
    );
  }
  if (places.length > 1) {
    const listed = places.slice(0, LISTED).map(describePlace).join('; ');
    const more = places.length > LISTED ? `; and ${places.length - LISTED} more` : '';
    throw badUserInput(
      `${places.length} places called "${input.name}" in ${where} in the gazetteer (${listed}${more}): ` +
        'give the region (a GeoNames admin-1 code)',
      { argument: 'input.region' },
    );
  }
  return places[0];
}

/** The city's columns a gazetteer place fills. */
export function placeFields(place: Place) {
  return {
    region: place.region,
    geonamesId: place.geonamesId,
    latitude: place.latitude,
    longitude: place.longitude,
    population: place.population,
  };
}
