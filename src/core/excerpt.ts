import { tokenize } from './analysis.ts';
import { splitSentences } from './segment.ts';
import type { TextRange } from './types.ts';

/** Excerpts stay short enough to read at a glance and to fit several in one Discord reply. */
export const EXCERPT_MAX_CHARS = 320;

export interface Excerpt {
  text: string;
  /** Range of the excerpt in the passage's document. */
  range: TextRange;
  /** Matched words, relative to `text`. */
  marks: TextRange[];
}

/**
 * Picks the sentence (or two adjacent ones) of a passage that best answer the question: the
 * most weight of distinct question terms, the earlier sentence on ties. A lone short sentence
 * takes its neighbour for context. Too long a result is cut at word boundaries around the
 * matches, with an ellipsis where text was left out.
 *
 * @example
 * const weights = new Map([['bashkortostan', 3.2], ['passport', 1.1]]);
 * bestExcerpt(passageText, passageStart, weights).text;
 */
export function bestExcerpt(
  passage: string,
  passageStart: number,
  weights: ReadonlyMap<string, number>,
  maxChars = EXCERPT_MAX_CHARS,
): Excerpt {
  const sentences = splitSentences(passage);
  if (sentences.length === 0)
    return { text: '', range: { start: passageStart, end: passageStart }, marks: [] };
  const termsOf = sentences.map((range) => new Set(termsIn(passage.slice(range.start, range.end))));
  const weightOf = (terms: Set<string>) =>
    [...terms].reduce((sum, term) => sum + (weights.get(term) ?? 0), 0);

  let best = { first: 0, last: 0, weight: -1 };
  sentences.forEach((_, index) => {
    const single = weightOf(termsOf[index]!);
    if (single > best.weight) best = { first: index, last: index, weight: single };
  });
  // Add the neighbour that brings the most new question terms, or context for a short sentence.
  const chosen = sentences[best.first]!;
  const withNext =
    best.first + 1 < sentences.length
      ? union(termsOf[best.first]!, termsOf[best.first + 1]!)
      : undefined;
  const withPrevious =
    best.first > 0 ? union(termsOf[best.first - 1]!, termsOf[best.first]!) : undefined;
  const gainNext = withNext ? weightOf(withNext) - best.weight : -1;
  const gainPrevious = withPrevious ? weightOf(withPrevious) - best.weight : -1;
  const short = chosen.end - chosen.start < maxChars / 2.5;
  if (gainNext > 0 || gainPrevious > 0 || short) {
    if (gainNext >= gainPrevious && withNext) best.last = best.first + 1;
    else if (withPrevious) best.first -= 1;
  }
  let range: TextRange = { start: sentences[best.first]!.start, end: sentences[best.last]!.end };
  if (range.end - range.start > maxChars && best.last > best.first) {
    // Two sentences are too long together: keep the one with the matches.
    range = { start: chosen.start, end: chosen.end };
  }
  return clip(passage, passageStart, range, weights, maxChars);
}

function termsIn(text: string): string[] {
  return tokenize(text).flatMap((token) => (token.term === null ? [] : [token.term]));
}

function union(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a, ...b]);
}

/** Cuts `range` to `maxChars` around its matched words, at word boundaries, and marks them. */
function clip(
  passage: string,
  passageStart: number,
  range: TextRange,
  weights: ReadonlyMap<string, number>,
  maxChars: number,
): Excerpt {
  const tokens = tokenize(passage.slice(range.start, range.end)).map((token) => ({
    ...token,
    start: token.start + range.start,
    end: token.end + range.start,
  }));
  const matched = tokens.filter((token) => token.term !== null && weights.has(token.term));
  let start = range.start;
  let end = range.end;
  if (end - start > maxChars) {
    // Centre the window on the matches, then snap both ends to word boundaries.
    const first = matched[0]?.start ?? start;
    const last = matched.at(-1)?.end ?? first;
    const centre = Math.round((first + last) / 2);
    start = Math.max(
      range.start,
      Math.min(centre - Math.floor(maxChars / 2), range.end - maxChars),
    );
    end = Math.min(range.end, start + maxChars);
    const inside = tokens.filter((token) => token.start >= start && token.end <= end);
    start = start === range.start ? start : (inside[0]?.start ?? start);
    end = end === range.end ? end : (inside.at(-1)?.end ?? end);
  }
  const body = passage.slice(start, end).replace(/\s+/gu, ' ');
  const prefix = start > range.start ? '… ' : '';
  const suffix = end < range.end ? ' …' : '';
  const text = prefix + body + suffix;
  const marks = tokenize(body)
    .filter((token) => token.term !== null && weights.has(token.term))
    .map((token) => ({ start: token.start + prefix.length, end: token.end + prefix.length }));
  return { text, range: { start: passageStart + start, end: passageStart + end }, marks };
}
