/// <reference lib="dom" />
/** Taking what the explorer shows elsewhere: the embed code and the chart as one SVG figure. */
import { figureSvg, fileName } from './download';
import { output, state, ui } from './explorerState';
import { viewStateQuery } from './viewState';

/** The address of the embed page for what is shown, pinned to the release the data came from. */
function embedAddress(): string {
  const release = output.shown?.result.citation.release?.id ?? state.asOf;
  const query = viewStateQuery({ ...state, view: 'timeline', asOf: release ?? null });
  return `${location.origin}/embed/${state.view}${query ? `?${query}` : ''}`;
}

/** The chart on screen as one SVG with its title, legends, source line and citation. */
export function shownFigure(): { svg: string; name: string } | null {
  if (!output.shown) return null;
  const container = {
    timeline: ui.timelineChart,
    ranking: ui.rankingChart,
    map: ui.mapChart,
    'event-study': ui.eventChart,
    synthetic: ui.syntheticChart,
  }[output.shown.view];
  if (!container.querySelector('svg')) return null;
  const citation = output.shown.result.citation;
  const sources = citation.sources.map((s) =>
    s.publisher && s.publisher !== s.title ? `${s.title} (${s.publisher})` : s.title,
  );
  const release = citation.release;
  const svg = figureSvg(container, {
    title: ui.title.textContent ?? '',
    source: `Source: ${sources.join('; ') || 'none'}`,
    citation:
      (release ? `Data as of release ${release.id} (${release.createdAt.slice(0, 10)}). ` : '') +
      `Cite as: ${citation.text}`,
  });
  if (state.view === 'event-study') return { svg, name: fileName([state.indicator, state.instrument, 'event-study']) };
  if (state.view === 'synthetic') return { svg, name: fileName([state.indicator, state.city, 'synthetic-control']) };
  const year = state.view === 'timeline' ? null : typeof state.year === 'number' ? state.year : null;
  return { svg, name: fileName([state.indicator, year, state.view === 'timeline' ? 'over-time' : state.view]) };
}

function attribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function writeEmbed(): void {
  const address = embedAddress();
  const height = state.view === 'map' ? 560 : state.view === 'ranking' ? 480 : 560;
  ui.embedCode.value =
    `<iframe src="${attribute(address)}" title="${attribute(ui.title.textContent ?? 'rightsgraph chart')}" ` +
    `width="100%" height="${height}" style="border:0;max-width:100%" loading="lazy"></iframe>`;
  ui.embedPreview.href = address;
}
