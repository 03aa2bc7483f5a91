import type { DataSource } from 'typeorm';
import { rowsByKeys } from '../common/entityRows';
import { linkedLoader, uniqueLoader } from '../common/loaders';
import { rightsVia } from '../right/right.loaders';
import { Instrument } from './instrument.entity';

export function instrumentLoaders(dataSource: DataSource) {
  return {
    instrumentById: uniqueLoader<number, Instrument>(
      (ids) => rowsByKeys(dataSource, Instrument, 'id', ids),
      (i) => i.id,
    ),
    rightsByInstrument: rightsVia(dataSource, 'instrument_right', 'instrument_id'),
    instrumentsByRight: linkedLoader(dataSource, Instrument, {
      joinTable: 'instrument_right',
      ownerColumn: 'right_id',
      targetColumn: 'instrument_id',
      orderBy: 'code',
    }),
  };
}
