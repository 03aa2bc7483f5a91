import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../../context';
import { CityFilter } from '../../city/city.args';
import { syntheticControl } from './syntheticControl';
import { SyntheticControl } from './syntheticControl.types';

/** `syntheticControl`; the numbers come from syntheticControl.ts, the SQL from syntheticControl.sql.ts. */
@Resolver()
export class SyntheticControlResolver {
  @Query(() => SyntheticControl, {
    description:
      'Synthetic control for one city that adopted an instrument (Abadie, Diamond and Hainmueller 2010): the weighted mix of cities without a commitment to it that best matches the city’s values before adoption, the gap after, and the placebo test in space. At most 50 donors',
  })
  syntheticControl(
    @Ctx() context: Context,
    @Arg('city', () => ID, { description: 'The treated city: an id or a slug' }) city: string,
    @Arg('instrument', () => String, { description: 'Instrument code, e.g. CEDAW; the city must have adopted it' })
    instrument: string,
    @Arg('indicator', () => String, { description: 'Indicator code' }) indicator: string,
    @Arg('donors', () => CityFilter, {
      nullable: true,
      description:
        'The cities the donors are taken from (default: all); those with a commitment to the instrument never are',
    })
    donors?: CityFilter | null,
    @Arg('asOf', () => ID, {
      nullable: true,
      description: 'Release id: the data as it stood then (default: the newest release)',
    })
    asOf?: string | null,
  ): Promise<SyntheticControl> {
    return syntheticControl(context, { city, instrument, indicator, donors, asOf });
  }
}
