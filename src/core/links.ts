/** Words taken from each end of a long excerpt for a `text=start,end` fragment. */
const FRAGMENT_EDGE_WORDS = 5;

/**
 * Percent-encodes a text-fragment term as the URL Fragment Text Directives spec requires:
 * everything `encodeURIComponent` encodes, plus `-` (it marks prefix and suffix terms).
 */
function encodeFragmentTerm(text: string): string {
  return encodeURIComponent(text).replace(/-/gu, '%2D');
}

/**
 * A link that opens the source scrolled to the quoted passage and highlights it, with a URL
 * text fragment (`#:~:text=start,end`). Short quotes are matched whole; longer ones by their
 * first and last words, which keeps the URL short and survives small differences in between
 * (curly quotes, line breaks). Returns the URL unchanged when the quote has no words.
 *
 * @example
 * textFragmentUrl('https://example.org/a', 'Bashkortostan will introduce Covid-19 passports from Feb. 5');
 * // "https://example.org/a#:~:text=Bashkortostan%20will%20introduce%20Covid%2D19%20passports%20from%20Feb.%205"
 */
export function textFragmentUrl(url: string, quote: string): string {
  const words = quote.replace(/^…\s*|\s*…$/gu, '').split(/\s+/u);
  // Only the ends must be words: a fragment cannot start or end on a lone "&" or "—".
  const hasWord = (word: string) => /[\p{L}\p{N}]/u.test(word);
  while (words.length > 0 && !hasWord(words[0]!)) words.shift();
  while (words.length > 0 && !hasWord(words.at(-1)!)) words.pop();
  if (words.length === 0) return url;
  const base = url.split('#')[0] ?? url;
  // Edge punctuation (quotes, brackets, a final period) may render differently on the page.
  const first = words[0]!.replace(/^[^\p{L}\p{N}]+/u, '');
  const last = words.at(-1)!.replace(/[^\p{L}\p{N}]+$/u, '');
  const inner = words.slice(1, -1);
  const all =
    words.length === 1 ? [first.replace(/[^\p{L}\p{N}]+$/u, '')] : [first, ...inner, last];
  // An excerpt with a part left out inside ("… at least one fight … Some 2,200 people were not
  // admitted."): its text is not the page's in one piece, so it is matched by its edges.
  const gap = all.indexOf('…');
  if (all.length <= FRAGMENT_EDGE_WORDS * 2 && gap === -1) {
    return `${base}#:~:text=${encodeFragmentTerm(all.join(' '))}`;
  }
  const lastGap = all.lastIndexOf('…');
  const start = all
    .slice(0, Math.min(FRAGMENT_EDGE_WORDS, gap === -1 ? all.length : gap))
    .join(' ');
  const end = all.slice(Math.max(all.length - FRAGMENT_EDGE_WORDS, lastGap + 1)).join(' ');
  return `${base}#:~:text=${encodeFragmentTerm(start)},${encodeFragmentTerm(end)}`;
}
