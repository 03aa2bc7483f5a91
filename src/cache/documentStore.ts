import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * Memory for parsed and validated operations, by the heap they really take.
 *
 * Apollo keeps every distinct operation text it has validated, so a client that varies its
 * text (a random comment per request, issue 12 row 11) adds a document each time. Its default
 * store is bounded at 30 MiB of the documents' JSON, but a document's heap is about four times
 * its JSON (the parser's tokens hang off `loc`): measured 17.5 KB of heap for a 223-character
 * ranking query whose JSON is 4.2 KB, about 78 bytes per character of source. So the default
 * held ~125 MB. This store counts 80 bytes per source character, and keeps 16 MiB: thousands
 * of distinct operations, far more than any dashboard sends.
 */
export const DOCUMENT_STORE_BYTES = 16 * 1024 * 1024;
const HEAP_BYTES_PER_SOURCE_CHARACTER = 80;

/** Apollo's `documentStore` interface (a KeyValueCache), on the LRU the response cache uses too. */
export interface DocumentStore {
  get(key: string): Promise<DocumentNode | undefined>;
  set(key: string, value: DocumentNode): Promise<void>;
  delete(key: string): Promise<boolean>;
}

export function documentStore(maxBytes = DOCUMENT_STORE_BYTES): DocumentStore & { bytes(): number } {
  const cache = new LRUCache<string, DocumentNode>({
    maxSize: maxBytes,
    sizeCalculation: (document) => Math.max(1, (document.loc?.end ?? 1000) * HEAP_BYTES_PER_SOURCE_CHARACTER),
  });
  return {
    get: async (key) => cache.get(key),
    set: async (key, value) => {
      cache.set(key, value);
    },
    delete: async (key) => cache.delete(key),
    bytes: () => cache.calculatedSize,
  };
}
