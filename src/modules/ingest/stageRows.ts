import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { QueryRunner } from 'typeorm';
import type { FileNames } from './fileNames';
import type { ParsedRow } from './parseObservations';

/** Rows per INSERT on embedded PGlite, whose socket does not speak COPY. */
const BATCH_ROWS = 10_000;

/**
 * The staging table: each row that passed parsing, with its line, the indices of its city
 * reference and indicator code (resolved to ids set-based afterwards), and its values.
 */
const STAGING_COLUMNS = 'line, city_ref, indicator_ref, year, disaggregation, value, lower, upper, status, note';

/** COPY text format: tab-separated, \N for NULL, backslash escapes for tabs, newlines and backslashes. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (ch) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[ch]!);
}

const copyNumber = (value: number | null): string => (value === null ? '\\N' : String(value));

/** Streams the rows into the staging table while they are parsed (in batches), and numbers their names. */
export async function stageRows(
  queryRunner: QueryRunner,
  batches: AsyncIterable<ParsedRow[]>,
  names: FileNames,
  tally: { staged: number },
): Promise<void> {
  await queryRunner.query(
    `CREATE TEMP TABLE import_staging (
       line int NOT NULL, city_ref int NOT NULL, indicator_ref int NOT NULL, year smallint NOT NULL,
       disaggregation varchar(200) NOT NULL, value float8 NOT NULL, lower float8, upper float8,
       status varchar(20) NOT NULL, note text
     ) ON COMMIT DROP`,
  );
  const [{ version }] = await queryRunner.query(`SELECT version()`);
  if (!String(version).includes('PGlite')) {
    const client = (await queryRunner.connect()) as PoolClient;
    // Lines are sent in chunks of about 64 KB: one stream write per row costs more than the row.
    const chunks = async function* () {
      let chunk = '';
      for await (const rows of batches) {
        tally.staged += rows.length;
        for (const r of rows) {
          chunk += `${r.line}\t${names.city(r)}\t${names.indicator(r.indicator)}\t${r.year}\t${copyText(r.disaggregation)}\t${r.value}\t${copyNumber(r.lower)}\t${copyNumber(r.upper)}\t${r.status}\t${copyText(r.note)}\n`;
        }
        if (chunk.length >= 65_536) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk !== '') yield chunk;
    };
    await pipeline(
      Readable.from(chunks()),
      client.query(copyFrom(`COPY import_staging (${STAGING_COLUMNS}) FROM STDIN`)),
    );
  } else {
    let batch: unknown[][] = Array.from({ length: 10 }, () => []);
    const flush = async () => {
      if (batch[0].length === 0) return;
      await queryRunner.query(
        `INSERT INTO import_staging (${STAGING_COLUMNS})
         SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::smallint[], $5::varchar[], $6::float8[], $7::float8[], $8::float8[], $9::varchar[], $10::text[])`,
        batch,
      );
      batch = Array.from({ length: 10 }, () => []);
    };
    for await (const rows of batches) {
      for (const r of rows) {
        tally.staged += 1;
        const values = [
          r.line,
          names.city(r),
          names.indicator(r.indicator),
          r.year,
          r.disaggregation,
          r.value,
          r.lower,
          r.upper,
          r.status,
          r.note,
        ];
        values.forEach((v, i) => batch[i].push(v));
        if (batch[0].length >= BATCH_ROWS) await flush();
      }
    }
    await flush();
  }
  // Temporary tables are never analyzed automatically; the checks and the merge join on them.
  await queryRunner.query(`ANALYZE import_staging`);
}
