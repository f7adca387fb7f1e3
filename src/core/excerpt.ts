import { tokenize, type Token } from './analysis.ts';
import { FOLLOWING_KINDS, holdsAnswer, type AnswerKind } from './answer-kind.ts';
import { splitSentences } from './segment.ts';
import type { TextRange } from './types.ts';

/** Excerpts stay short enough to read at a glance and to fit several in one Discord reply. */
export const EXCERPT_MAX_CHARS = 400;

/**
 * How sentences are weighed against each other, as shares of the best single sentence's
 * question-word weight. Tuned on `bench/questions.json` only; `npm run bench` reports the
 * held-out sets beside it.
 */
export const EXCERPT_RULES = {
  /** A sentence holding the kind of answer asked for (a number for "how many"). */
  answerKind: 0.3,
  /** A stretch made only of questions (an interviewer's) has not answered anything yet. */
  onlyQuestions: 0.5,
  /** Length costs a little, so a longer stretch has to bring something. */
  length: 0.05,
  /** A stretch this much shorter than the limit takes the next sentence as context. */
  shortShare: 0.5,
  /**
   * Any other stretch shown whole takes the next sentence too when both fit in this share of the
   * limit. Tuned for answer shown on `bench/questions.json` (none → 1.25: 80.4 → 84.3 % with the
   * statement and outcome kinds).
   */
  contextShare: 1.25,
  /** A name cut at the end of an excerpt is completed when this few characters finish it. */
  nameOverflow: 40,
  /**
   * A run of sentences longer than the limit may still be shown when its longest sentence, cut
   * around its matched words, keeps at least this share of the limit: a short answer right
   * after a long sentence ("Some 2,200 people were not admitted.") is then shown whole.
   */
  clippedShare: 0.5,
} as const;

/** What an ellipsis between two kept parts of a run costs in characters (" … "). */
const GAP = 3;

/** A passage beside the cited one: its text and where it starts in the document. */
export interface Neighbour {
  text: string;
  start: number;
}

/** The passages before and after the cited one, for context across their boundary. */
export interface Neighbours {
  before?: Neighbour | undefined;
  after?: Neighbour | undefined;
}

/** What the question asks for, so the excerpt can show the sentence that answers. */
export interface ExcerptFocus {
  kind: AnswerKind;
  /** The question's own words, lower case: they do not count as an answer. */
  questionWords: ReadonlySet<string>;
  /**
   * The question term each alternative stands for ("russian" → "russia", "vaccin" → "jab"): a
   * run holding a word and its alternative counts that question word once.
   */
  termOf?: ReadonlyMap<string, string>;
}

export const NO_FOCUS: ExcerptFocus = { kind: 'other', questionWords: new Set() };

export interface Excerpt {
  text: string;
  /** Range of the excerpt in the passage's document. */
  range: TextRange;
  /** Matched words, relative to `text`. */
  marks: TextRange[];
  /** The weighted terms that occur in `text`. */
  terms: ReadonlySet<string>;
}

interface Sentence {
  range: TextRange;
  terms: Set<string>;
  asks: boolean;
  readonly holds: boolean;
}

/**
 * Picks the run of adjacent sentences of a passage that best answers the question: the most
 * weight of distinct question terms, more when a sentence holds the kind of answer asked for
 * (a date for "when", a number for "how many", a name for "who", a cause for "why"), less when
 * the run is only a question being asked. The run fits `maxChars` unless one sentence is longer;
 * it then takes the sentence beside it as context (`contextShare`), from the passage `around` it
 * when the run is at the passage's edge. A long sentence is cut at word boundaries around the
 * matches, with an ellipsis where text was left out, never inside a name. `sentenceTerms`, the
 * terms of each sentence as `analyzePassage` found them, saves tokenizing the passage again.
 *
 * @example
 * const weights = new Map([['bashkortostan', 3.2], ['dose', 1.1]]);
 * bestExcerpt(passageText, passageStart, weights, {
 *   kind: 'number', questionWords: new Set(['how', 'many', 'doses', 'bashkortostan']),
 * }).text;
 */
