/// <reference lib="dom" />
/**
 * The explorer's impact views (issue 16): the event study of every adopter of an instrument
 * (Callaway & Sant'Anna), and the synthetic control of one adopter. Each asks one query, draws
 * its chart (impactCharts.ts), the API's summary with the numbers behind it, and the tables.
 */
import { ApiError, runQuery } from './api';
import { chosen } from './cityChoice';
import { h } from './dom';
import { chartWidth, impact, state, ui } from './explorerState';
import { cityLabel, formatValue } from './format';
import {
  type Adopter,
  adoptersQuery,
  type EventStudyResult,
  eventStudyQuery,
  INSTRUMENTS_QUERY,
  syntheticQuery,
  type SyntheticResult,
} from './impactApi';
import { eventStudyChart, round, syntheticChart } from './impactCharts';
import { currentIndicator, shorten } from './indicatorPicker';

/** Donors with a weight shown in the table; the rest are counted. */
const TOP_DONORS = 10;

let instrumentsLoaded = false;
const adoptersCache = new Map<string, Adopter[]>();

async function loadInstruments(signal: AbortSignal): Promise<void> {
  if (instrumentsLoaded) return;
  const data = await runQuery<{ instruments: { code: string; name: string }[] }>(INSTRUMENTS_QUERY, signal);
  for (const select of [ui.eventInstrument, ui.syntheticInstrument]) {
    select.replaceChildren(...data.instruments.map((i) => h('option', { value: i.code }, `${i.code}: ${i.name}`)));
  }
  instrumentsLoaded = true;
}

function showInstrument(): void {
  ui.eventInstrument.value = state.instrument;
  ui.syntheticInstrument.value = state.instrument;
}

export async function loadEventStudy(signal: AbortSignal): Promise<{ result: EventStudyResult; query: string }> {
  await loadInstruments(signal);
  showInstrument();
  ui.eventWindow.value = String(state.window);
  const query = eventStudyQuery(state.instrument, state.indicator as string, state.window, state.asOf ?? undefined);
  const data = await runQuery<{ commitmentImpact: EventStudyResult }>(query, signal);
  return { result: data.commitmentImpact, query };
}

/** Which adopter to show when the link names none (or one that did not adopt): a chosen city with data, else the first with data. */
function defaultAdopter(adopters: Adopter[]): Adopter | undefined {
  const dated = adopters.filter((a) => a.adoptionYear !== null);
  const fits = (a: Adopter) => a.nBefore > 0;
  const chosenIds = new Set(chosen.map((c) => c.id));
  return (
    dated.find((a) => fits(a) && chosenIds.has(a.city.id)) ??
    dated.find((a) => fits(a) && a.nAfter > 0) ??
    dated.find(fits) ??
    dated[0]
  );
}

function fillCities(adopters: Adopter[]): void {
  ui.syntheticCity.replaceChildren(
    ...adopters.map((a) => {
      const when = a.adoptionYear === null ? 'undated' : `adopted ${a.adoptionYear}`;
      const data = a.adoptionYear === null ? '' : a.nBefore === 0 ? ', no value before' : '';
      const option = h(
        'option',
        { value: a.city.slug },
        `${cityLabel(a.city)} (${a.city.country.code}, ${when}${data})`,
      );
      option.disabled = a.adoptionYear === null;
      return option;
    }),
  );
}

