import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AnalyticsResolver } from './modules/analytics/analytics.resolver';
import { CompareResolver } from './modules/analytics/compare.resolver';
import { ImpactResolver } from './modules/analytics/impact.resolver';
import { RankingResolver } from './modules/analytics/ranking.resolver';
import { StatisticsResolver } from './modules/analytics/statistics.resolver';
import { SyntheticControlResolver } from './modules/analytics/syntheticControl/syntheticControl.resolver';
import { TrendResolver } from './modules/analytics/trend/trend.resolver';
import { CityResolver } from './modules/city/city.resolver';
import { CommitmentResolver } from './modules/commitment/commitment.resolver';
import { CountryResolver, RatificationHistoryResolver, RatificationResolver } from './modules/country/country.resolver';
import { CurationResolver } from './modules/curation/curation.resolver';
import { IndicatorResolver } from './modules/indicator/indicator.resolver';
import { ObservationResolver } from './modules/indicator/observation.resolver';
import { InstrumentResolver } from './modules/instrument/instrument.resolver';
import { NetworkMembershipResolver, NetworkResolver } from './modules/network/network.resolver';
import { RightResolver } from './modules/right/right.resolver';
import { ReleaseResolver, SourceResolver } from './modules/source/source.resolver';

export const resolvers = [
  AnalyticsResolver,
  CompareResolver,
  ImpactResolver,
  RankingResolver,
  StatisticsResolver,
  SyntheticControlResolver,
  TrendResolver,
  CityResolver,
  CommitmentResolver,
  CountryResolver,
  CurationResolver,
  RatificationResolver,
  RatificationHistoryResolver,
  IndicatorResolver,
  ObservationResolver,
  InstrumentResolver,
  NetworkResolver,
  NetworkMembershipResolver,
  RightResolver,
  SourceResolver,
  ReleaseResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

/** The schema is pure code, so it is built once per process and shared by every server. */
export function buildAppSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({ resolvers, validate: false });
  return built;
}

/** The committed snapshot's text: sorted, so the file only changes when the API does. */
export function printAppSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
