import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { type DocExample, docExamples } from '../../src/cli/docExamples';

/**
 * What a reader of README.md and docs/ is told to ask, for the tests that run it: the
 * documentation's examples (readme.test.ts, against the demo data), the worked import example
 * (workedExample.test.ts), and the same reads through PgBouncer (pgbouncer.test.ts). One module,
 * so that every test reads the documents the same way and a new example reaches all of them.
 */
export const ROOT = path.resolve(__dirname, '../..');

/** The ```graphql blocks fenced at the start of a line, README.md first (src/cli/docExamples.ts). */
export const EXAMPLES: DocExample[] = docExamples(ROOT);

/** The one operation of an example; an example with several would be ambiguous to paste. */
export function operationOf(block: string): OperationDefinitionNode {
  const operations = parse(block).definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1) throw new Error(`an example has ${operations.length} operations:\n${block}`);
  return operations[0];
}

export const isMutation = (block: string) => operationOf(block).operation === 'mutation';

/** Examples that need the worked import first say so in a comment; workedExample.test.ts runs them. */
export const needsWorkedImport = (block: string) => block.includes('workedExample.test.ts');

export const takesVariable = (block: string, name: string) =>
  (operationOf(block).variableDefinitions ?? []).some((v) => v.variable.name.value === name);

/** The examples that read the demo data as it is seeded, in the documents' order. */
export const READ_EXAMPLES: DocExample[] = EXAMPLES.filter(
  (example) => !isMutation(example.query) && !needsWorkedImport(example.query),
);

/** The first `pageInfo.endCursor` in a result, depth first: where a paging example's second page starts. */
export function endCursorIn(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const pageInfo = (value as { pageInfo?: { endCursor?: unknown } }).pageInfo;
  if (typeof pageInfo?.endCursor === 'string') return pageInfo.endCursor;
  for (const child of Object.values(value)) {
    const found = endCursorIn(child);
    if (found) return found;
  }
  return undefined;
}

const readme = () => readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The README's worked import example's query (an indented block, run after its two imports). */
export function workedExampleQuery(): string {
  const block = [...readme().matchAll(/^ *```graphql[ \t]*\r?\n([\s\S]*?)^ *```[ \t]*$/gm)]
    .map((m) => m[1].replace(/^ {3}/gm, ''))
    .find(needsWorkedImport);
  if (!block) throw new Error('README.md has no worked import example query');
  return block;
}

/** The query of the README's `curl` example (`-d '{"query": ...}'`). */
export function readmeCurlQuery(): string {
  const body = /^curl -s http:\/\/localhost:4000\/graphql [^\n]*\\\n\s*-d '(\{[^']*\})'/m.exec(readme());
  if (!body) throw new Error('README.md has no curl example of /graphql');
  return (JSON.parse(body[1]) as { query: string }).query;
}

/**
 * The exports README.md and docs/ show as `curl '<origin>/export/observations.csv?...'` (path
 * and query string), in document order: what a reader downloads, errors included.
 */
export function exportExamples(): string[] {
  const docs = (readdirSync(path.join(ROOT, 'docs'), { recursive: true }) as string[])
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => path.join(ROOT, 'docs', name));
  const urls = [path.join(ROOT, 'README.md'), ...docs].flatMap((file) =>
    [
      ...readFileSync(file, 'utf8').matchAll(
        /^curl (?:-o \S+ )?'http:\/\/localhost:4000(\/export\/observations\.csv[^']*)'/gm,
      ),
    ].map((m) => m[1]),
  );
  return [...new Set(urls)];
}
