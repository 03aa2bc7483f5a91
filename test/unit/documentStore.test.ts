import { parse } from 'graphql';
import { documentStore } from '../../src/cache/documentStore';

describe('documentStore', () => {
  it('keeps the documents of varied query texts within its byte budget, newest first', async () => {
    // 80 bytes per source character: a 60-character query counts 4,800 bytes, so a budget of
    // 48,000 bytes holds the last 10 of them.
    const store = documentStore(48_000);
    const text = (i: number) => `# ${String(i).padStart(4, '0')}\n{ countries { code name } }`.padEnd(60, ' ');
    for (let i = 0; i < 1000; i += 1) await store.set(`k${i}`, parse(text(i)));
    expect(store.bytes()).toBe(48_000);
    expect(await store.get('k999')).toBeDefined();
    expect(await store.get('k990')).toBeDefined();
    expect(await store.get('k989')).toBeUndefined();
    expect(await store.get('k0')).toBeUndefined();
  });
});
