import type { Passage, TextRange } from './types.ts';

/** Abbreviations whose period does not end a sentence ("Feb. 5", "Mr. Lavrov", "No. 3"). */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'jr', 'sr', 'no', 'vs', 'etc', 'inc', 'ltd', 'co',
  'gen', 'gov', 'sen', 'rep', 'lt', 'col', 'sgt', 'capt', 'cmdr', 'adm', 'rev', 'hon', 'pres',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'approx', 'dept', 'est', 'fig', 'mt', 'ave', 'blvd', 'e.g', 'i.e', 'u.s', 'u.k', 'cf', 'al',
]); // prettier-ignore

const SENTENCE_END = /[.!?…]+["'”’»)\]]*(?=\s)/gu;

/**
 * Splits text into sentences, as ranges of the original text (trimmed of surrounding space).
 * A period after a known abbreviation or a single capital letter does not end a sentence, and
 * a line break always does.
 *
 * @example
 * splitSentences('Bashkortostan acted on Feb. 5. Others followed.')
 * // [{ start: 0, end: 30 }, { start: 31, end: 47 }]
 */
export function splitSentences(text: string, offset = 0): TextRange[] {
  const ranges: TextRange[] = [];
  let start = 0;
  const push = (end: number) => {
    const slice = text.slice(start, end);
    const leading = slice.length - slice.trimStart().length;
    const trimmed = slice.trim();
    if (trimmed !== '') {
      ranges.push({
        start: offset + start + leading,
        end: offset + start + leading + trimmed.length,
      });
    }
  };
  for (const line of lines(text)) {
    start = line.start;
    for (const match of text.slice(line.start, line.end).matchAll(SENTENCE_END)) {
      const end = line.start + match.index + match[0].length;
      if (isAbbreviation(text, line.start + match.index)) continue;
      const next = text.slice(end).match(/^\s+(\S)/u)?.[1];
      // "…the U.S. government" or "50 percent. and": a lower-case continuation is the same sentence.
      if (next !== undefined && /\p{Ll}/u.test(next)) continue;
      push(end);
      start = end;
    }
    push(line.end);
  }
  return ranges;
}

function isAbbreviation(text: string, periodIndex: number): boolean {
  if (text[periodIndex] !== '.') return false;
  // Abbreviations are short: look back a few characters, not over the whole text.
  const word =
    text.slice(Math.max(0, periodIndex - 12), periodIndex).match(/([\p{L}.]+)$/u)?.[1] ?? '';
  if (word === '') return false;
  if (/^\p{Lu}$/u.test(word)) return true; // an initial: "Radiy K. Khabirov"
  return ABBREVIATIONS.has(word.toLowerCase());
}

function lines(text: string): TextRange[] {
  const ranges: TextRange[] = [];
  let start = 0;
  for (const match of text.matchAll(/\n/gu)) {
    ranges.push({ start, end: match.index });
    start = match.index + 1;
  }
  ranges.push({ start, end: text.length });
  return ranges;
}

/** Passage sizes, in characters. */
export const PASSAGE_LIMITS = {
  /** Shorter paragraphs (headings, one-line quotes) join a neighbour: alone they answer nothing. */
  minChars: 300,
  /** Longer paragraphs are split at sentence boundaries into pieces near `targetChars`. */
  maxChars: 1200,
  targetChars: 700,
} as const;

/**
 * Bumped whenever `segmentDocument` can cut a text differently: saved indexes keep the passage
 * boundaries it produced (so loading does not segment again), and one saved by another version
 * is rebuilt.
 */
export const SEGMENTATION_VERSION = 2;

/**
 * Splits a document into passages that stand on their own: paragraphs (separated by blank
 * lines), short ones merged with a neighbour, long ones split at sentence boundaries. Each
 * passage's text is exactly `text.slice(start, end)`. A first line that repeats the `title`
 * (a text file's first line, a Markdown heading) is left out: shown as the title, it must not
 * also open the first passage. The text itself keeps it.
 *
 * @example
 * const passages = segmentDocument('doc', 'Notes\n\nFirst paragraph…\n\nSecond…', 'Notes');
 * passages[0].text; // "First paragraph…"
 */
export function segmentDocument(documentId: string, text: string, title?: string): Passage[] {
  const paragraphs = mergeShort(text, withoutTitleLine(text, paragraphRanges(text), title));
  const pieces = paragraphs.flatMap((range) => splitLong(text, range));
  return passagesAt(documentId, text, pieces);
}

/**
 * The passages of a document at ranges segmentation produced before (saved with the index).
 * Ranges that do not fit the text are refused: the saved boundaries belong to another text.
 *
 * @example
 * passagesAt('doc', text, [{ start: 0, end: 420 }, { start: 422, end: 980 }])[1].id; // "doc#2"
 */
export function passagesAt(
  documentId: string,
  text: string,
  ranges: readonly TextRange[],
): Passage[] {
  return ranges.map((range, index) => {
    if (!(range.start >= 0 && range.start < range.end && range.end <= text.length)) {
      throw new Error(`passage ${index + 1} of ${documentId} does not fit its text`);
    }
    return {
      id: `${documentId}#${index + 1}`,
      documentId,
      ordinal: index + 1,
      start: range.start,
      end: range.end,
      text: text.slice(range.start, range.end),
    };
  });
}

/** The paragraphs without a first one that only repeats the title, if others follow. */
function withoutTitleLine(
  text: string,
  paragraphs: TextRange[],
  title: string | undefined,
): TextRange[] {
  const [first, ...rest] = paragraphs;
  if (title === undefined || !first || rest.length === 0) return paragraphs;
  const line = (value: string) =>
    value
      .replace(/^#{1,6}[ \t]+/u, '')
      .replace(/[ \t#]+$/u, '')
      .replace(/\s+/gu, ' ')
      .trim()
      .toLowerCase();
  return line(text.slice(first.start, first.end)) === line(title) ? rest : paragraphs;
}

function paragraphRanges(text: string): TextRange[] {
  const ranges: TextRange[] = [];
  const pattern = /\S(?:[^\n]|\n(?![ \t]*\n))*/gu;
  for (const match of text.matchAll(pattern)) {
    const trimmed = match[0].trimEnd();
    ranges.push({ start: match.index, end: match.index + trimmed.length });
  }
  return ranges;
}

/**
 * Paragraphs that introduce the next one and say nothing alone: a heading (no sentence-ending
 * punctuation, a closing quote may follow: "‘Immunity discrimination’"), or an interviewer's
 * question, whose answer is the paragraph after it.
 */
const introducesNext = (text: string, range: TextRange) => {
  const paragraph = text.slice(range.start, range.end);
  return (
    !/[.!?:;…]["'”’»)\]]*$/u.test(paragraph) ||
    /^Question\b[^:]{0,60}:/u.test(paragraph) ||
    /\?["'”’»)]*$/u.test(paragraph)
  );
};

function mergeShort(text: string, ranges: TextRange[]): TextRange[] {
  const merged: TextRange[] = [];
  let pendingHeading: TextRange | undefined;
  for (const range of ranges) {
    const current = pendingHeading ? { start: pendingHeading.start, end: range.end } : range;
    pendingHeading = undefined;
    const short = current.end - current.start < PASSAGE_LIMITS.minChars;
    if (
      current.end - current.start < PASSAGE_LIMITS.maxChars / 2 &&
      introducesNext(text, current)
    ) {
      pendingHeading = current;
      continue;
    }
    const previous = merged.at(-1);
    const fitsPrevious =
      previous !== undefined && current.end - previous.start <= PASSAGE_LIMITS.maxChars;
    const previousShort =
      previous !== undefined && previous.end - previous.start < PASSAGE_LIMITS.minChars;
    if ((short || previousShort) && fitsPrevious && previous) {
      previous.end = current.end;
    } else {
      merged.push({ ...current });
    }
  }
  if (pendingHeading) {
    const previous = merged.at(-1);
    if (previous) previous.end = pendingHeading.end;
    else merged.push(pendingHeading);
  }
  return merged;
}

function splitLong(text: string, range: TextRange): TextRange[] {
  if (range.end - range.start <= PASSAGE_LIMITS.maxChars) return [range];
  const sentences = splitSentences(text.slice(range.start, range.end), range.start);
  const pieces: TextRange[] = [];
  let current: TextRange | undefined;
  for (const sentence of sentences) {
    if (current && sentence.end - current.start > PASSAGE_LIMITS.targetChars) {
      pieces.push(current);
      current = undefined;
    }
    current = current ? { start: current.start, end: sentence.end } : { ...sentence };
  }
  if (current) {
    const last = pieces.at(-1);
    // A short tail reads better with the sentences before it.
    if (last && current.end - current.start < PASSAGE_LIMITS.minChars) last.end = current.end;
    else pieces.push(current);
  }
  return pieces;
}