export function bestExcerpt(
  passage: string,
  passageStart: number,
  weights: ReadonlyMap<string, number>,
  focus: ExcerptFocus = NO_FOCUS,
  maxChars = EXCERPT_MAX_CHARS,
  sentenceTerms?: ReadonlyArray<ReadonlySet<string>>,
  around: Neighbours = {},
): Excerpt {
  const ranges = splitSentences(passage);
  // The passage's analysis has each sentence's terms already: tokenizing them again was a
  // third of an excerpt.
  const known = sentenceTerms?.length === ranges.length ? sentenceTerms : undefined;
  const sentences: Sentence[] = ranges.map((range, index) => {
    const text = passage.slice(range.start, range.end);
    let holds: boolean | undefined;
    return {
      range,
      terms: new Set(
        known
          ? [...known[index]!].filter((term) => weights.has(term))
          : termsIn(text).filter((term) => weights.has(term)),
      ),
      asks: asks(text),
      // Worked out only for the sentences a run asks about.
      get holds() {
        holds ??= holdsAnswer(focus.kind, text, focus.questionWords);
        return holds;
      },
    };
  });
  if (sentences.length === 0)
    return {
      text: '',
      range: { start: passageStart, end: passageStart },
      marks: [],
      terms: new Set(),
    };
  const weightOf = (terms: Iterable<string>) => distinctWeight(terms, weights, focus.termOf);
  const scale = Math.max(...sentences.map((sentence) => weightOf(sentence.terms)), 1e-6);
  const lengthOf = (first: number, last: number) =>
    sentences[last]!.range.end - sentences[first]!.range.start;
  // A run fits when it is within the limit, or when cutting its longest sentence makes it so
  // and leaves that sentence `clippedShare` of the limit.
  const fits = (first: number, last: number) => {
    const length = lengthOf(first, last);
    if (length <= maxChars || first === last) return true;
    const longest = Math.max(
      ...sentences.slice(first, last + 1).map(({ range }) => range.end - range.start),
    );
    return maxChars - (length - longest) - GAP >= maxChars * EXCERPT_RULES.clippedShare;
  };

  // The question terms a run shows: a run over the limit loses those its cut leaves out.
  const termsShown = (run: readonly Sentence[]) => {
    const ranges = run.map((sentence) => sentence.range);
    const longest = longestOf(ranges);
    const kept = cutRun(passage, ranges, weights, maxChars, focus.termOf);
    const terms = new Set<string>();
    for (const sentence of run) {
      if (sentence.range !== longest || kept.range === longest) {
        for (const term of sentence.terms) terms.add(term);
        continue;
      }
      for (const token of tokensOf(passage, kept.range))
        if (token.term !== null && weights.has(token.term)) terms.add(token.term);
    }
    return terms;
  };
  const following = FOLLOWING_KINDS.has(focus.kind);
  const sentenceWeights = following ? sentences.map((sentence) => weightOf(sentence.terms)) : [];
  let best = { first: 0, last: 0, score: Number.NEGATIVE_INFINITY };
  for (let first = 0; first < sentences.length; first += 1) {
    // The run first…last grows one sentence at a time; its terms keep the order of first use.
    const union = new Set<string>();
    let onlyQuestions = true;
    let answers = false;
    let checked = first; // the sentences of the run before this one do not answer
    // For a following kind: the run's heaviest sentence so far, and whether a statement follows it.
    let heaviest = Number.NEGATIVE_INFINITY;
    let followed = false;
    for (let last = first; last < sentences.length; last += 1) {
      if (!fits(first, last)) break;
      const sentence = sentences[last]!;
      for (const term of sentence.terms) union.add(term);
      onlyQuestions &&= sentence.asks;
      if (following) {
        if (sentenceWeights[last]! > heaviest) {
          heaviest = sentenceWeights[last]!;
          followed = false;
        } else if (!sentence.asks) followed = true;
      }
      // Within the limit a run shows every term of its sentences, the union built so far.
      const terms =
        lengthOf(first, last) <= maxChars ? union : termsShown(sentences.slice(first, last + 1));
      if (terms.size === 0) continue;
      // Only a run shown whole: a cut would keep the sentence that names the subject and lose
      // the statement inside it ("…where he said 'This idea has received…'").
      if (following) answers = followed && lengthOf(first, last) <= maxChars;
      while (!following && !answers && checked <= last) {
        const next = sentences[checked++]!;
        answers = !next.asks && next.holds;
      }
      let score = weightOf(terms);
      if (answers) score += EXCERPT_RULES.answerKind * scale;
      if (onlyQuestions) score -= EXCERPT_RULES.onlyQuestions * scale;
      score -= EXCERPT_RULES.length * scale * (lengthOf(first, last) / maxChars);
      if (score > best.score) best = { first, last, score };
    }
  }
  if (best.score === Number.NEGATIVE_INFINITY) best = { first: 0, last: 0, score: 0 };
  // A run at an edge of its passage may take its context from the passage beside it: passages
  // are cut from one text, and an answer runs on across the cut ("Sergey Lavrov: …" ending one
  // passage, "I believe such parallels are absolutely irrelevant." starting the next).
  const before = best.first === 0 ? edgeSentence(around.before, 'last', passageStart) : undefined;
  const after =
    best.last === sentences.length - 1
      ? edgeSentence(around.after, 'first', passageStart + passage.length)
      : undefined;
  // The text the excerpt is cut from: the passage, with those sentences where they stand in the
  // document (the space between passages kept as spaces, so offsets stay the document's).
  let text = passage;
  let textStart = passageStart;
  if (before || after) {
    textStart = before?.start ?? passageStart;
    const shift = passageStart - textStart;
    const passageEnd = passageStart + passage.length;
    text =
      (before ? before.text + ' '.repeat(passageStart - before.end) : '') +
      passage +
      (after ? ' '.repeat(after.start - passageEnd) + after.text : '');
    for (const sentence of sentences)
      sentence.range = { start: sentence.range.start + shift, end: sentence.range.end + shift };
    const outsideSentence = (start: number, sentenceText: string): Sentence => ({
      range: { start: start - textStart, end: start - textStart + sentenceText.length },
      terms: new Set(termsIn(sentenceText).filter((term) => weights.has(term))),
      asks: asks(sentenceText),
      holds: false,
    });
    if (before) {
      sentences.unshift(outsideSentence(before.start, before.text));
      best.first += 1;
      best.last += 1;
    }
    if (after) sentences.push(outsideSentence(after.start, after.text));
  }
  // A run shown whole takes the sentence after it, shown whole too, when both fit in
  // `contextShare` of the limit: the answer is often the sentence after the one that repeats
  // the question ("…at least one fight broke out." "One conductor had her nose broken."). It
  // takes the sentence before it instead when that one holds question words and the next holds
  // none ("Holders get discounts at retailers." before "The passport allows discounted
  // bookings…", then a heading). A short run at the end of its passage takes the previous one.
  let shown = maxChars;
  const whole = lengthOf(best.first, best.last) <= maxChars;
  const withContext = (first: number, last: number) =>
    whole && lengthOf(first, last) <= maxChars * EXCERPT_RULES.contextShare;
  const next = sentences[best.last + 1];
  const previous = sentences[best.first - 1];
  if (
    previous !== undefined &&
    previous.terms.size > 0 &&
    (next === undefined || next.terms.size === 0) &&
    withContext(best.first - 1, best.last)
  ) {
    best.first -= 1;
    shown = Math.max(maxChars, lengthOf(best.first, best.last));
  } else if (next !== undefined && withContext(best.first, best.last + 1)) {
    best.last += 1;
    shown = Math.max(maxChars, lengthOf(best.first, best.last));
  } else if (
    lengthOf(best.first, best.last) < maxChars * EXCERPT_RULES.shortShare &&
    previous !== undefined &&
    lengthOf(best.first - 1, best.last) <= maxChars
  )
    best.first -= 1;
  const run = sentences.slice(best.first, best.last + 1).map((sentence) => sentence.range);
  return clip(text, textStart, run, weights, shown, focus.termOf);
}

