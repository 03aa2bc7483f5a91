/// <reference lib="dom" />
/** What the explorer tells the reader: the live status line, errors, the answer's warnings, copying. */
import type { Warning } from './api';
import { h } from './dom';
import { ui } from './explorerState';
import { WARNING_TITLES } from './format';

export function announce(message: string): void {
  // Cleared first so that the same message twice is announced twice.
  ui.status.textContent = '';
  window.setTimeout(() => (ui.status.textContent = message), 30);
}

export function showError(message: string | null): void {
  ui.error.hidden = message === null;
  ui.error.textContent = message ?? '';
}

export function renderWarnings(warnings: Warning[]): void {
  ui.warnings.replaceChildren();
  ui.warnings.hidden = warnings.length === 0;
  if (warnings.length === 0) return;
  const list = h('ul');
  for (const warning of warnings) {
    list.append(
      h(
        'li',
        { 'data-code': warning.code },
        h('strong', {}, `${WARNING_TITLES[warning.code] ?? warning.code}. `),
        warning.message,
      ),
    );
  }
  ui.warnings.append(h('h3', {}, 'Read with care'), list);
}

export async function copyText(text: string, what: string): Promise<void> {
  try {
    if (!navigator.clipboard) throw new Error('no clipboard API');
    await navigator.clipboard.writeText(text);
  } catch {
    // Pages served over plain http to another host have no clipboard API: copy the old way.
    const area = h('textarea', { 'aria-hidden': 'true', class: 'offscreen' });
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    if (!copied) {
      announce(`Could not copy the ${what}: select it on the page and copy it by hand`);
      return;
    }
  }
  announce(`Copied the ${what}`);
}