export async function loadSynthetic(signal: AbortSignal): Promise<{ result: SyntheticResult; query: string }> {
  await loadInstruments(signal);
  showInstrument();
  ui.syntheticDonors.value = state.donors;
  const indicator = state.indicator as string;
  const key = `${state.instrument}|${indicator}|${state.asOf ?? ''}`;
  let adopters = adoptersCache.get(key);
  if (!adopters) {
    const data = await runQuery<{ commitmentImpact: { adopters: Adopter[] } }>(
      adoptersQuery(state.instrument, indicator, state.asOf ?? undefined),
      signal,
    );
    adopters = data.commitmentImpact.adopters;
    adoptersCache.set(key, adopters);
  }
  fillCities(adopters);
  const named = adopters.find((a) => a.city.slug === state.city);
  if (state.city !== null && (!named || named.adoptionYear === null)) {
    // Said, rather than another city shown in its place: the link may have been shared for that city.
    impact.cityLabel = named ? cityLabel(named.city) : state.city;
    throw new ApiError(
      `The link asks for the synthetic control of “${shorten(state.city)}”, which ` +
        (named ? `adopted ${state.instrument} on no known date` : `has no commitment to ${state.instrument}`) +
        ': choose one of its adopters under “City”.',
    );
  }
  const city = named ?? defaultAdopter(adopters);
  if (!city || city.adoptionYear === null) {
    impact.cityLabel = null;
    throw new ApiError(
      `No city has a dated adoption of ${state.instrument}: there is nobody to build a synthetic control for.`,
    );
  }
  state.city = city.city.slug;
  impact.cityLabel = cityLabel(city.city);
  ui.syntheticCity.value = city.city.slug;
  const donorCountry = state.donors === 'country' ? city.city.country.code : null;
  const query = syntheticQuery(city.city.slug, state.instrument, indicator, donorCountry, state.asOf ?? undefined);
  const data = await runQuery<{ syntheticControl: SyntheticResult }>(query, signal);
  return { result: data.syntheticControl, query };
}

function pText(p: number | null): string {
  if (p === null) return 'none';
  return p < 0.001 ? '< 0.001' : `= ${formatValue(round(p))}`;
}

function num(value: number | null): string {
  return value === null ? '–' : formatValue(round(value));
}

function table(id: string, caption: string, head: string[], rows: string[][], numeric: number[]): HTMLElement {
  const cell = (tag: 'th' | 'td', text: string, i: number) =>
    h(tag, { class: numeric.includes(i) ? 'num' : undefined, scope: tag === 'th' ? 'row' : undefined }, text);
  return h(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      { class: 'values', id },
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...head.map((t, i) => h('th', { scope: 'col', class: numeric.includes(i) ? 'num' : undefined }, t)),
        ),
      ),
      h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((t, i) => cell(i === 0 ? 'th' : 'td', t, i))))),
    ),
  );
}

function summary(text: string): HTMLElement {
  return h('blockquote', { class: 'impact-summary' }, text);
}

export function drawEventStudy(result: EventStudyResult): void {
  const unit = currentIndicator()?.unit ?? '';
  const chart = eventStudyChart(result.eventStudy, result.instrument, unit, chartWidth(ui.panels['event-study']));
  ui.eventChart.replaceChildren(
    chart ??
      h(
        'p',
        { class: 'no-data' },
        `No estimate: no adopter of ${result.instrument} has values on both sides of its adoption with a control to compare.`,
      ),
  );
  const facts: string[] = [
    `${result.nAdopters} adopting ${result.nAdopters === 1 ? 'city' : 'cities'} against ${result.nControls} control ${result.nControls === 1 ? 'city' : 'cities'}, ${result.window} ${result.window === 1 ? 'year' : 'years'} either side of adoption.`,
  ];
  const overall = result.overall;
  if (overall) {
    facts.push(
      `Overall effect after adoption (ATT): ${num(overall.estimate)} ${unit}` +
        (overall.lower !== null && overall.upper !== null
          ? `, 95% interval ${num(overall.lower)} to ${num(overall.upper)}`
          : '') +
        ` (bootstrap p ${pText(overall.pValue)}; shuffling adoption years, p ${pText(overall.randomizationPValue)}).`,
    );
  }
  facts.push(
    result.preTrend
      ? `Parallel trends before adoption: chi-square ${num(result.preTrend.statistic)} on ${result.preTrend.degreesOfFreedom} df, p ${pText(result.preTrend.pValue)}.`
      : 'No estimate before adoption, so parallel trends cannot be tested.',
  );
  ui.eventNote.replaceChildren(
    summary(result.summary),
    h('ul', { class: 'impact-facts' }, ...facts.map((f) => h('li', {}, f))),
    h(
      'p',
      {},
      'Dots are the adopters’ change minus the controls’ change (filled from the adoption year, hollow before it); bars are 95% intervals. ' +
        'From the adoption year (0) on, each year is compared with the year before adoption; before it, each year with the year before that, so the dots before the dashed line test whether adopters and controls moved alike.',
    ),
  );
  ui.eventTable.replaceChildren(
    table(
      'event-study-values',
      `Effect by year since adoption, in ${unit}`,
      ['Years since adoption', 'Estimate', 'Standard error', '95% interval'],
      result.eventStudy.map((p) => [
        String(p.relativeYear),
        num(p.estimate),
        num(p.standardError),
        p.lower !== null && p.upper !== null ? `${num(p.lower)} to ${num(p.upper)}` : '–',
      ]),
      [0, 1, 2],
    ),
  );
}

