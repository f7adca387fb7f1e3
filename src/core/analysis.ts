import { stemmer } from 'stemmer';

/**
 * Lucene's English stop words plus the pronouns, auxiliaries and question words that fill
 * natural-language questions. Measured on SQuAD v1.1 dev with MiniSearch (see the ablation rows of `npm run bench`): this
 * list is worth +4 to +5 R@1 with MiniSearch, because MiniSearch multiplies a passage's score by
 * the number of distinct query terms it matched, so "what" and "did" otherwise count as much as
 * "Bashkortostan".
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  // Lucene EnglishAnalyzer
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it',
  'no', 'not', 'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these',
  'they', 'this', 'to', 'was', 'will', 'with',
  // extended: function and question words
  'about', 'after', 'all', 'also', 'am', 'any', 'been', 'before', 'being', 'between', 'both',
  'can', 'could', 'did', 'do', 'does', 'doing', 'done', 'during', 'each', 'few', 'from',
  'further', 'had', 'has', 'have', 'having', 'he', 'her', 'here', 'hers', 'him', 'his', 'how',
  'i', 'its', 'itself', 'just', 'may', 'me', 'might', 'more', 'most', 'must', 'my', 'nor',
  'now', 'off', 'once', 'only', 'other', 'our', 'ours', 'out', 'over', 'own', 'same', 'shall',
  'she', 'should', 'so', 'some', 'than', 'them', 'themselves', 'those', 'through', 'too',
  'under', 'until', 'up', 'upon', 'us', 'very', 'we', 'were', 'what', 'when', 'where', 'which',
  'while', 'who', 'whom', 'whose', 'why', 'would', 'you', 'your',
  // contractions ("it's", "what's" lose their "'s" as possessives do) and indefinite pronouns
  "aren't", "can't", 'cannot', "couldn't", "didn't", "doesn't", "don't", "hadn't", "hasn't",
  "haven't", "isn't", "shouldn't", "wasn't", "weren't", "won't", "wouldn't", "i'm", "i've",
  "i'd", "i'll", "you're", "you've", "you'll", "we're", "we've", "they're", "they've",
  'anything', 'something', 'nothing', 'everything', 'anyone', 'someone', 'anybody', 'somebody',
]); // prettier-ignore

/**
 * Words: letters and digits, joined by an apostrophe ("don't") or by a period or comma between
 * digits ("3.5", "1,000"); or an acronym written with periods ("U.S."). Like Lucene's
 * StandardTokenizer for English, a hyphen separates ("Covid-19" → "Covid", "19") and so does a
 * period between words ("Gosuslugi.ru" → "Gosuslugi", "ru").
 */