/** Whether a sentence asks (an interviewer's question): it has not answered anything yet. */
const asks = (sentence: string) => /\?["'”’)]*$/u.test(sentence) || /^Question\b/u.test(sentence);

/**
 * The first or last sentence of a neighbouring passage, with its offsets in the document;
 * undefined without one, or when it is not on the far side of `edge` (the passages overlap).
 */
function edgeSentence(
  neighbour: Neighbour | undefined,
  which: 'first' | 'last',
  edge: number,
): { text: string; start: number; end: number } | undefined {
  if (!neighbour) return undefined;
  const range = splitSentences(neighbour.text).at(which === 'first' ? 0 : -1);
  if (!range) return undefined;
  const start = neighbour.start + range.start;
  const end = neighbour.start + range.end;
  if (which === 'last' ? end > edge : start < edge) return undefined;
  return { text: neighbour.text.slice(range.start, range.end), start, end };
}

function termsIn(text: string): string[] {
  return tokenize(text).flatMap((token) => (token.term === null ? [] : [token.term]));
}

/**
 * The weight of the question words a set of terms holds, each question word counted once
 * however many of its alternatives are there (at the weight of the heaviest).
 */
function distinctWeight(
  terms: Iterable<string>,
  weights: ReadonlyMap<string, number>,
  termOf: ReadonlyMap<string, string> | undefined,
): number {
  let sum = 0;
  if (!termOf || termOf.size === 0) {
    for (const term of terms) sum += weights.get(term) ?? 0;
    return sum;
  }
  const byQuestionWord = new Map<string, number>();
  for (const term of terms) {
    const key = termOf.get(term) ?? term;
    byQuestionWord.set(key, Math.max(byQuestionWord.get(key) ?? 0, weights.get(term) ?? 0));
  }
  for (const weight of byQuestionWord.values()) sum += weight;
  return sum;
}

/** Tokens of `range`, with offsets in the passage. */
function tokensOf(passage: string, range: TextRange): Token[] {
  return tokenize(passage.slice(range.start, range.end)).map((token) => ({
    ...token,
    start: token.start + range.start,
    end: token.end + range.start,
  }));
}

const capitalised = (token: Token | undefined) =>
  token !== undefined && /^\p{Lu}/u.test(token.word);

/** Whether two tokens are one name: both capitalised, only a space between them. */
function sameName(passage: string, left: Token | undefined, right: Token | undefined): boolean {
  return (
    capitalised(left) && capitalised(right) && /^ $/u.test(passage.slice(left!.end, right!.start))
  );
}

/**
 * Shows a run of sentences within `maxChars`: whole when it fits; otherwise its longest
 * sentence is cut around its matched words to the room the others leave, so a short sentence
 * next to a long one (often the answer) is shown whole. Marks the matched words.
 */
function clip(
  passage: string,
  passageStart: number,
  run: readonly TextRange[],
  weights: ReadonlyMap<string, number>,
  maxChars: number,
  termOf?: ReadonlyMap<string, string>,
): Excerpt {
  const range: TextRange = { start: run[0]!.start, end: run.at(-1)!.end };
  const longest = longestOf(run);
  const { range: kept } = cutRun(passage, run, weights, maxChars, termOf);
  const pieces = [
    { start: range.start, end: longest.start },
    kept,
    { start: longest.end, end: range.end },
  ].filter((piece) => passage.slice(piece.start, piece.end).trim() !== '');
  let body = '';
  pieces.forEach((piece, i) => {
    const text = passage.slice(piece.start, piece.end).replace(/\s+/gu, ' ').trim();
    const gap = i > 0 && passage.slice(pieces[i - 1]!.end, piece.start).trim() !== '';
    body += i === 0 ? text : `${gap ? ' … ' : ' '}${text}`;
  });
  const start = pieces[0]!.start;
  const end = pieces.at(-1)!.end;
  const text = (start > range.start ? '… ' : '') + body + (end < range.end ? ' …' : '');
  const shownTokens = tokenize(text).filter(
    (token) => token.term !== null && weights.has(token.term),
  );
  return {
    text,
    range: { start: passageStart + start, end: passageStart + end },
    marks: shownTokens.map((token) => ({ start: token.start, end: token.end })),
    terms: new Set(shownTokens.map((token) => token.term!)),
  };
}

const longestOf = (run: readonly TextRange[]) =>
  run.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));

