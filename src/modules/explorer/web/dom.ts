/// <reference lib="dom" />
/** Small DOM helpers of the explorer page. */
import { STATUS_FLAGS } from './format';

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`explorer: #${id} is missing from the page`);
  return element as T;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) element.append(child);
  return element;
}

export function flagOf(status: keyof typeof STATUS_FLAGS): HTMLElement | null {
  const flag = STATUS_FLAGS[status];
  return flag ? h('abbr', { class: 'flag', title: flag.words, 'aria-label': flag.words }, flag.flag) : null;
}