const WORD =
  /(?<![\p{L}\p{N}])(?:\p{L}\.)+\p{L}(?![\p{L}\p{N}])|[\p{L}\p{M}\p{N}_]+(?:(?:['\u2019](?=[\p{L}\p{N}])|(?<=\p{N})[.,](?=\p{N}))[\p{L}\p{M}\p{N}_]+)*/gu;

const POSSESSIVE = /['\u2019]s$/u;
const APOSTROPHES = /[\u2019\u02bc]/gu;

/** A word of a text, where it is, and the index term it becomes (null for a stop word). */
export interface Token {
  /** The word as written. */
  word: string;
  start: number;
  end: number;
  /** Normalised, stemmed term, or null when the word is not indexed. */
  term: string | null;
}

const stemCache = new Map<string, string>();

function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    // Digits and mixed tokens ("19", "n95") are kept whole: the stemmer would mangle them.
    stemmed = /^\p{L}+$/u.test(word) ? stemmer(word) : word;
    if (stemCache.size < 200_000) stemCache.set(word, stemmed);
  }
  return stemmed;
}

/**
 * Turns one word into its index term: NFKC, lower case, no possessive, no diacritics on Latin
 * letters, Porter stem; null for stop words. MiniSearch's `processTerm` for passages.
 *
 * @example
 * processTerm("Passports"); // "passport"
 * processTerm("Russia’s");  // "russia"
 * processTerm("which");     // null
 */
export function processTerm(word: string): string | null {
  const known = termCache.get(word);
  if (known !== undefined) return known;
  const term = computeTerm(word);
  // Corpora repeat their words: remembering each word's term makes analysis several times faster.
  if (termCache.size < 500_000) termCache.set(word, term);
  return term;
}

const termCache = new Map<string, string | null>();

function computeTerm(word: string): string | null {
  const lower = word
    .normalize('NFKC')
    .toLowerCase()
    .replace(APOSTROPHES, "'")
    .replace(POSSESSIVE, '')
    .replace(/\.$/u, '');
  if (lower === '') return null;
  // "US", "WHO", "IT": in capitals, a stop word's letters are an acronym, and a name.
  if (STOP_WORDS.has(lower) && !isAcronym(word)) return null;
  const folded = /[\u00c0-\u024f]/u.test(lower)
    ? lower
        .normalize('NFD')
        .replace(/\p{M}+/gu, '')
        .normalize('NFC')
    : lower;
  const bare = folded.replace(/\./gu, '');
  return stem(IRREGULAR_VERB_FORMS.get(bare) ?? bare);
}

/** Two or more letters, all capitals: "US", "WHO". */
function isAcronym(word: string): boolean {
  return word.length > 1 && /^\p{Lu}+$/u.test(word);
}

/**
 * Past forms of common irregular verbs, indexed as the verb ("won" as "win", "gave" as "give"),
 * as the Porter stemmer does for regular ones ("decided" → "decid"). Without them "got" is a
 * content word no passage shares with "get", and "won" never finds "winning". Forms that are
 * also common nouns or adjectives in news text are left out: "left", "found", "shot", "fed",
 * "saw", "felt", "lay", "ground", "bound", "rose", "spoke", "lit", "bit", and
 * "hung" and "sat", which are also names.
 */
const IRREGULAR_VERB_FORMS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    arose: 'arise', arisen: 'arise', awoke: 'awake', began: 'begin', begun: 'begin',
    bent: 'bend', bitten: 'bite', blew: 'blow', blown: 'blow', broke: 'break',
    broken: 'break', brought: 'bring', built: 'build', bought: 'buy', caught: 'catch',
    chose: 'choose', chosen: 'choose', came: 'come', dealt: 'deal', dug: 'dig', drew: 'draw',
    drawn: 'draw', drove: 'drive', driven: 'drive', drank: 'drink', drunk: 'drink', ate: 'eat',
    eaten: 'eat', fell: 'fall', fallen: 'fall', fought: 'fight', fled: 'flee', flew: 'fly',
    flown: 'fly', forbade: 'forbid', forbidden: 'forbid', forgot: 'forget',
    forgotten: 'forget', forgave: 'forgive', forgiven: 'forgive', froze: 'freeze',
    frozen: 'freeze', got: 'get', gotten: 'get', gave: 'give', given: 'give', went: 'go',
    gone: 'go', grew: 'grow', grown: 'grow', hid: 'hide', hidden: 'hide',
    held: 'hold', kept: 'keep', knew: 'know', known: 'know', led: 'lead', lent: 'lend',
    lost: 'lose', made: 'make', meant: 'mean', met: 'meet', paid: 'pay', ran: 'run',
    rang: 'ring', rode: 'ride', ridden: 'ride', sang: 'sing', sung: 'sing', sank: 'sink',
    sunk: 'sink', said: 'say', seen: 'see', sought: 'seek', sold: 'sell',
    sent: 'send', shook: 'shake', shaken: 'shake', shone: 'shine', shown: 'show',
    shrank: 'shrink', slept: 'sleep', slid: 'slide', spent: 'spend', spun: 'spin',
    stood: 'stand', stole: 'steal', stolen: 'steal', stuck: 'stick', stung: 'sting',
    struck: 'strike', strove: 'strive', swore: 'swear', sworn: 'swear', swept: 'sweep',
    swam: 'swim', swum: 'swim', took: 'take', taken: 'take', taught: 'teach', tore: 'tear',
    torn: 'tear', told: 'tell', thought: 'think', threw: 'throw', thrown: 'throw',
    understood: 'understand', undertook: 'undertake', undertaken: 'undertake', woke: 'wake',
    woken: 'wake', wore: 'wear', worn: 'wear', wove: 'weave', woven: 'weave', wept: 'weep',
    won: 'win', withdrew: 'withdraw', withdrawn: 'withdraw', wrote: 'write',
    written: 'write', overtook: 'overtake', overtaken: 'overtake', upheld: 'uphold',
    withheld: 'withhold', mistook: 'mistake', mistaken: 'mistake', foresaw: 'foresee',
    foreseen: 'foresee', overcame: 'overcome', undergone: 'undergo', underwent: 'undergo',
  }),
); // prettier-ignore

