import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { CityFilter } from '../city/city.args';
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
  ): Promise<ImpactResult> {
    return commitmentImpact(context, { instrument, indicator, window, filter, asOf });
  }
}
