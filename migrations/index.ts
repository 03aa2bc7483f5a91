import { Initial1795772321346 } from './1795772321346-Initial';
import { AddApiKeys1795774497673 } from './1795774497673-AddApiKeys';
import { AddPerformanceIndexes1795777576368 } from './1795777576368-AddPerformanceIndexes';
import { AddLatestObservation1795782222833 } from './1795782222833-AddLatestObservation';
import { AddDataChangeNotifications1795782409999 } from './1795782409999-AddDataChangeNotifications';
import { IncludeNoteInLatestIndex1795782899883 } from './1795782899883-IncludeNoteInLatestIndex';
import { DropNoteFromLatestIndex1796402904672 } from './1796402904672-DropNoteFromLatestIndex';
import { FillDemoSourceLicences1796402931759 } from './1796402931759-FillDemoSourceLicences';
import { AddWorldCountriesAndTreatyStatus1796404834993 } from './1796404834993-AddWorldCountriesAndTreatyStatus';
import { AddCityPopulation1796418139415 } from './1796418139415-AddCityPopulation';
import { AddReleaseVersionedFacts1796456419887 } from './1796456419887-AddReleaseVersionedFacts';
import { AddObservationRuleFunctions1796470000000 } from './1796470000000-AddObservationRuleFunctions';
import { LeadObservationKeysWithIndicator1796490000000 } from './1796490000000-LeadObservationKeysWithIndicator';
import { PartitionObservations1796480000000 } from './1796480000000-PartitionObservations';

/** Every migration, in order. Listed explicitly so ts-jest and compiled code find the same set. */
export const migrations = [
  Initial1795772321346,
  AddApiKeys1795774497673,
  AddPerformanceIndexes1795777576368,
  AddLatestObservation1795782222833,
  AddDataChangeNotifications1795782409999,
  IncludeNoteInLatestIndex1795782899883,
  DropNoteFromLatestIndex1796402904672,
  FillDemoSourceLicences1796402931759,
  AddWorldCountriesAndTreatyStatus1796404834993,
  AddCityPopulation1796418139415,
  AddReleaseVersionedFacts1796456419887,
  AddObservationRuleFunctions1796470000000,
  PartitionObservations1796480000000,
  LeadObservationKeysWithIndicator1796490000000,
];
