import type { DataSource } from 'typeorm';
import { RequestReferences } from './cache/referenceCache';
import type { Config } from './config';
import { ANONYMOUS, type Auth } from './modules/auth/apiKeys';
import { analyticsLoaders } from './modules/analytics/analytics.loaders';
import { cityLoaders } from './modules/city/city.loaders';
import { commitmentLoaders } from './modules/commitment/commitment.loaders';
import { countryLoaders } from './modules/country/country.loaders';
import { indicatorLoaders } from './modules/indicator/indicator.loaders';
import { observationLoaders } from './modules/indicator/observation.loaders';
import { instrumentLoaders } from './modules/instrument/instrument.loaders';
import { networkLoaders } from './modules/network/network.loaders';
import { referenceLoaders } from './modules/reference/reference.loaders';
import type { ResponseWarning } from './modules/reference/responseWarning';
import { rightLoaders } from './modules/right/right.loaders';
import { sourceLoaders } from './modules/source/source.loaders';

export function createLoaders(dataSource: DataSource) {
  const instruments = instrumentLoaders(dataSource);
  // The rows a server holds between requests (src/cache/referenceCache.ts), seen by this request.
  const references = RequestReferences.of(dataSource);
  const referenceRows = referenceLoaders(dataSource, references);
  const heldIndicatorIds = async (codes: string[]) =>
    references.holdsRows
      ? (await referenceRows.indicatorByCode.loadMany(codes)).flatMap((i) => (i && !(i instanceof Error) ? [i.id] : []))
      : null;
  return {
    references,
    ...analyticsLoaders(dataSource, references),
    ...cityLoaders(dataSource),
    ...commitmentLoaders(dataSource, instruments.instrumentById),
    ...countryLoaders(dataSource),
    ...indicatorLoaders(dataSource, references),
    ...observationLoaders(dataSource, heldIndicatorIds),
    ...instruments,
    ...networkLoaders(dataSource),
    ...rightLoaders(dataSource),
    ...sourceLoaders(dataSource, references),
    ...referenceRows,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface Context {
  dataSource: DataSource;
  config: Config;
  loaders: Loaders;
  /** Who is calling; reads need nothing, writes check it with requireRole. */
  auth: Auth;
  /** Ties the request's log lines to what the client was told (x-request-id). */
  requestId: string;
  /** Said to the client in the response's `extensions.warnings` (e.g. a city slug nobody has). */
  warnings: ResponseWarning[];
  /**
   * Aborted when the client goes away (src/requestSignal.ts): the analyses pass it to the compute
   * pool, which stops their work. Never aborted outside HTTP (tests, the export).
   */
  signal: AbortSignal;
}

/**
 * A fresh context per request: DataLoader caches live exactly as long as one request, so no
 * user ever sees another's cached rows and nothing goes stale between requests.
 */
export function createContext(
  dataSource: DataSource,
  config: Config,
  auth: Auth = ANONYMOUS,
  requestId = 'in-process',
  /** Makes the signal when first called and returns that one after (requestSignal's does). */
  signal: () => AbortSignal = neverAborted(),
): Context {
  return new RequestContext(dataSource, config, createLoaders(dataSource), auth, requestId, signal);
}

/** Outside HTTP (tests, the export): a signal of the context's own that nothing aborts, made when first read. */
function neverAborted(): () => AbortSignal {
  let signal: AbortSignal | undefined;
  return () => (signal ??= new AbortController().signal);
}

/**
 * The signal is made when first read (src/requestSignal.ts), by a getter on the prototype: Apollo
 * Server copies the context's own properties into a new object per operation (`Object.assign`),
 * which would read an own getter; the copy shares `makeSignal`, which returns one signal, so both see it.
 */
class RequestContext implements Context {
  warnings: ResponseWarning[] = [];
  constructor(
    readonly dataSource: DataSource,
    readonly config: Config,
    readonly loaders: Loaders,
    readonly auth: Auth,
    readonly requestId: string,
    readonly makeSignal: () => AbortSignal,
  ) {}

  get signal(): AbortSignal {
    return this.makeSignal();
  }
}
