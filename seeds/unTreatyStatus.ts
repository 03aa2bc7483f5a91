import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { RatificationStatus } from '../src/modules/country/ratification.entity';
import type { SourceSeed } from './sources';

/**
 * Treaty status of every UN member state as of 2022-08-25: seeds/data/un-treaty-status-2022.csv
 * (attribution and quirks in seeds/data/README.md and docs/data.md).
 */
export const UN_TREATY_STATUS_FILE = 'un-treaty-status-2022.csv';

/** The date the compilation states the status as of; ratification.as_of of every row. */
export const UN_TREATY_STATUS_AS_OF = '2022-08-25';

export const UN_TREATY_STATUS_SOURCE: SourceSeed = {
  publisher: 'United Nations; compiled by the World Politics Datalab',
  title: 'Core United Nations Human Rights Instruments: Their Ratification Status (World Politics Datalab, 2022-08-25)',
  url: 'https://github.com/world-politics-datalab/humanrights-treaties-ratification-status',
  license: null,
  retrievedOn: UN_TREATY_STATUS_AS_OF,
  citation:
    'United Nations Treaty Collection, Chapter IV (Human Rights), status pages, as compiled by the World Politics ' +
    'Datalab, "Core United Nations Human Rights Instruments: Their Ratification Status", snapshot of 2022-08-25. ' +
    'https://github.com/world-politics-datalab/humanrights-treaties-ratification-status',
};

/**
 * The compilation's statuses. STATE_PARTY does not say whether by ratification or accession, so
 * it keeps its own value rather than being guessed as RATIFIED; NO_ACTION (neither signed nor
 * party) is the model's NOT_SIGNED.
 */
const STATUS: Record<string, RatificationStatus> = {
  STATE_PARTY: RatificationStatus.STATE_PARTY,
  SIGNATORY: RatificationStatus.SIGNED,
  NO_ACTION: RatificationStatus.NOT_SIGNED,
};

/**
 * The compilation writes Timor-Leste as `TP`, its ISO 3166-1 code until 2002 (now only
 * transitionally reserved); the country table, from the current standard, knows it as `TL`.
 */
const CODE_CORRECTIONS: Record<string, string> = { TP: 'TL' };

export interface TreatyStatusRow {
  countryCode: string;
  instrumentCode: string;
  status: RatificationStatus;
  year: number | null;
  note: string | null;
}

function dataFile(): string {
  // seeds/ under ts-jest, dist/seeds/ when compiled: the CSV is not copied into dist.
  const candidates = [
    path.resolve(__dirname, 'data', UN_TREATY_STATUS_FILE),
    path.resolve(__dirname, '../../seeds/data', UN_TREATY_STATUS_FILE),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`${UN_TREATY_STATUS_FILE} not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** Every row of the file; throws on a status or year it does not expect, naming the line. */
export function readUnTreatyStatus(file = dataFile()): TreatyStatusRow[] {
  // Every cell stays a string: `NA` is Namibia, not a missing value.
  const records: Record<string, string>[] = parse(readFileSync(file), { columns: true, skip_empty_lines: true });
  return records.map((record, i) => {
    const line = i + 2;
    const status = STATUS[record.status];
    if (!status) throw new Error(`${UN_TREATY_STATUS_FILE} line ${line}: unknown status "${record.status}"`);
    if (record.year !== '' && !/^(19|20)\d\d$/.test(record.year))
      throw new Error(`${UN_TREATY_STATUS_FILE} line ${line}: year "${record.year}" is not a year`);
    return {
      countryCode: CODE_CORRECTIONS[record.country] ?? record.country,
      instrumentCode: record.instrument,
      status,
      year: record.year === '' ? null : Number(record.year),
      note: record.note === '' ? null : record.note,
    };
  });
}