export function drawSynthetic(result: SyntheticResult): void {
  const city = cityLabel(result.city);
  const unit = result.indicator.unit;
  const chart = syntheticChart(result.series, result.adoptionYear, city, unit, chartWidth(ui.panels.synthetic));
  ui.syntheticChart.replaceChildren(chart ?? h('p', { class: 'no-data' }, `${city} has no value to compare.`));
  const donors = result.weights.length;
  const facts = [
    `${city} adopted ${result.instrument} in ${result.adoptionYear}: fitted on ${result.preYears} ${result.preYears === 1 ? 'year' : 'years'} before, compared over ${result.postYears} from then on, against ${donors} ${donors === 1 ? 'donor city' : 'donor cities'}.`,
    `Miss before adoption (RMSPE) ${num(result.preRmspe)} ${unit}; after ${num(result.postRmspe)}; ratio ${num(result.rmspeRatio)}.`,
    `Placebo test in space: p ${pText(result.placeboPValue)}` + (donors > 0 ? ` (never below 1/${donors + 1}).` : '.'),
  ];
  ui.syntheticNote.replaceChildren(
    summary(result.summary),
    h('ul', { class: 'impact-facts' }, ...facts.map((f) => h('li', {}, f))),
  );
  const weighted = result.weights.filter((w) => w.weight > 0);
  const shown = weighted.slice(0, TOP_DONORS);
  const zero = donors - weighted.length;
  const smaller = weighted.length - shown.length;
  const left = [
    smaller > 0 ? `${smaller} more with smaller weights` : null,
    zero > 0 ? `${zero} with weight 0` : null,
  ].filter((words): words is string => words !== null);
  ui.syntheticWeights.replaceChildren(
    table(
      'synthetic-weights-values',
      `The synthetic ${city}: donor weights, largest first`,
      ['Donor city', 'Weight'],
      shown.map((w) => [
        `${cityLabel(w.city)} (${w.city.country.code})`,
        `${formatValue(Math.round(w.weight * 1000) / 10)}%`,
      ]),
      [1],
    ),
  );
  if (left.length > 0) ui.syntheticWeights.append(h('p', { class: 'hint' }, `Donors not listed: ${left.join(', ')}.`));
  ui.syntheticTable.replaceChildren(
    table(
      'synthetic-values',
      `${city} and its synthetic control by year, in ${unit}; gap = ${city} − synthetic`,
      ['Year', city, `Synthetic ${city}`, 'Gap', 'Period'],
      result.series.map((p) => [
        String(p.year),
        formatValue(p.actual),
        num(p.synthetic),
        num(p.gap),
        p.year < result.adoptionYear ? 'before adoption (fitted)' : 'from adoption',
      ]),
      [0, 1, 2, 3],
    ),
  );
}

/** What the status line says when an impact view is drawn. */
export function impactAnnouncement(
  shown: { view: 'event-study'; result: EventStudyResult } | { view: 'synthetic'; result: SyntheticResult },
): string {
  if (shown.view === 'event-study') {
    return `${shown.result.eventStudy.length} yearly estimates over ${shown.result.nAdopters} adopting ${shown.result.nAdopters === 1 ? 'city' : 'cities'}`;
  }
  return `${cityLabel(shown.result.city)} against ${shown.result.weights.length} donor ${shown.result.weights.length === 1 ? 'city' : 'cities'}`;
}
