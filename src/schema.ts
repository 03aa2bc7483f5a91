import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, getMetadataStorage } from 'type-graphql';
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
import { answerReadAhead } from './modules/indicator/nestedSeries';
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
  if (!built) {
    resolvePropertiesPlainly();
    built = buildSchema({ resolvers, validate: false }).then((schema) => {
      answerReadAhead(schema);
      return schema;
    });
  }
  return built;
}

/** The committed snapshot's text: sorted, so the file only changes when the API does. */
export function printAppSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/**
 * Fields that only read their row's property of the same name are resolved by graphql-js itself
 * (no `resolve`), not through type-graphql's wrapper, which builds a resolver-data object and
 * runs the (empty) middleware chain for every value: the peer benchmark's dashboard answer has
 * about 550 such values, the nested list of 100 cities about 2,500 (docs/performance.md, "Plain
 * fields, a warmed-up peer benchmark, ..."). This is type-graphql's own `simple` field option, set
 * here once instead of on every @Field. Not for a field exposed under another name than its
 * property (`Commitment.id` reads `lineageId`), whose wrapper reads the property, nor for one with
 * roles or middlewares (this API has neither); a field resolver (`@FieldResolver`) takes
 * precedence either way.
 */
function resolvePropertiesPlainly(): void {
  for (const field of getMetadataStorage().fields) {
    if (field.simple !== undefined || field.schemaName !== field.name) continue;
    if (field.roles?.length || field.middlewares?.length) continue;
    field.simple = true;
  }
}
