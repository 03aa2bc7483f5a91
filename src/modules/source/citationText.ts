/**
 * A URL at the end of a citation runs into whatever follows it: "...city-crime Computed with"
 * reads as one sentence, and "...city-crime. Computed" leaves the reader (and every linkifier)
 * unsure whether the full stop belongs to the address. Angle brackets are the delimiter RFC 3986
 * (appendix C) recommends for a URI in running text, so a trailing URL is closed as "<url>.".
 */
const TRAILING_URL = /(?:<)?(https?:\/\/[^\s<>]+?)(?:>)?([.,;:]?)$/;

/** The citation as a sentence that can be followed by another: a trailing URL bracketed, a final full stop. */
export function citationSentence(citation: string): string {
  const text = citation.trim();
  const url = TRAILING_URL.exec(text);
  if (url) return `${text.slice(0, url.index)}<${url[1]}>.`;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The citation of a source that was given none: "Publisher. Title. <url>." */
export function defaultCitation(source: {
  publisher: string | null;
  title: string | null;
  url: string | null;
}): string {
  const parts = [source.publisher, source.title].filter((p): p is string => Boolean(p)).map((p) => citationSentence(p));
  if (source.url) parts.push(citationSentence(source.url));
  return parts.join(' ');
}