/**
 * What a run shows of its longest sentence: all of it when the run fits `maxChars`, else the
 * part `cutAround` keeps in the room the other sentences leave.
 */
function cutRun(
  passage: string,
  run: readonly TextRange[],
  weights: ReadonlyMap<string, number>,
  maxChars: number,
  termOf?: ReadonlyMap<string, string>,
): { range: TextRange } {
  const longest = longestOf(run);
  const length = run.at(-1)!.end - run[0]!.start;
  if (length <= maxChars) return { range: longest };
  const others = length - (longest.end - longest.start);
  const room = run.length === 1 ? maxChars : maxChars - others - GAP;
  return { range: cutAround(passage, longest, weights, room, termOf) };
}

/**
 * The part of one sentence to show within `maxChars`: centred on its matched words, at word
 * boundaries, never inside a name.
 */
function cutAround(
  passage: string,
  range: TextRange,
  weights: ReadonlyMap<string, number>,
  maxChars: number,
  termOf?: ReadonlyMap<string, string>,
): TextRange {
  const tokens = tokensOf(passage, range);
  if (range.end - range.start <= maxChars || tokens.length === 0) return range;
  const matched = tokens.filter((token) => token.term !== null && weights.has(token.term));
  // Centre the window on the matches, then keep whole words. When they spread wider than the
  // window, on the stretch of them that holds the most weight of distinct question words.
  const { from, to } = heaviestStretch(matched, weights, maxChars, termOf) ?? {
    from: range.start,
    to: range.start,
  };
  const centre = Math.round((from + to) / 2);
  const windowStart = Math.max(
    range.start,
    Math.min(centre - Math.floor(maxChars / 2), range.end - maxChars),
  );
  const windowEnd = Math.min(range.end, windowStart + maxChars);
  let first = tokens.findIndex((token) => token.start >= windowStart);
  let last = tokens.findLastIndex((token) => token.end <= windowEnd);
  if (first === -1 || last < first) {
    first = 0;
    last = Math.max(
      0,
      tokens.findLastIndex((token) => token.end <= range.start + maxChars),
    );
  }
  // Never keep part of a name ("told The Moscow …"): finish it if that is short, else drop it.
  if (last + 1 < tokens.length && sameName(passage, tokens[last], tokens[last + 1])) {
    let nameEnd = last + 1;
    while (nameEnd + 1 < tokens.length && sameName(passage, tokens[nameEnd], tokens[nameEnd + 1]))
      nameEnd += 1;
    if (tokens[nameEnd]!.end - tokens[last]!.end <= EXCERPT_RULES.nameOverflow) last = nameEnd;
    else {
      while (last > first && sameName(passage, tokens[last - 1], tokens[last])) last -= 1;
      last = Math.max(first, last - 1);
    }
  }
  if (first > 0 && sameName(passage, tokens[first - 1], tokens[first])) {
    while (first < last && sameName(passage, tokens[first], tokens[first + 1])) first += 1;
    first = Math.min(last, first + 1);
  }
  return {
    start: first === 0 ? range.start : tokens[first]!.start,
    end: last === tokens.length - 1 ? range.end : tokens[last]!.end,
  };
}

