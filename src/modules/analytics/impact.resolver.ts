import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { CityFilter } from '../city/city.args';
import {
  DEFAULT_BOOTSTRAP,
  DEFAULT_PERMUTATIONS,
  DEFAULT_SEED,
  ImpactControl,
  ImpactEstimator,
  MAX_ITERATION_CITIES,
} from './callawaySantanna/callawaySantanna.types';
import { commitmentImpact, DEFAULT_WINDOW, MAX_WINDOW, MIN_WINDOW } from './impact';
import { ImpactResult } from './impact.types';

@Resolver()
export class ImpactResolver {
  @Query(() => ImpactResult, {
    description:
      'Did cities that adopted an instrument locally change differently from cities that had not? Before/after means around each adopter’s adoption year, the same calendar windows for non-adopting controls, and the difference-in-differences',
  })
  commitmentImpact(
    @Ctx() context: Context,
    @Arg('instrument', () => String, { description: 'Instrument code, e.g. CEDAW or HRC' }) instrument: string,
    @Arg('indicator', () => String, { description: 'Indicator code, e.g. homicide-rate' }) indicator: string,
    @Arg('window', () => Int, {
      nullable: true,
      defaultValue: DEFAULT_WINDOW,
      description: `Years on each side of the adoption year, ${MIN_WINDOW} to ${MAX_WINDOW}`,
    })
    window: number | null,
    @Arg('filter', () => CityFilter, {
      nullable: true,
      description: 'Adopters and controls are both taken from these cities',
    })
    filter?: CityFilter | null,
    @Arg('asOf', () => ID, {
      nullable: true,
      description: 'Release id: the data as it stood then (default: the newest release)',
    })
    asOf?: string | null,
    @Arg('estimator', () => ImpactEstimator, { defaultValue: ImpactEstimator.NAIVE })
    estimator?: ImpactEstimator,
    @Arg('control', () => ImpactControl, {
      defaultValue: ImpactControl.NEVER_TREATED,
      description: 'CALLAWAY_SANTANNA: the comparison cities',
    })
    control?: ImpactControl,
    @Arg('bootstrap', () => Int, {
      defaultValue: DEFAULT_BOOTSTRAP,
      description: `CALLAWAY_SANTANNA: multiplier-bootstrap draws; (bootstrap + permutations) x cities at most ${MAX_ITERATION_CITIES}`,
    })
    bootstrap?: number,
    @Arg('permutations', () => Int, {
      defaultValue: DEFAULT_PERMUTATIONS,
      description: 'CALLAWAY_SANTANNA: permutations of adoption years for the randomization p-value',
    })
    permutations?: number,
    @Arg('seed', () => Int, {
      defaultValue: DEFAULT_SEED,
      description: 'CALLAWAY_SANTANNA: seed of the bootstrap and permutations (same seed, same numbers)',
    })
    seed?: number,
  ): Promise<ImpactResult> {
    return commitmentImpact(context, {
      instrument,
      indicator,
      window,
      filter,
      asOf,
      estimator,
      control,
      bootstrap,
      permutations,
      seed,
    });
  }
}
