import type DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { parameterisedGroupLoader } from '../common/loaders';
import type { Instrument } from '../instrument/instrument.entity';
import { rightsVia } from '../right/right.loaders';
import type { CommitmentFilter } from './commitment.args';
import { Commitment } from './commitment.entity';
import { commitmentCondition } from './commitment.sql';
import { inForceAsOf, releaseParameter } from '../source/visibility';
import { andWhereSql } from '../common/queryBuilderSql';

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
        const query = dataSource
          .getRepository(Commitment)
          .createQueryBuilder('m')
          .leftJoinAndSelect('m.instrument', 'instrument')
          .where('m.city_id = ANY(:cityIds)', { cityIds })
          .orderBy('m.adopted_on', 'ASC', 'NULLS LAST')
          .addOrderBy('m.id', 'ASC');
        andWhereSql(query, inForceAsOf('m', releaseParameter(asOf)));
        const condition = commitmentCondition(filter);
        if (condition) andWhereSql(query, condition);
        const commitments = await query.getMany();
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
