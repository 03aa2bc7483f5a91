/// <reference lib="dom" />
/** The explorer's chosen cities: the list of chips, the quick picks, and the paged city lookup. */
import { type CitiesData, citiesQuery, type CityRef, runQuery } from './api';
import { h } from './dom';
import { actions, MAX_CITIES, state, ui } from './explorerState';
import { cityLabel, uniqueLabels } from './format';
import { announce, showError } from './messages';

/** The chosen cities, in the order chosen (state.cities holds their slugs). */
export let chosen: CityRef[] = [];

/** Sets the chosen cities as a link named them, without redrawing (start() draws once). */
export function restoreChosen(cities: CityRef[]): void {
  chosen = cities;
  state.cities = chosen.map((c) => c.slug);
}

export function setChosen(cities: CityRef[], message?: string): void {
  const seen = new Set<string>();
  chosen = cities.filter((c) => !seen.has(c.id) && seen.add(c.id)).slice(0, MAX_CITIES);
  state.cities = chosen.map((c) => c.slug);
  ui.intro.hidden = true;
  renderChosen();
  if (message) announce(message);
  void actions.refresh();
}

export function renderChosen(): void {
  const labels = uniqueLabels(chosen);
  ui.chosen.replaceChildren(
    ...chosen.map((city) => {
      const label = labels.get(city.id) as string;
      const remove = h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${label}` }, '×');
      remove.addEventListener('click', () => {
        const index = chosen.findIndex((c) => c.id === city.id);
        setChosen(
          chosen.filter((c) => c.id !== city.id),
          `Removed ${label}`,
        );
        const next = ui.chosen.querySelectorAll<HTMLButtonElement>('.chip-remove')[index] ?? ui.search;
        next.focus();
      });
      return h('li', { class: 'chip', 'data-slug': city.slug }, h('span', {}, label), remove);
    }),
  );
  ui.chosenCount.textContent =
    chosen.length === 0 ? 'No city chosen yet' : `${chosen.length} ${chosen.length === 1 ? 'city' : 'cities'} chosen`;
  ui.pickCountry.disabled = chosen.length === 0;
  ui.pickCountry.textContent =
    chosen.length === 0 ? 'Same country' : `Same country as ${cityLabel(chosen[0])} (${chosen[0].country.name})`;
  ui.pickClear.disabled = chosen.length === 0;
}

/**
 * The cities matching a filter, up to `limit`, a page at a time: the server's cost limit
 * weighs a query by the page size it asks for, so a few default-sized pages pass where one
 * page of a hundred might not.
 */
export async function cities(filter: Record<string, unknown>, limit = MAX_CITIES): Promise<CitiesData['cities']> {
  const found: CitiesData['cities'] = { totalCount: 0, edges: [], pageInfo: { hasNextPage: true, endCursor: null } };
  let after: string | null = null;
  while (found.edges.length < limit && found.pageInfo.hasNextPage) {
    const page: CitiesData['cities'] = (await runQuery<CitiesData>(citiesQuery(filter, after))).cities;
    found.totalCount = page.totalCount;
    found.edges.push(...page.edges);
    found.pageInfo = page.pageInfo;
    after = page.pageInfo.endCursor;
    if (!after) break;
  }
  found.edges = found.edges.slice(0, limit);
  return found;
}

async function quickPick(button: HTMLButtonElement, filter: Record<string, unknown>, words: string, add = false) {
  button.disabled = true;
  try {
    const found = await cities(filter);
    const picked = found.edges.map((e) => e.node);
    const more = found.totalCount > picked.length ? ` (the first ${picked.length} of ${found.totalCount})` : '';
    setChosen(add ? [...chosen, ...picked] : picked, `Chose ${picked.length} ${words}${more}`);
  } catch (error) {
    showError((error as Error).message);
  } finally {
    button.disabled = false;
    renderChosen();
  }
}

export function wirePicks(): void {
  ui.pickHrc.addEventListener('click', () =>
    quickPick(ui.pickHrc, { hasCommitment: { instrumentCodes: ['HRC'] } }, 'human rights cities'),
  );
  ui.pickCedaw.addEventListener('click', () =>
    quickPick(ui.pickCedaw, { hasCommitment: { instrumentCodes: ['CEDAW'] } }, 'cities with a CEDAW commitment'),
  );
  ui.pickCountry.addEventListener('click', () => {
    const first = chosen[0];
    if (first) {
      void quickPick(
        ui.pickCountry,
        { countryCodes: [first.country.code] },
        `cities in ${first.country.name} with ${cityLabel(first)}`,
        true,
      );
    }
  });
  ui.pickClear.addEventListener('click', () => {
    setChosen([], 'Cleared the chosen cities');
    ui.search.focus();
  });
}
