import type { ObservationReader } from './observationReader';
import { sdmxCsvReader } from './sdmxCsvReader';
import { tidyCsvReader } from './tidyCsvReader';

/** The formats an observation import reads, by name: a new format is a reader file and one line here. */
const READERS: readonly ObservationReader[] = [tidyCsvReader, sdmxCsvReader];

export const DEFAULT_FORMAT = tidyCsvReader.name;

/** The media types of POST /imports whose body is a file of one of these formats. */
export const MEDIA_TYPES: readonly string[] = READERS.flatMap((r) => r.mediaTypes);

/** The format names, for usage texts and errors. */
export const FORMATS: readonly string[] = READERS.map((r) => r.name);

/** An `--format` or `format=` naming no format: the message lists them. */
export class UnknownFormatError extends Error {
  constructor(readonly format: string) {
    super(`unknown format "${format.slice(0, 40)}": the formats are ${FORMATS.join(', ')}`);
  }
}

/** The reader of a format name; UnknownFormatError when there is none. */
export function observationReader(format: string = DEFAULT_FORMAT): ObservationReader {
  const reader = READERS.find((r) => r.name === format);
  if (!reader) throw new UnknownFormatError(format);
  return reader;
}

/** The reader a media type of POST /imports selects (parameters such as `;version=2.0.0` ignored), or null. */
export function readerForMediaType(mediaType: string): ObservationReader | null {
  const type = mediaType.split(';')[0].trim().toLowerCase();
  return READERS.find((r) => r.mediaTypes.includes(type)) ?? null;
}

/** One line per format, for the CLI's help. */
export function describeFormats(indent: string): string {
  return READERS.map((r) => `${indent}${r.name.padEnd(10)} ${r.description}`).join('\n');
}
