import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The documentation's promises that drift silently when code moves: every dependency explained, every link alive. */
const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

function markdownFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(path.join(ROOT, file)).isDirectory()) return markdownFiles(file);
    return name.endsWith('.md') ? [file] : [];
  });
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(markdown: string): Set<string> {
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  return new Set([...prose.matchAll(/^#+ (.*)$/gm)].map((m) => anchorOf(m[1])));
}

describe('documentation', () => {
  it('explains every dependency of package.json in docs/contributing.md', () => {
    const pkg = JSON.parse(read('package.json')) as Record<string, Record<string, string>>;
    const contributing = read('docs/contributing.md');
    const names = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    expect(names.filter((name) => !contributing.includes(`\`${name}\``))).toEqual([]);
  });

  it('links only to files and headings that exist', () => {
    const files = ['README.md', 'SECURITY.md', ...markdownFiles('docs')];
    const broken: string[] = [];
    for (const file of files) {
      for (const [, link] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(link)) continue;
        const [target, anchor] = link.split('#');
        const resolved = target ? path.join(path.dirname(file), target) : file;
        if (!existsSync(path.join(ROOT, resolved))) broken.push(`${file}: ${link}`);
        else if (anchor && resolved.endsWith('.md') && !anchorsIn(read(resolved)).has(anchor)) {
          broken.push(`${file}: ${link}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('keeps the README short', () => {
    expect(read('README.md').split('\n').length).toBeLessThan(300);
  });
});
