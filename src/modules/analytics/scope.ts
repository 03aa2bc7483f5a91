import type { Context } from '../../context';
import type { CityFilter } from '../city/city.args';
import { checkCityFilter, cityFilterCondition } from '../city/city.filter';
import { ObservationStatus } from '../indicator/observation.entity';
import { sql } from '../common/sqlTag';
import { releaseParameter, visibleAsOf } from '../source/visibility';
import { type Warning, WarningCode } from './analytics.types';
import type { ObservationScope } from './scope.types';

export async function observationScope(
  context: Context,
  options: { filter?: CityFilter | null; releaseId: number | null; argument?: string },
): Promise<ObservationScope> {
  await checkCityFilter(context, options.filter, options.argument ?? 'filter');
  const cities = cityFilterCondition(options.filter, options.releaseId);
  return {
    where: sql`${visibleAsOf('o', releaseParameter(options.releaseId))} AND o.disaggregation = ''${
      cities ? sql` AND o.city_id IN (SELECT c.id FROM city c WHERE ${cities})` : sql.empty
    }`,
    cities,
    releaseId: options.releaseId,
  };
}

/** Warnings owed to the statuses of the values used (counts per status). */
export function statusWarnings(counts: Partial<Record<ObservationStatus, number>>): Warning[] {
  const warnings: Warning[] = [];
  const estimated = (counts.ESTIMATED ?? 0) + (counts.PROVISIONAL ?? 0);
  if (estimated > 0) {
    warnings.push({
      code: WarningCode.ESTIMATED_VALUES,
      message: `${estimated} value${estimated > 1 ? 's are' : ' is'} estimated or provisional`,
    });
  }
  if ((counts.CONVERTED ?? 0) > 0) {
    warnings.push({
      code: WarningCode.CONVERTED_VALUES,
      message: `${counts.CONVERTED} value${counts.CONVERTED === 1 ? ' was' : 's were'} converted from another unit or definition`,
    });
  }
  if ((counts.BREAK_IN_SERIES ?? 0) > 0) {
    warnings.push({
      code: WarningCode.BREAK_IN_SERIES,
      message: `${counts.BREAK_IN_SERIES} value${counts.BREAK_IN_SERIES === 1 ? ' marks' : 's mark'} a break in series: earlier values are not comparable`,
    });
  }
  return warnings;
}

export function countStatuses(statuses: Iterable<string>): Partial<Record<ObservationStatus, number>> {
  const counts: Partial<Record<ObservationStatus, number>> = {};
  for (const status of statuses) counts[status as ObservationStatus] = (counts[status as ObservationStatus] ?? 0) + 1;
  return counts;
}

export function noData(message: string): Warning {
  return { code: WarningCode.NO_DATA, message };
}

export function fewObservations(message: string): Warning {
  return { code: WarningCode.FEW_OBSERVATIONS, message };
}
