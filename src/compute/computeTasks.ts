/**
 * What the compute pool's worker threads run (src/compute/computePool.ts): the CPU-heavy parts of
 * the analyses, each a pure function of plain data (typed arrays, numbers, arrays), so its input
 * and answer cross the thread boundary by structured clone. Nothing here may import the database,
 * the Context or type-graphql: a worker loads this file and what it imports, and nothing else.
 */
import { callawaySantanna, type CsInput, type CsResult } from '../modules/analytics/callawaySantanna/csInference';
import type { CsPanel } from '../modules/analytics/callawaySantanna/csEstimate';
import { fitSynthetic, type Panel, type SyntheticFit } from '../modules/analytics/syntheticControl/syntheticFit';

/** commitmentImpact(CALLAWAY_SANTANNA): the cells, the multiplier bootstrap and the permutations. */
export function callawaySantannaTask(task: { panel: CsPanel; input: CsInput }): CsResult {
  return callawaySantanna(task.panel, task.input);
}

/** syntheticControl: the treated city's fit and one refit per donor (the placebo in space). */
export function syntheticFitTask(panel: Panel): SyntheticFit {
  return fitSynthetic(panel);
}

/** The tasks by the name piscina's `run(input, { name })` calls them by. */
export interface ComputeTasks {
  callawaySantannaTask: typeof callawaySantannaTask;
  syntheticFitTask: typeof syntheticFitTask;
}
