import type { DatasetPlan } from './dataset';
import { median, runLoad } from './load';
import type { Operation } from './scenarios';

/**
 * Issue 16's analyses at the benchmark's scale: the wall time of commitmentImpact with
 * CALLAWAY_SANTANNA (1,000 bootstrap draws and 999 permutations over every city) and of a
 * syntheticControl, each computed on the server's worker threads (src/compute/); then the
 * dashboard mix again while one such analysis after another runs, to show what the rest of the
 * traffic pays for it.
 */

export const CS_BOOTSTRAP = 1000;
export const CS_PERMUTATIONS = 999;
/** Target of issue 16: 1,000 bootstrap draws on 2,000 cities in at most 2 s. */
export const CS_TARGET_MS = 2000;

const CS = `query CallawaySantanna($indicator: String!, $seed: Int!) {
  commitmentImpact(instrument: "HRC", indicator: $indicator, window: 5, estimator: CALLAWAY_SANTANNA,
      bootstrap: ${CS_BOOTSTRAP}, permutations: ${CS_PERMUTATIONS}, seed: $seed) {
    overall { estimate standardError lower upper pValue randomizationPValue }
    eventStudy { relativeYear estimate standardError lower upper }
    summary
  }
}`;

const SYNTHETIC = `query SyntheticControl($city: ID!, $indicator: String!, $country: String!) {
  syntheticControl(city: $city, instrument: "HRC", indicator: $indicator, donors: { countryCodes: [$country] }) {
    weights { city { slug } weight }
    series { year actual synthetic gap }
    preRmspe postRmspe rmspeRatio placeboPValue summary
  }
}`;

export interface TimedAnalysis {
  description: string;
  /** Wall time of each request, as a client sees it (SQL, the worker's computation, the answer). */
  ms: number[];
  medianMs: number;
  targetMs: number | null;
  met: boolean | undefined;
}

export interface AnalysesResult {
  /** Over every city of the benchmark with values of the indicator. */
  callawaySantanna: TimedAnalysis & { cities: number };
  syntheticControl: TimedAnalysis & { donors: number };
  /** The dashboard mix while CALLAWAY_SANTANNA analyses run back to back on another connection. */
  mixWhileRunning: {
    connections: number;
    seconds: number;
    p50: number;
    p95: number;
    requestsPerSecond: number;
    errors: number;
    /** Analyses that ran during the mix, and their median wall time then. */
    analyses: number;
    analysisMedianMs: number;
  };
}

type Body = { data?: Record<string, unknown>; errors?: { message: string }[] };

async function timed(url: string, operation: Operation): Promise<{ ms: number; body: Body }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(operation),
  });
  const body = (await response.json()) as Body;
  return { ms: performance.now() - started, body };
}

function failIfErrors(what: string, body: Body): void {
  if (body.errors) throw new Error(`${what} failed: ${JSON.stringify(body.errors).slice(0, 500)}`);
}

/** Adopters of HRC between 2005 and 2018 (ten years of values before), in plan order. */
function syntheticCandidates(plan: DatasetPlan) {
  return plan.commitments
    .filter((c) => c.instrumentCode === 'HRC' && c.adoptedOn && ['ADOPTED', 'IMPLEMENTED'].includes(c.status))
    .filter((c) => {
      const year = Number(c.adoptedOn?.slice(0, 4));
      return year >= 2005 && year <= 2018;
    })
    .map((c) => plan.cities[c.cityIndex]);
}

