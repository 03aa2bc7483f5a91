import type { WebManifest } from './webBundle';
import { MAX_YEAR, MIN_YEAR } from '../common/years';

/**
 * The explorer's HTML: the controls and the empty frames the script fills in
 * (src/modules/explorer/web/explorer.ts). Static apart from the hashed asset names: nothing of
 * the request is in it.
 */
export function explorerPage(manifest: WebManifest): string {
  const asset = (entry: string) => `/web/${manifest.files[entry]}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rightsgraph explorer</title>
<link rel="icon" href="data:,">
<meta name="description" content="Compare human-rights conditions and commitments across cities: charts, rankings and the data behind them, with sources.">
<link rel="stylesheet" href="${asset('explorer-style')}">
<script defer src="${asset('explorer')}"></script>
</head>
<body>
<a class="skip-link" href="#results">Skip to the results</a>
<header class="site-header">
  <div>
    <h1 class="brand"><span class="brand-name">rightsgraph</span> explorer</h1>
    <p class="tagline">Human-rights conditions and the commitments cities made, side by side, with their sources.</p>
  </div>
  <nav aria-label="Elsewhere">
    <a href="/graphql">GraphQL IDE</a>
  </nav>
</header>
<div class="layout">
<form id="controls" class="controls" aria-label="What to show" novalidate>
  <fieldset>
    <legend>Indicator</legend>
    <label for="indicator">Indicator, grouped by the right it measures</label>
    <select id="indicator" name="indicator" aria-describedby="indicator-info"><option>Loading…</option></select>
    <p id="indicator-info" class="facts"></p>
  </fieldset>
  <fieldset>
    <legend>Cities</legend>
    <label for="city-search">Add a city</label>
    <div class="combobox">
      <input id="city-search" type="text" role="combobox" aria-autocomplete="list" aria-expanded="false"
        aria-controls="city-options" aria-describedby="city-search-hint" autocomplete="off" spellcheck="false"
        placeholder="Type a name: wien, pitts…">
      <ul id="city-options" role="listbox" aria-label="Matching cities" hidden></ul>
    </div>
    <p id="city-search-hint" class="hint" aria-live="polite"></p>
    <div id="city-which" class="which" role="group" aria-labelledby="city-which-title" hidden></div>
    <p id="chosen-count" class="hint">No city chosen yet</p>
    <ul id="chosen-cities" class="chips" aria-label="Chosen cities"></ul>
    <div class="quick-picks" role="group" aria-labelledby="quick-picks-label">
      <p id="quick-picks-label" class="group-label">Quick picks</p>
      <button type="button" id="pick-hrc">All human rights cities</button>
      <button type="button" id="pick-cedaw">Cities with a CEDAW commitment</button>
      <button type="button" id="pick-country" disabled>Same country</button>
      <button type="button" id="pick-clear" class="quiet" disabled>Clear</button>
    </div>
  </fieldset>
  <fieldset>
    <legend>Years over time</legend>
    <div class="years">
      <label>From <input id="year-from" type="number" inputmode="numeric" min="${MIN_YEAR}" max="${MAX_YEAR}" step="1" placeholder="first"></label>
      <label>To <input id="year-to" type="number" inputmode="numeric" min="${MIN_YEAR}" max="${MAX_YEAR}" step="1" placeholder="last"></label>
    </div>
    <p class="hint">Leave empty for every year with data.</p>
  </fieldset>
</form>
<main id="results" class="results" tabindex="-1" aria-labelledby="results-title">
  <h2 id="results-title">Loading…</h2>
  <div class="tabs" role="tablist" aria-label="View">
    <button type="button" role="tab" id="tab-timeline" aria-controls="panel-timeline" aria-selected="true">Over time</button>
    <button type="button" role="tab" id="tab-ranking" aria-controls="panel-ranking" aria-selected="false" tabindex="-1">Ranking</button>
    <button type="button" role="tab" id="tab-map" aria-controls="panel-map" aria-selected="false" tabindex="-1">Map</button>
    <button type="button" role="tab" id="tab-event-study" aria-controls="panel-event-study" aria-selected="false" tabindex="-1">Event study</button>
    <button type="button" role="tab" id="tab-synthetic" aria-controls="panel-synthetic" aria-selected="false" tabindex="-1">Synthetic control</button>
  </div>
  <div id="status" class="visually-hidden" role="status" aria-live="polite"></div>
  <div id="error" class="error" role="alert" hidden></div>
  <p id="intro" class="intro" hidden>A first view: the human rights cities (every city with a human rights city
    declaration) and their homicide rates. Choose another indicator or other cities to change it.</p>
  <div id="empty" class="empty" hidden>
    <p>Choose one or more cities to compare: type a name under <a href="#city-search">Add a city</a>, or start with a quick pick.</p>
  </div>
  <section id="warnings" class="warnings" aria-label="Warnings" hidden></section>
  <section id="panel-timeline" role="tabpanel" aria-labelledby="tab-timeline" tabindex="0">
    <figure id="timeline-chart" class="chart" data-chart="timeline"></figure>
    <div id="timeline-note" class="note"></div>
    <div id="timeline-table"></div>
  </section>
  <section id="panel-ranking" role="tabpanel" aria-labelledby="tab-ranking" tabindex="0" hidden>
    <div class="ranking-controls">
      <label>Year <select id="ranking-year"></select></label>
      <label>Rank among <select id="ranking-scope">
        <option value="chosen">the chosen cities</option>
        <option value="all">all cities with a value</option>
      </select></label>
    </div>
    <figure id="ranking-chart" class="chart" data-chart="ranking"></figure>
    <div id="ranking-note" class="note"></div>
    <div id="ranking-table"></div>
  </section>
  <section id="panel-map" role="tabpanel" aria-labelledby="tab-map" tabindex="0" hidden>
    <div class="ranking-controls">
      <label>Year <select id="map-year"></select></label>
      <label>Countries by their status for <select id="map-instrument"></select></label>
      <label>Zoom to <select id="map-zoom"><option value="">the world</option></select></label>
    </div>
    <figure id="map-chart" class="chart map" data-chart="map"></figure>
    <div id="map-tip" class="map-tip" role="status" aria-live="polite" hidden></div>
    <div id="map-note" class="note"></div>
    <div id="map-table"></div>
  </section>
  <section id="panel-event-study" role="tabpanel" aria-labelledby="tab-event-study" tabindex="0" hidden>
    <p class="hint">Did the cities that adopted an instrument change differently from those that had not? Every adopter with values around its adoption year, against the cities that never adopted (Callaway &amp; Sant’Anna).</p>
    <div class="ranking-controls">
      <label>Instrument <select id="event-instrument"></select></label>
      <label>Years either side of adoption <select id="event-window">
        ${Array.from({ length: 20 }, (_, i) => `<option value="${i + 1}">${i + 1}</option>`).join('')}
      </select></label>
    </div>
    <figure id="event-chart" class="chart" data-chart="event-study"></figure>
    <div id="event-note" class="note"></div>
    <div id="event-table"></div>
  </section>
  <section id="panel-synthetic" role="tabpanel" aria-labelledby="tab-synthetic" tabindex="0" hidden>
    <p class="hint">One city that adopted an instrument against a synthetic twin: the weighted mix of cities without the commitment that best matches it before adoption (Abadie, Diamond &amp; Hainmueller).</p>
    <div class="ranking-controls">
      <label>Instrument <select id="synthetic-instrument"></select></label>
      <label>City <select id="synthetic-city"></select></label>
      <label>Donors from <select id="synthetic-donors">
        <option value="country">the city’s country</option>
        <option value="all">every country</option>
      </select></label>
    </div>
    <figure id="synthetic-chart" class="chart" data-chart="synthetic"></figure>
    <div id="synthetic-note" class="note"></div>
    <div id="synthetic-weights"></div>
    <div id="synthetic-table"></div>
  </section>
  <section id="take" class="take" aria-labelledby="take-title" hidden>
    <h3 id="take-title">Take it with you</h3>
    <div class="actions">
      <a id="download-csv" class="button" href="/export/observations.csv" download>Download the data (CSV)</a>
      <button type="button" id="copy-citation">Copy the citation</button>
      <button type="button" id="copy-query">Copy the GraphQL query</button>
      <button type="button" id="copy-link">Copy a link to this view</button>
      <button type="button" id="embed-button" aria-expanded="false" aria-controls="embed-panel">Embed this chart</button>
      <button type="button" id="download-svg">Download SVG</button>
      <button type="button" id="download-png">Download PNG</button>
    </div>
    <div id="embed-panel" class="embed-panel" hidden>
      <label for="embed-code">Paste this into a web page: the chart, pinned to the data of this release</label>
      <textarea id="embed-code" rows="4" readonly spellcheck="false"></textarea>
      <p class="hint"><button type="button" id="copy-embed">Copy the embed code</button> <a id="embed-preview" href="/embed/timeline" target="_blank" rel="noopener">Preview</a></p>
    </div>
    <figure class="citation">
      <figcaption>Cite as</figcaption>
      <blockquote id="citation-text"></blockquote>
    </figure>
    <details>
      <summary>The GraphQL query behind this view</summary>
      <pre><code id="query-text"></code></pre>
      <p class="hint">Paste it into the <a href="/graphql">GraphQL IDE</a> or POST it to <code>/graphql</code>.</p>
    </details>
  </section>
  <noscript><p class="error">The explorer needs JavaScript. The data is also at <a href="/graphql">/graphql</a> and <a href="/export/observations.csv">/export/observations.csv</a>.</p></noscript>
</main>
</div>
</body>
</html>
`;
}
