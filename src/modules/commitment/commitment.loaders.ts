import type DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { parameterisedGroupLoader } from '../common/loaders';
import { entityColumns } from '../common/entityRows';
import { query, sql } from '../common/sqlTag';
import { Instrument } from '../instrument/instrument.entity';
import { rightsVia } from '../right/right.loaders';
import type { CommitmentFilter } from './commitment.args';
import { Commitment } from './commitment.entity';
import { commitmentCondition } from './commitment.sql';
import { inForceAsOf, releaseParameter } from '../source/visibility';

export function commitmentLoaders(dataSource: DataSource, instrumentById: DataLoader<number, Instrument | null>) {
  return {
    // Commitments are almost always shown with their instrument, so the instrument comes in the
    // same statement and primes instrumentById: `commitments { instrument { code } }` costs one
    // statement, whether or not the page happens to contain commitments.
    // The versions in force as of the release asked for (null: the current ones).
    commitmentsByCity: parameterisedGroupLoader<
      { filter: CommitmentFilter | null; asOf: number | null },
      number,
      Commitment
    >(
      async (cityIds, { filter, asOf }) => {
        const condition = commitmentCondition(filter);
        // The instrument as the object instrumentById would load (its entity columns as JSON;
        // none of them is a date or timestamp, so JSON keeps every value's type), NULL for none.
        const commitments = await query<Commitment & { instrument: Instrument | null }>(
          dataSource,
          sql`SELECT ${entityColumns(dataSource, Commitment, 'm')}, row_to_json(i) AS "instrument"
              FROM commitment m
              LEFT JOIN LATERAL (SELECT ${entityColumns(dataSource, Instrument, 'ins')}
                                 FROM instrument ins WHERE ins.id = m.instrument_id) i ON true
              WHERE m.city_id = ANY(${cityIds}) AND ${inForceAsOf('m', releaseParameter(asOf))}${
                condition ? sql` AND ${condition}` : sql.empty
              }
              ORDER BY m.adopted_on ASC NULLS LAST, m.id ASC`,
        );
        for (const commitment of commitments) {
          if (commitment.instrument) instrumentById.prime(commitment.instrument.id, commitment.instrument);
        }
        return commitments;
      },
      (m) => m.cityId,
    ),
    rightsByCommitment: rightsVia(dataSource, 'commitment_right', 'commitment_id'),
  };
}
