import { ApiKey } from '../modules/auth/apiKey.entity';
import { City } from '../modules/city/city.entity';
import { Commitment } from '../modules/commitment/commitment.entity';
import { Country } from '../modules/country/country.entity';
import { Ratification } from '../modules/country/ratification.entity';
import { RatificationHistory } from '../modules/country/ratificationHistory.entity';
import { Indicator } from '../modules/indicator/indicator.entity';
import { LatestObservation } from '../modules/indicator/latestObservation.entity';
import { Observation } from '../modules/indicator/observation.entity';
import { Instrument } from '../modules/instrument/instrument.entity';
import { Network } from '../modules/network/network.entity';
import { NetworkMembership } from '../modules/network/networkMembership.entity';
import { Right } from '../modules/right/right.entity';
import { Release } from '../modules/source/release.entity';
import { Source } from '../modules/source/source.entity';

export const entities = [
  Country,
  Ratification,
  RatificationHistory,
  City,
  Network,
  NetworkMembership,
  Right,
  Instrument,
  Commitment,
  Indicator,
  Observation,
  LatestObservation,
  Source,
  Release,
  ApiKey,
];
