import type { WebManifest } from './webBundle';

/** JSON for a <script type="application/json"> block: nothing in it can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The GraphQL IDE's HTML (src/modules/explorer/web/graphiql.ts renders GraphiQL into it). */
export function graphiqlPage(manifest: WebManifest, endpoint: string): string {
  const asset = (entry: string) => `/web/${manifest.files[entry]}`;
  const config = {
    endpoint,
    workers: { editor: asset('editor.worker'), json: asset('json.worker'), graphql: asset('graphql.worker') },
    examples: manifest.examples,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rightsgraph GraphQL IDE</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('graphiql-style')}">
<script defer src="${asset('graphiql')}"></script>
<script type="application/json" id="graphiql-config">${scriptJson(config)}</script>
</head>
<body>
<div id="graphiql"><p class="rg-ide-loading">Loading the GraphQL IDE… (it needs JavaScript; the explorer is at <a href="/">/</a>)</p></div>
</body>
</html>
`;
}
