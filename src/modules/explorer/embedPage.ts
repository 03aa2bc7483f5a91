import type { WebManifest } from './webBundle';

export const EMBED_VIEWS = ['timeline', 'ranking', 'map'] as const;
export type EmbedView = (typeof EMBED_VIEWS)[number];

/**
 * The page an `<iframe>` shows (issue 18): one chart, its title, the source line, the citation
 * with its release and a link to the full explorer. Static apart from the hashed asset names:
 * the script reads the view from the address.
 */
export function embedPage(manifest: WebManifest): string {
  const asset = (entry: string) => `/web/${manifest.files[entry]}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rightsgraph chart</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('embed-style')}">
<script defer src="${asset('embed')}"></script>
</head>
<body>
<figure id="embed" class="embed" aria-busy="true">
  <figcaption><h1 id="embed-title">Loading…</h1></figcaption>
  <div id="embed-chart" class="chart"></div>
  <p id="embed-source" class="source"></p>
  <p id="embed-citation" class="citation"></p>
  <p class="links"><a id="embed-link" href="/" target="_blank" rel="noopener">Open in the rightsgraph explorer</a></p>
</figure>
<p id="embed-error" class="error" role="alert" hidden></p>
<noscript><p>This chart needs JavaScript. The data is at <a href="/" target="_blank" rel="noopener">the rightsgraph explorer</a>.</p></noscript>
</body>
</html>
`;
}
