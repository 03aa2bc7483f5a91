/// <reference lib="dom" />
/**
 * The GraphQL IDE served at GET /graphql to browsers: GraphiQL, bundled with React and Monaco
 * by scripts/build-web.mjs so that it needs no CDN. The server writes the configuration (the
 * endpoint, the URLs of Monaco's workers and the README's examples) into the page.
 */
import { GraphiQL } from 'graphiql';
import { type ComponentProps, createElement } from 'react';
import { createRoot } from 'react-dom/client';

export interface IdeConfig {
  endpoint: string;
  workers: { editor: string; json: string; graphql: string };
  examples: { title: string; query: string }[];
}

type Fetcher = ComponentProps<typeof GraphiQL>['fetcher'];

const config = JSON.parse(document.getElementById('graphiql-config')?.textContent ?? '{}') as IdeConfig;

// Monaco asks the page for a worker per language; these are the bundled ones, same origin.
(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    if (label === 'json') return new Worker(config.workers.json);
    if (label === 'graphql') return new Worker(config.workers.graphql);
    return new Worker(config.workers.editor);
  },
};

/**
 * A JSON POST, which Apollo's CSRF prevention accepts; the headers of GraphiQL's headers
 * editor (e.g. an Authorization key for mutations) are sent along.
 */
const fetcher: Fetcher = async (params, options) => {
  const response = await fetch(config.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(options?.headers as Record<string, string> | undefined),
    },
    body: JSON.stringify(params),
  });
  return response.json();
};

const container = document.getElementById('graphiql');
if (container) {
  container.textContent = '';
  createRoot(container).render(
    createElement(GraphiQL, {
      fetcher,
      defaultTabs: config.examples.map((example) => ({ query: example.query })),
      defaultEditorToolsVisibility: false,
    }),
  );
}
