/// <reference lib="dom" />
/** The explorer's city search box: matches as you type, arrow keys, and "which one?" for namesakes. */
import { type CityRef, literal, runQuery } from './api';
import { chosen, cities, setChosen } from './cityChoice';
import { h } from './dom';
import { state, ui } from './explorerState';
import { cityLabel } from './format';
import { currentIndicator } from './indicatorPicker';
import { announce } from './messages';

let searchTimer = 0;
let searchSeq = 0;
let options: CityRef[] = [];
let active = -1;
/** Whether the user moved through the matches: Enter then means the one they moved to. */
let moved = false;

function closeOptions(): void {
  ui.options.hidden = true;
  ui.search.setAttribute('aria-expanded', 'false');
  ui.search.removeAttribute('aria-activedescendant');
  active = -1;
}

function renderOptions(): void {
  ui.options.replaceChildren(
    ...options.map((city, index) => {
      const option = h(
        'li',
        {
          id: `city-option-${index}`,
          role: 'option',
          'aria-selected': String(index === active),
          'data-slug': city.slug,
        },
        h('span', {}, cityLabel(city)),
        h('span', { class: 'country' }, city.country.name),
      );
      // mousedown would move the focus out of the box before the click lands.
      option.addEventListener('mousedown', (event) => event.preventDefault());
      option.addEventListener('click', () => choose(city));
      return option;
    }),
  );
  const open = options.length > 0;
  ui.options.hidden = !open;
  ui.search.setAttribute('aria-expanded', String(open));
  if (active >= 0) {
    ui.search.setAttribute('aria-activedescendant', `city-option-${active}`);
    document.getElementById(`city-option-${active}`)?.scrollIntoView({ block: 'nearest' });
  } else {
    ui.search.removeAttribute('aria-activedescendant');
  }
}

function choose(city: CityRef): void {
  closeWhich();
  ui.search.value = '';
  options = [];
  closeOptions();
  ui.searchHint.textContent = '';
  setChosen([...chosen, city], `Added ${cityLabel(city)}`);
  ui.search.focus();
}

async function search(text: string): Promise<void> {
  const seq = ++searchSeq;
  if (text.trim() === '') {
    options = [];
    ui.searchHint.textContent = '';
    closeOptions();
    return;
  }
  try {
    const found = await cities({ search: text.trim() }, 10);
    if (seq !== searchSeq) return;
    const taken = new Set(chosen.map((c) => c.id));
    options = found.edges.map((e) => e.node).filter((c) => !taken.has(c.id));
    active = options.length > 0 ? 0 : -1;
    moved = false;
    ui.searchHint.textContent =
      options.length === 0
        ? `No other city matches “${text.trim()}”`
        : `${options.length} ${options.length === 1 ? 'city matches' : 'cities match'}: arrow keys to move, Enter to add`;
    renderOptions();
  } catch (error) {
    if (seq === searchSeq) ui.searchHint.textContent = (error as Error).message;
  }
}

function sameName(a: CityRef, b: CityRef): boolean {
  return a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) === 0;
}

function closeWhich(): void {
  ui.which.hidden = true;
  ui.which.replaceChildren();
}

/**
 * Lists the cities of one name with their region, country and whether they have values for
 * the indicator, and adds the one the user picks.
 */
async function askWhich(namesakes: CityRef[]): Promise<void> {
  closeOptions();
  const code = state.indicator;
  const indicator = currentIndicator();
  let data: (string | null)[] = namesakes.map(() => null);
  if (code && indicator) {
    try {
      const query = `query ExplorerWhich {\n${namesakes
        .map(
          (city, i) =>
            `  c${i}: coverage(cityIds: ${literal([city.id])}, indicatorCodes: ${literal([code])}) { indicators { firstYear lastYear } }`,
        )
        .join('\n')}\n}`;
      const found =
        await runQuery<Record<string, { indicators: { firstYear: number | null; lastYear: number | null }[] }>>(query);
      data = namesakes.map((_, i) => {
        const cover = found[`c${i}`]?.indicators[0];
        return cover && cover.firstYear !== null
          ? `${indicator.name}: values ${cover.firstYear}–${cover.lastYear}`
          : `${indicator.name}: no values`;
      });
    } catch {
      // Without the coverage the question still stands; only the hint about data is lost.
    }
  }
  const name = namesakes[0].name;
  ui.which.replaceChildren(
    h('p', { id: 'city-which-title' }, `${namesakes.length} cities are called ${name}. Which one?`),
    h(
      'ul',
      {},
      ...namesakes.map((city, i) => {
        const button = h(
          'button',
          { type: 'button', 'data-slug': city.slug },
          h('span', {}, `${cityLabel(city)}, ${city.country.name}`),
          data[i] ? h('span', { class: 'data' }, data[i]) : null,
        );
        button.addEventListener('click', () => choose(city));
        return h('li', {}, button);
      }),
    ),
  );
  ui.which.hidden = false;
  ui.searchHint.textContent = '';
  announce(`${namesakes.length} cities are called ${name}: choose one`);
  ui.which.querySelector('button')?.focus();
}

export function wireSearch(): void {
  ui.search.addEventListener('input', () => {
    closeWhich();
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => void search(ui.search.value), 120);
  });
  ui.search.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (options.length === 0) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      active = (active + step + options.length) % options.length;
      moved = true;
      renderOptions();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const city = options[active];
      if (!city) return;
      const namesakes = options.filter((c) => sameName(c, city));
      // Enter on the first of several cities of one name would pick one by the order of the
      // list (two Louisvilles: the one without data came first), so ask which one is meant.
      if (!moved && namesakes.length > 1) void askWhich(namesakes);
      else choose(city);
    } else if (event.key === 'Escape') {
      if (!ui.which.hidden) {
        event.preventDefault();
        closeWhich();
      } else if (!ui.options.hidden) {
        event.preventDefault();
        closeOptions();
      } else {
        ui.search.value = '';
      }
    }
  });
  ui.search.addEventListener('blur', () => window.setTimeout(closeOptions, 150));
  ui.which.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    closeWhich();
    ui.search.focus();
  });
  ui.search.addEventListener('focus', () => {
    if (options.length > 0) renderOptions();
  });
}
