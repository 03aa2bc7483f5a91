import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The ```graphql examples of the documentation, which the tests run, GraphiQL offers as saved
 * tabs and the load test replays: README.md first, then every Markdown file under docs/ in path
 * order. A block repeated in two files (a query the README shows and docs/analytics details) is
 * one example. Only blocks fenced at the start of a line count: an indented block (a step of
 * the README's worked import example) needs that example's data first and is run by its own
 * test. scripts/build-web.mjs applies the same rule.
 */
export interface DocExample {
  /** Path from the repository root, e.g. `docs/api.md`. */
  file: string;
  query: string;
}

export function graphqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```graphql[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => m[1]);
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return markdownFiles(full);
      return name.endsWith('.md') ? [full] : [];
    });
}

export function docExamples(root: string): DocExample[] {
  const files = [path.join(root, 'README.md'), ...markdownFiles(path.join(root, 'docs'))];
  const seen = new Set<string>();
  const examples: DocExample[] = [];
  for (const file of files) {
    for (const query of graphqlBlocks(readFileSync(file, 'utf8'))) {
      if (seen.has(query)) continue;
      seen.add(query);
      examples.push({ file: path.relative(root, file).split(path.sep).join('/'), query });
    }
  }
  return examples;
}
