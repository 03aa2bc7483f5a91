/// <reference lib="dom" />
/**
 * "Download SVG" and "Download PNG" (issue 18): the chart as shown, with its title, legends,
 * source line and citation drawn into one standalone image, so that it still says what it is
 * and where it comes from when it is pasted into a slide or an article.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, DejaVu Sans, sans-serif';
const PAD = 12;

export interface FigureWords {
  title: string;
  source: string;
  citation: string;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Splits text into lines of at most `chars` characters, at spaces where it can. */
function wrap(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
    while (line.length > chars) {
      lines.push(line.slice(0, chars));
      line = line.slice(chars);
    }
  }
  if (line) lines.push(line);
  return lines;
}

interface LegendItem {
  colour: string | null;
  round: boolean;
  symbol: SVGElement | null;
  words: string;
}

/** A legend entry of Plot's HTML swatches or of the map's country key. */
function legendItem(element: Element): LegendItem {
  const svg = element.querySelector('svg');
  const swatch = element.querySelector<HTMLElement>('.swatch');
  const colour = svg?.getAttribute('fill') ?? (swatch?.style.backgroundColor || null);
  return {
    colour: swatch && !swatch.style.backgroundColor ? null : colour,
    round: Boolean(swatch && swatch.style.borderRadius),
    symbol: svg && !svg.getAttribute('fill') ? svg : null,
    words: (element.textContent ?? '').trim(),
  };
}

/**
 * One SVG document: the title, each chart and ramp legend of `container` in page order (as
 * nested svg elements), the swatch legends as rows of symbols and words, then the source line
 * and the citation.
 */
export function figureSvg(container: Element, words: FigureWords): string {
  const serializer = new XMLSerializer();
  const charts = [...container.querySelectorAll('svg')].filter(
    (svg) => !svg.parentElement?.closest('svg') && !svg.closest('[class$="-swatch"], .map-status-legend'),
  );
  const width = Math.max(320, ...charts.map((svg) => Number(svg.getAttribute('width')) || 0)) + 2 * PAD;
  const chars = Math.floor((width - 2 * PAD) / 6.6);
  const parts: string[] = [];
  let y = PAD;
  const text = (line: string, size: number, weight = 'normal', fill = '#1b1f24') => {
    y += size + 4;
    parts.push(
      `<text x="${PAD}" y="${y}" font-family="${FONT}" font-size="${size}" font-weight="${weight}" fill="${fill}">${escapeXml(line)}</text>`,
    );
  };
  for (const line of wrap(words.title, Math.floor(chars * 0.8))) text(line, 16, 'bold');
  y += 6;
  const blocks = [
    ...charts.map((svg) => ({ kind: 'svg' as const, element: svg as Element })),
    ...[...container.querySelectorAll('[class$="-swatch"], .map-status-legend li')].map((element) => ({
      kind: 'item' as const,
      element,
    })),
  ].sort((a, b) => (a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  let x = PAD;
  let inRow = false;
  for (const block of blocks) {
    if (block.kind === 'svg') {
      if (inRow) y += 22;
      inRow = false;
      const svg = block.element as SVGSVGElement;
      const w = Number(svg.getAttribute('width')) || svg.getBoundingClientRect().width;
      const h = Number(svg.getAttribute('height')) || svg.getBoundingClientRect().height;
      const copy = svg.cloneNode(true) as SVGSVGElement;
      copy.setAttribute('x', String(PAD));
      copy.setAttribute('y', String(y));
      copy.setAttribute('width', String(w));
      copy.setAttribute('height', String(h));
      copy.removeAttribute('style');
      copy.setAttribute('overflow', 'visible');
      parts.push(serializer.serializeToString(copy));
      y += h + 8;
      continue;
    }
    const item = legendItem(block.element);
    const itemWidth = 22 + item.words.length * 6.6 + 14;
    if (!inRow || x + itemWidth > width - PAD) {
      if (inRow) y += 20;
      x = PAD;
      inRow = true;
    }
    if (item.symbol) {
      const copy = item.symbol.cloneNode(true) as SVGElement;
      copy.setAttribute('x', String(x));
      copy.setAttribute('y', String(y + 2));
      parts.push(serializer.serializeToString(copy));
    } else if (item.colour || item.round) {
      parts.push(
        item.round
          ? `<circle cx="${x + 7}" cy="${y + 9}" r="5.5" fill="none" stroke="#8a8f96" stroke-width="1.2"/>`
          : `<rect x="${x}" y="${y + 2}" width="14" height="14" fill="${escapeXml(item.colour ?? 'none')}" stroke="#d5dbe1"/>`,
      );
    }
    const offset = item.symbol || item.colour || item.round ? 20 : 0;
    parts.push(
      `<text x="${x + offset}" y="${y + 14}" font-family="${FONT}" font-size="12" fill="#1b1f24">${escapeXml(item.words)}</text>`,
    );
    x += offset + item.words.length * 6.6 + 14;
  }
  if (inRow) y += 24;
  for (const line of wrap(words.source, chars)) text(line, 11, 'normal', '#5a6470');
  y += 2;
  for (const line of wrap(words.citation, chars)) text(line, 11, 'normal', '#5a6470');
  const height = Math.ceil(y + PAD);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="${SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>${escapeXml(words.title)}</title>` +
    `<rect width="100%" height="100%" fill="#ffffff"/>${parts.join('')}</svg>`
  );
}

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadSvg(svg: string, name: string): void {
  save(new Blob([svg], { type: 'image/svg+xml' }), `${name}.svg`);
}

/** The SVG drawn on a canvas at twice its size: the page's policy allows data: images. */
export async function downloadPng(svg: string, name: string): Promise<void> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth * 2;
  canvas.height = image.naturalHeight * 2;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no canvas');
  context.scale(2, 2);
  context.drawImage(image, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the canvas gave no image');
  save(blob, `${name}.png`);
}

/** A file name from a title: "homicide-rate-2015-map". */
export function fileName(parts: (string | number | null)[]): string {
  return parts
    .filter((p) => p !== null && p !== '')
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}
