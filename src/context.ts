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

/**
 * Each module's loaders, made by the request's first read of one of them (LazyLoaders): a point
 * lookup uses two of the 31, and building all of them was 3.6% of its server CPU
 * (docs/performance.md). A group may read the loaders of another, which are then made too.
 */
const GROUPS: readonly ((dataSource: DataSource, loaders: Loaders) => object)[] = [
  (d, l) => analyticsLoaders(d, l.references),
  (d) => cityLoaders(d),
  (d, l) => commitmentLoaders(d, l.instrumentById),
  (d) => countryLoaders(d),
  (d, l) => indicatorLoaders(d, l.references),
  (d, l) => observationLoaders(d, (codes) => heldIndicatorIds(l, codes)),
  (d) => instrumentLoaders(d),
  (d) => networkLoaders(d),
  (d) => rightLoaders(d),
  (d, l) => sourceLoaders(d, l.references),
  (d, l) => referenceLoaders(d, l.references),
];

/** Every loader of a request by name, and the reference rows it sees. */
export type Loaders = ReturnType<typeof analyticsLoaders> &
  ReturnType<typeof cityLoaders> &
  ReturnType<typeof commitmentLoaders> &
  ReturnType<typeof countryLoaders> &
  ReturnType<typeof indicatorLoaders> &
  ReturnType<typeof observationLoaders> &
  ReturnType<typeof instrumentLoaders> &
  ReturnType<typeof networkLoaders> &
  ReturnType<typeof rightLoaders> &
  ReturnType<typeof sourceLoaders> &
  ReturnType<typeof referenceLoaders> & {
    /** The rows a server holds between requests (src/cache/referenceCache.ts), seen by this request. */
    readonly references: RequestReferences;
  };

/** The ids of indicators by code, when the server holds them (null when it does not). */
async function heldIndicatorIds(loaders: Loaders, codes: string[]): Promise<number[] | null> {
  if (!loaders.references.holdsRows) return null;
  const indicators = await loaders.indicatorByCode.loadMany(codes);
  return indicators.flatMap((i) => (i && !(i instanceof Error) ? [i.id] : []));
}

/** A request's loaders: each name a getter on the prototype that makes its group once. */
class LazyLoaders {
  readonly made: (object | undefined)[] = [];
  readonly references: RequestReferences;
  constructor(readonly dataSource: DataSource) {
    this.references = RequestReferences.of(dataSource);
  }
}

let named = false;
/** Defines the getters, once, from the names the groups return (two groups may not share one). */
function nameLoaders(dataSource: DataSource): void {
  const owner = new Map<string, number>();
  const sample = new LazyLoaders(dataSource) as unknown as Loaders;
  GROUPS.forEach((make, index) => {
    for (const name of Object.keys(make(dataSource, sample))) {
      if (owner.has(name) || name in sample) throw new Error(`createLoaders: two loaders named ${name}`);
      owner.set(name, index);
    }
  });
  for (const [name, index] of owner) {
    Object.defineProperty(LazyLoaders.prototype, name, {
      get(this: LazyLoaders) {
        const group = (this.made[index] ??= GROUPS[index](this.dataSource, this as unknown as Loaders));
        return (group as Record<string, unknown>)[name];
      },
    });
  }
  named = true;
}

export function createLoaders(dataSource: DataSource): Loaders {
  if (!named) nameLoaders(dataSource);
  return new LazyLoaders(dataSource) as unknown as Loaders;
}

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
