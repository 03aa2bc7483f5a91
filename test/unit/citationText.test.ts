import { citationSentence, defaultCitation } from '../../src/modules/source/citationText';

describe('citationSentence', () => {
  it.each([
    // A trailing URL is bracketed and closed, whatever punctuation or brackets it came with.
    [
      'United Nations Treaty Collection (2026). https://treaties.un.org',
      'United Nations Treaty Collection (2026). <https://treaties.un.org>.',
    ],
    ['P. T. https://example.org/a.csv.', 'P. T. <https://example.org/a.csv>.'],
    ['P. T. <https://example.org/data?x=1&y=2>', 'P. T. <https://example.org/data?x=1&y=2>.'],
    ['P. T. <https://example.org/>.', 'P. T. <https://example.org/>.'],
    // A URL inside the text is left alone; only the end needs a full stop.
    ['See https://example.org for details', 'See https://example.org for details.'],
    ['World Health Organization, 2018 update', 'World Health Organization, 2018 update.'],
    ['Already a sentence.', 'Already a sentence.'],
    ['  Padded?  ', 'Padded?'],
  ])('%j -> %j', (given, expected) => {
    expect(citationSentence(given)).toBe(expected);
  });
});

describe('defaultCitation', () => {
  it('joins publisher, title and URL as sentences, the URL bracketed', () => {
    expect(defaultCitation({ publisher: 'City of X', title: 'Open data', url: 'https://x.example/data' })).toBe(
      'City of X. Open data. <https://x.example/data>.',
    );
  });

  it('does not double a full stop and leaves out what is missing', () => {
    expect(defaultCitation({ publisher: 'Agency Inc.', title: 'Counts, 2020.', url: null })).toBe(
      'Agency Inc. Counts, 2020.',
    );
  });
});
