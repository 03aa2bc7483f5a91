/// <reference lib="dom" />
/** The explorer's indicator: the list to pick from, what is known about the chosen one, its years. */
import { MAX_YEAR, MIN_YEAR } from '../../common/years';
import type { IndicatorInfo } from './api';
import { h } from './dom';
import { coverage, DEFAULT_INDICATOR, state, ui } from './explorerState';
import { DIRECTION_WORDS } from './format';

/** Every indicator, as the page loaded them (start() in explorer.ts). */
export let indicators: IndicatorInfo[] = [];

export function setIndicators(list: IndicatorInfo[]): void {
  indicators = list;
}

export function currentIndicator(): IndicatorInfo | undefined {
  return indicators.find((i) => i.code === state.indicator);
}

/** Fills the indicator list; says what was wrong with the link's indicator, if anything. */
export function fillIndicators(): string | null {
  const groups = new Map<string, IndicatorInfo[]>();
  for (const indicator of indicators) {
    // An indicator of several rights is listed under the first; its description names them all.
    const group = indicator.rights[0]?.name ?? 'Context (measures no right)';
    groups.set(group, [...(groups.get(group) ?? []), indicator]);
  }
  const names = [...groups.keys()].sort((a, b) =>
    a.startsWith('Context') ? 1 : b.startsWith('Context') ? -1 : a.localeCompare(b),
  );
  ui.indicator.replaceChildren(
    ...names.map((name) =>
      h(
        'optgroup',
        { label: name },
        ...(groups.get(name) ?? []).map((indicator) =>
          h(
            'option',
            { value: indicator.code },
            `${indicator.name} (${indicator.unit}, ${DIRECTION_WORDS[indicator.direction]})`,
          ),
        ),
      ),
    ),
  );
  let problem: string | null = null;
  if (!currentIndicator()) {
    const fallback =
      indicators.find((i) => i.code === DEFAULT_INDICATOR)?.code ?? ui.indicator.querySelector('option')?.value;
    if (state.indicator !== null) {
      const near = closest(
        state.indicator,
        indicators.map((i) => i.code),
      );
      const name = indicators.find((i) => i.code === fallback)?.name ?? fallback;
      problem =
        `The link asks for the indicator “${shorten(state.indicator)}”, which does not exist` +
        (near.length > 0 ? ` (did you mean ${near.map((c) => `“${c}”`).join(' or ')}?)` : '') +
        `. Showing ${name} instead: pick another indicator above.`;
    }
    state.indicator = fallback ?? null;
  }
  ui.indicator.value = state.indicator ?? '';
  return problem;
}

/** A code from a link, short enough to quote in a message. */
export function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** The codes within a few edits of a mistyped one, closest first (at most two). */
function closest(typed: string, codes: string[]): string[] {
  const word = typed.toLowerCase().slice(0, 64);
  const distance = (a: string, b: string): number => {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i += 1) {
      const current = [i];
      for (let j = 1; j <= b.length; j += 1) {
        current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      previous = current;
    }
    return previous[b.length];
  };
  return codes
    .map((code) => ({ code, d: distance(word, code.toLowerCase()) }))
    .filter(({ code, d }) => d <= Math.max(2, Math.floor(code.length / 3)))
    .sort((a, b) => a.d - b.d || a.code.localeCompare(b.code))
    .slice(0, 2)
    .map(({ code }) => code);
}

export function describeIndicator(): void {
  const indicator = currentIndicator();
  ui.indicatorInfo.replaceChildren();
  if (!indicator) return;
  const cover = coverage.get(indicator.code);
  const facts = [
    `Unit: ${indicator.unit}`,
    `Direction: ${DIRECTION_WORDS[indicator.direction]}`,
    `Rights: ${indicator.rights.map((r) => r.name).join(', ') || 'none (context)'}`,
    cover && cover.firstYear !== null
      ? `Data: ${cover.cities} cities, ${cover.firstYear}–${cover.lastYear}`
      : 'No data yet',
  ];
  ui.indicatorInfo.append(h('span', { class: 'code' }, indicator.code), ...facts.map((f) => h('span', {}, f)));
  if (indicator.description) ui.indicatorInfo.append(h('span', { class: 'description' }, indicator.description));
  const years = yearsOf(indicator.code);
  for (const input of [ui.yearFrom, ui.yearTo]) {
    input.min = String(years[years.length - 1] ?? MIN_YEAR);
    input.max = String(years[0] ?? MAX_YEAR);
  }
}

/** The years the indicator has data in, newest first. */
export function yearsOf(code: string): number[] {
  const cover = coverage.get(code);
  if (!cover || cover.firstYear === null || cover.lastYear === null) return [];
  const years: number[] = [];
  for (let year = cover.lastYear; year >= cover.firstYear; year -= 1) years.push(year);
  return years;
}