/**
 * Splits text into words with their offsets and index terms.
 *
 * @example
 * tokenize('Covid-19 passports').map((t) => t.term); // ["covid", "19", "passport"]
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const start = match.index;
    tokens.push({ word, start, end: start + word.length, term: processTerm(word) });
  }
  return tokens;
}

/** The words of a text, for MiniSearch's `tokenize` option (it calls `processTerm` itself). */
export function splitWords(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** One content word of a question. */
export interface QueryTerm {
  term: string;
  /** The word as the user typed it (first occurrence). */
  word: string;
  /** The typed word with what a hyphen or slash joins to it ("Covid-19" for "Covid"), for display. */
  phrase: string;
  /**
   * Written with a capital inside the sentence or in capitals ("Germany", "EU"): likely a
   * name, which an answer has to mention.
   */
  capitalized: boolean;
  /** Other index terms that mean the same (from the vocabulary), searched with less weight. */
  alternatives: readonly string[];
}

/**
 * The distinct content terms of a question, in the order typed.
 *
 * @example
 * analyzeQuestion('What did Germany decide about vaccine passports?').map((t) => t.term);
 * // ["germani", "decid", "vaccin", "passport"]
 */
export function analyzeQuestion(
  question: string,
  vocabulary: ReadonlyMap<string, readonly string[]> = new Map(),
): QueryTerm[] {
  const seen = new Map<string, QueryTerm>();
  // A question typed in capitals throughout names nothing by its capitals ("WHO IS …").
  const tokens = tokenize(/\p{Ll}/u.test(question) ? question : question.toLowerCase());
  tokens.forEach((token, position) => {
    if (token.term === null) return;
    const before = question.slice(0, token.start).trimEnd();
    const sentenceStart = position === 0 || /[.!?:]$/u.test(before);
    const hasCapital = /^\p{Lu}/u.test(token.word);
    const allCaps =
      token.word.length > 1 &&
      token.word === token.word.toUpperCase() &&
      /\p{Lu}/u.test(token.word);
    const capitalized = allCaps || (hasCapital && !sentenceStart);
    const known = seen.get(token.term);
    // Any capitalised occurrence makes it a name: "the eu … the EU passport".
    if (known) known.capitalized ||= capitalized;
    else {
      const alternatives = vocabulary.get(token.term) ?? [];
      const phrase = phraseAround(question, token.start, token.end);
      seen.set(token.term, {
        term: token.term,
        word: token.word,
        phrase,
        capitalized,
        alternatives,
      });
    }
  });
  return [...seen.values()];
}

/** The hyphen- or slash-joined compound around a word: "Covid-19", "QR-код", "his/her". */
function phraseAround(text: string, start: number, end: number): string {
  const before = text.slice(0, start).match(/[\p{L}\p{N}]+(?:[-/][\p{L}\p{N}]+)*[-/]$/u)?.[0] ?? '';
  const after = text.slice(end).match(/^(?:[-/][\p{L}\p{N}]+)+/u)?.[0] ?? '';
  return before + text.slice(start, end) + after;
}

/** `termsRelated`: the shorter term is at least this long… */
const RELATED_MIN_LENGTH = 5;
/** …and the longer one adds at most this many characters. */
const RELATED_MAX_ENDING = 3;

/**
 * Whether two index terms name the same thing loosely: equal, or one extends the other by a
 * short ending ("russia"/"russian", "german"/"germani"). Used to judge whether a passage
 * mentions a name, never for ranking.
 *
 * @example
 * termsRelated('russia', 'russian'); // true
 * termsRelated('code', 'coder');      // false: too short to trust
 */
export function termsRelated(a: string, b: string): boolean {
  return a === b || extendsByEnding(a, b);
}

/** One of two different terms extends the other by a short ending (`termsRelated` without equality). */
function extendsByEnding(a: string, b: string): boolean {
  // Lengths first: they rule out nearly every pair without reading a character.
  const difference = b.length - a.length;
  if (difference === 0 || difference > RELATED_MAX_ENDING || difference < -RELATED_MAX_ENDING)
    return false;
  return difference > 0
    ? a.length >= RELATED_MIN_LENGTH && b.startsWith(a)
    : b.length >= RELATED_MIN_LENGTH && a.startsWith(b);
}

/** What the answer rules ask of a document's terms: `TermCounts`, or the index's counts. */
export interface DocumentTerms {
  /** Whether the text uses the term. */
  has(term: string): boolean;
  /** How often the text uses the term or one related to it (`termsRelated`). */
  related(term: string): number;
}

/**
 * How often a text uses a term or one related to it (`termsRelated`), from how often it uses
 * any one term (`count`) and the terms that begin with this one (`beginningWith`: every such
 * term the text uses, and any others, which count 0). The shorter related terms are the term's
 * own prefixes.
 *
 * @example
 * const counts = new Map([['russia', 2], ['russian', 1], ['moscow', 4]]);
 * relatedCount('russia', (term) => counts.get(term) ?? 0, () => ['russian', 'russians']); // 3
 */
export function relatedCount(
  term: string,
  count: (term: string) => number,
  beginningWith: () => Iterable<string>,
): number {
  let total = count(term);
  // A term shorter than that is related to nothing but itself.
  if (term.length < RELATED_MIN_LENGTH) return total;
  for (let ending = 1; ending <= RELATED_MAX_ENDING; ending++) {
    if (term.length - ending < RELATED_MIN_LENGTH) break;
    total += count(term.slice(0, term.length - ending));
  }
  const longer = new Set<string>();
  for (const other of beginningWith()) {
    const ending = other.length - term.length;
    if (ending >= 1 && ending <= RELATED_MAX_ENDING && other.startsWith(term)) longer.add(other);
  }
  for (const other of longer) total += count(other);
  return total;
}

/** Passes over a text's terms before `TermCounts` sorts them (measured at 2,000 and 20,000 passages). */
const SORT_AFTER_PASSES = 2;

/**
 * A text's term counts, and how often it uses a term or one related to it (`termsRelated`).
 * A text asked about again and again (a document many questions meet) has its terms sorted
 * once, and related terms are then found without reading every term: the shorter ones are
 * the term's own prefixes, and the longer ones sort right after it. For a text met only once
 * or twice, one pass over its terms is cheaper than sorting them.
 *
 * @example
 * const counts = new TermCounts(new Map([['russia', 2], ['russian', 1], ['moscow', 4]]));
 * counts.related('russia'); // 3
 * counts.has('moscow'); // true
 */
export class TermCounts implements DocumentTerms {
  readonly #counts: ReadonlyMap<string, number>;
  #sorted: string[] | undefined;
  #passes = 0;

  constructor(counts: ReadonlyMap<string, number>) {
    this.#counts = counts;
  }

  has(term: string): boolean {
    return this.#counts.has(term);
  }

  /** How often the text uses the term itself (0 when never). */
  count(term: string): number {
    return this.#counts.get(term) ?? 0;
  }

  /** How often the text uses the term or one related to it. */
  related(term: string): number {
    let count = this.count(term);
    // A term shorter than that is related to nothing but itself.
    if (term.length < RELATED_MIN_LENGTH) return count;
    if (this.#sorted === undefined && this.#passes < SORT_AFTER_PASSES) {
      this.#passes += 1;
      // `forEach`, not `for…of`: no entry array for each of the text's terms.
      this.#counts.forEach((times, other) => {
        if (extendsByEnding(term, other)) count += times;
      });
      return count;
    }
    for (let ending = 1; ending <= RELATED_MAX_ENDING; ending++) {
      if (term.length - ending < RELATED_MIN_LENGTH) break;
      count += this.count(term.slice(0, term.length - ending));
    }
    // Code-unit order (`sort`'s and `<`'s), in which the terms a term begins follow it.
    const sorted = (this.#sorted ??= [...this.#counts.keys()].sort());
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle]! < term) low = middle + 1;
      else high = middle;
    }
    for (let index = low; index < sorted.length && sorted[index]!.startsWith(term); index++) {
      const ending = sorted[index]!.length - term.length;
      if (ending >= 1 && ending <= RELATED_MAX_ENDING) count += this.count(sorted[index]!);
    }
    return count;
  }
}

/** Terms that can be looked up and listed: a set, or a passage's terms with its title's. */
export type TermSet = Iterable<string> & { has(term: string): boolean };

/**
 * Whether a set of terms holds the term or one related to it (`termsRelated`).
 *
 * @example
 * holdsRelated('russia', new Set(['russian', 'moscow'])); // true
 */
export function holdsRelated(term: string, terms: TermSet): boolean {
  if (terms.has(term)) return true;
  if (term.length < RELATED_MIN_LENGTH) return false;
  for (const other of terms) if (extendsByEnding(term, other)) return true;
  return false;
}