/**
 * The stretch of matched tokens (first start to last end) no longer than `maxChars` that holds
 * the most weight of distinct question words: all of them when they fit, else the heaviest
 * (of equals, the one with more matches, then the earliest). Undefined when nothing matched.
 */
function heaviestStretch(
  matched: readonly Token[],
  weights: ReadonlyMap<string, number>,
  maxChars: number,
  termOf: ReadonlyMap<string, string> | undefined,
): { from: number; to: number } | undefined {
  if (matched.length === 0) return undefined;
  let best = { from: matched[0]!.start, to: matched.at(-1)!.end, weight: -1, count: 0 };
  if (best.to - best.from <= maxChars) return best;
  for (let first = 0; first < matched.length; first += 1) {
    const terms = new Set<string>();
    let last = first;
    while (last < matched.length && matched[last]!.end - matched[first]!.start <= maxChars) {
      terms.add(matched[last]!.term!);
      last += 1;
    }
    const weight = distinctWeight(terms, weights, termOf);
    const count = last - first;
    if (weight > best.weight || (weight === best.weight && count > best.count))
      best = {
        from: matched[first]!.start,
        to: matched[Math.max(first, last - 1)]!.end,
        weight,
        count,
      };
  }
  return best;
}

/**
 * An excerpt made ready to sit inside the “ ” that frame it on screen: its own double quotation
 * marks become single ones, as nested quotations are written, so an excerpt that opens or
 * closes a quote never shows doubled marks (“"A person…). One character for one, so the
 * excerpt's marks still apply.
 *
 * @example
 * `“${nestQuotes('"A person who received the vaccine," she said.')}”`;
 * // '“‘A person who received the vaccine,’ she said.”'
 */
export function nestQuotes(excerpt: string): string {
  return excerpt
    .replace(/“/gu, '‘')
    .replace(/”/gu, '’')
    .replace(/(^|[\s([{—–-])"/gu, '$1‘')
    .replace(/"/gu, '’');
}

/**
 * Which of the question's words the excerpt shows, which only the rest of the document has and
 * which the document never uses, as the line under a citation says it: a word matched in the
 * title or another paragraph is not presented as if the excerpt contained it, and a word the
 * source lacks is named, so the reader can tell a passage that answers from one that only
 * shares the question's other words.
 *
 * @example
 * describeMatches({ matchedInExcerpt: ['doses'], matchedElsewhere: ['Bashkortostan'], notInDocument: ['booster'] });
 * // 'in the excerpt: doses · elsewhere in the document: Bashkortostan · not in the document: booster'
 */
export function describeMatches(citation: {
  matchedInExcerpt: readonly string[];
  matchedElsewhere: readonly string[];
  notInDocument: readonly string[];
}): string {
  const parts = [
    citation.matchedInExcerpt.length > 0
      ? `in the excerpt: ${citation.matchedInExcerpt.join(', ')}`
      : 'nothing in the excerpt',
  ];
  if (citation.matchedElsewhere.length > 0)
    parts.push(`elsewhere in the document: ${citation.matchedElsewhere.join(', ')}`);
  if (citation.notInDocument.length > 0)
    parts.push(`not in the document: ${citation.notInDocument.join(', ')}`);
  return parts.join(' · ');
}