export async function measureAnalyses(
  url: string,
  options: { plan: DatasetPlan; mix: Operation[]; connections: number; seconds: number; runs: number },
  log: (line: string) => void,
): Promise<AnalysesResult> {
  const { plan, runs } = options;
  const indicator = plan.indicators[0].code;
  const cs = (seed: number): Operation => ({ query: CS, variables: { indicator, seed } });

  // The first request starts the worker threads (the pool is made on first use): not timed.
  failIfErrors('commitmentImpact CALLAWAY_SANTANNA', (await timed(url, cs(0))).body);
  const csMs: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const { ms, body } = await timed(url, cs(run));
    failIfErrors('commitmentImpact CALLAWAY_SANTANNA', body);
    csMs.push(ms);
    log(`  CALLAWAY_SANTANNA run ${run}: ${ms.toFixed(0)} ms`);
  }

  let synthetic: { ms: number[]; donors: number; city: string } | null = null;
  for (const city of syntheticCandidates(plan).slice(0, 20)) {
    const operation = { query: SYNTHETIC, variables: { city: city.slug, indicator, country: city.countryCode } };
    const first = await timed(url, operation);
    if (first.body.errors) continue;
    const answer = first.body.data?.syntheticControl as { weights: unknown[] };
    synthetic = { ms: [], donors: answer.weights.length, city: city.slug };
    for (let run = 1; run <= runs; run++) synthetic.ms.push((await timed(url, operation)).ms);
    break;
  }
  if (!synthetic) throw new Error('no HRC adopter of 2005-2018 has a synthetic control with donors of its country');
  log(`  syntheticControl of ${synthetic.city}: ${synthetic.ms.map((v) => v.toFixed(0)).join(', ')} ms`);

  let running = true;
  const during: number[] = [];
  const background = (async () => {
    for (let seed = 1000; running; seed++) {
      const { ms, body } = await timed(url, cs(seed));
      failIfErrors('commitmentImpact CALLAWAY_SANTANNA during the mix', body);
      during.push(ms);
    }
  })();
  const load = await runLoad(url, options.mix, {
    connections: options.connections,
    seconds: options.seconds,
  }).finally(() => {
    running = false;
  });
  await background;
  log(
    `  mix while CALLAWAY_SANTANNA runs: p50 ${load.p50.toFixed(1)} ms, p95 ${load.p95.toFixed(1)} ms, ${load.requestsPerSecond.toFixed(0)} req/s; ${during.length} analyses, median ${median(during).toFixed(0)} ms`,
  );

  const csMedian = median(csMs);
  return {
    callawaySantanna: {
      description: `commitmentImpact(estimator: CALLAWAY_SANTANNA, bootstrap: ${CS_BOOTSTRAP}, permutations: ${CS_PERMUTATIONS}) of HRC on ${indicator}, window 5`,
      ms: csMs,
      medianMs: csMedian,
      targetMs: CS_TARGET_MS,
      met: plan.cities.length >= 2000 ? csMedian <= CS_TARGET_MS : undefined,
      cities: plan.cities.length,
    },
    syntheticControl: {
      description: `syntheticControl of ${synthetic.city} (HRC, ${indicator}), donors of its country, with the placebo refits`,
      ms: synthetic.ms,
      medianMs: median(synthetic.ms),
      targetMs: null,
      met: undefined,
      donors: synthetic.donors,
    },
    mixWhileRunning: {
      connections: options.connections,
      seconds: options.seconds,
      p50: load.p50,
      p95: load.p95,
      requestsPerSecond: load.requestsPerSecond,
      errors: load.errors,
      analyses: during.length,
      analysisMedianMs: median(during),
    },
  };
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The section of the report; `mixP50` is the mix's p50 on the same server with nothing else running. */
export function analysesMarkdown(a: AnalysesResult, mixP50: number | null): string {
  const mark = (met: boolean | undefined) => (met === undefined ? '' : met ? 'yes' : '**no**');
  const row = (name: string, t: TimedAnalysis, note: string) =>
    `| ${name} | ${t.description}${note} | ${ms(t.medianMs)} | ${t.ms.map(ms).join(', ')} | ${t.targetMs ? `<= ${t.targetMs} ms (2,000 cities)` : '-'} | ${mark(t.met)} |`;
  const m = a.mixWhileRunning;
  return [
    '| analysis (worker threads) | request | median ms | runs ms | target | met |',
    '| --- | --- | ---: | --- | --- | --- |',
    row('CALLAWAY_SANTANNA', a.callawaySantanna, ` (${a.callawaySantanna.cities} cities in the database)`),
    row('syntheticControl', a.syntheticControl, ` (${a.syntheticControl.donors} donors)`),
    '',
    `- Dashboard mix at ${m.connections} connections for ${m.seconds} s while CALLAWAY_SANTANNA analyses ran back to back on one more connection: p50 ${ms(m.p50)} ms${mixP50 === null ? '' : ` (${ms(mixP50)} ms with nothing else running)`}, p95 ${ms(m.p95)} ms, ${Math.round(m.requestsPerSecond)} req/s, errors ${m.errors}; ${m.analyses} analyses completed meanwhile, median ${ms(m.analysisMedianMs)} ms each.`,
  ].join('\n');
}
