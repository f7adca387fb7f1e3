import MiniSearch, { type Options, type Query, type SearchOptions } from 'minisearch';
import {
  analyzeQuestion,
  processTerm,
  relatedCount,
  splitWords,
  tokenize,
  type DocumentTerms,
  type QueryTerm,
} from './analysis.ts';
import {
  compactPostings,
  decodeSnapshot,
  encodeSnapshot,
  restoreIndex,
  snapshotIndex,
  trimPostings,
} from './index-snapshot.ts';
import { PrunedSearch, type WeightedTerm } from './pruned-search.ts';
import { splitSentences } from './segment.ts';
import type { CorpusDocument, Passage } from './types.ts';

/**
 * The document a passage belongs to, from the passage id (`${documentId}#${ordinal}`): MiniSearch
 * stores no fields, which saves an object per passage in memory and in the saved index.
 */
export function documentOf(passageId: string): string {
  return passageId.slice(0, passageId.lastIndexOf('#'));
}

/** What MiniSearch indexes for each passage. */
export interface IndexedPassage {
  id: string;
  documentId: string;
  /** The document's title, repeated on each passage so a title match lifts all of them. */
  title: string;
  text: string;
}

/**
 * Bumped whenever analysis, fields or stored data change: a saved index with another version
 * is rebuilt instead of loaded.
 */
export const INDEX_SCHEMA_VERSION = 7;

/**
 * Search settings for questions, chosen from SQuAD measurements: OR (AND refuses almost every
 * natural question), no fuzzy and no prefix matching (each cost R@1 and latency), MiniSearch's
 * BM25+ defaults (Anserini's k1/b were no better).
 */
export const QUESTION_SEARCH_OPTIONS = {
  combineWith: 'OR',
  fuzzy: false,
  prefix: false,
  boost: { title: 1.5 },
  bm25: { k: 1.2, b: 0.7, d: 0.5 },
} as const satisfies SearchOptions;

/**
 * The one options object used both by `new MiniSearch()` and by `MiniSearch.loadJSON()`, so a
 * loaded index analyses questions exactly as the index it was saved from.
 */
export const PASSAGE_INDEX_OPTIONS = {
  idField: 'id',
  fields: ['title', 'text'],
  tokenize: splitWords,
  processTerm,
  searchOptions: QUESTION_SEARCH_OPTIONS,
} as const satisfies Options<IndexedPassage>;

const byScore = (a: Candidate, b: Candidate) =>
  b.score - a.score || a.passageId.localeCompare(b.passageId);

/** Terms whose text postings `PassageIndex` keeps at hand for document term counts. */
const TEXT_POSTINGS_CACHE = 1_000;

/** Candidates re-ranked with their text; deeper ones keep their BM25 order. */
export const RERANK_DEPTH = 20;

/**
 * Weights of the proximity re-rank, chosen on SQuAD dev-a and checked on dev-b (see
 * `npm run bench`): question words found together in one sentence, and pairs of them found
 * next to each other as in the question, make a passage likelier to hold the answer.
 */
export const PROXIMITY_WEIGHTS = { sentence: 1, adjacentPair: 1 } as const;

/** A passage's index terms, worked out once and reused by every question that meets it. */
export interface PassageTerms {
  /** Every distinct term. */
  all: ReadonlySet<string>;
  /** The terms in reading order (stop words left out), for adjacent pairs. */
  sequence: readonly string[];
  /** The distinct terms of each sentence. */
  sentences: ReadonlyArray<ReadonlySet<string>>;
}

/**
 * Analyses a passage's text for the re-rank and the answer rules.
 *
 * @example
 * analyzePassage('Passports arrive. Masks stay.').sentences; // [Set {"passport", "arriv"}, Set {"mask", "stai"}]
 */
export function analyzePassage(text: string): PassageTerms {
  const ranges = splitSentences(text);
  const sentences = ranges.map(() => new Set<string>());
  const sequence: string[] = [];
  // One pass over the passage's tokens: sentences begin and end beside white space, so the
  // tokens inside a sentence's range are exactly the tokens of the sentence alone.
  let sentence = 0;
  for (const token of tokenize(text)) {
    if (token.term === null) continue;
    sequence.push(token.term);
    while (sentence < ranges.length && token.start >= ranges[sentence]!.end) sentence += 1;
    if (sentence < ranges.length && token.start >= ranges[sentence]!.start)
      sentences[sentence]!.add(token.term);
  }
  return { all: new Set(sequence), sequence, sentences };
}

/**
 * Adds to each candidate's BM25 score the question weight held by its best sentence and by the
 * question's adjacent word pairs that it repeats in order ("vaccine passport"), then re-sorts.
 *
 * @example
 * rerankByProximity(candidates, analyzeQuestion(question), weights, (id) => analyzePassage(texts.get(id)));
 */
export function rerankByProximity(
  candidates: readonly Candidate[],
  terms: readonly QueryTerm[],
  weights: ReadonlyMap<string, number>,
  termsOfPassage: (passageId: string) => PassageTerms | undefined,
): Candidate[] {
  // The question's adjacent pairs, numbered, as first term → following term → number: the
  // passage walk below then looks up only pairs the question has, building no strings.
  const followers = new Map<string, Map<string, number>>();
  const pairs: Array<[string, string]> = [];
  for (let i = 1; i < terms.length; i++) {
    const first = terms[i - 1]!.term;
    const second = terms[i]!.term;
    let after = followers.get(first);
    if (!after) followers.set(first, (after = new Map<string, number>()));
    if (!after.has(second)) {
      after.set(second, pairs.length);
      pairs.push([first, second]);
    }
  }
  const weighted = [...weights.keys()];
  return candidates
    .map((candidate) => {
      const analysed = termsOfPassage(candidate.passageId);
      if (analysed === undefined) return candidate;
      // A term the passage lacks is in none of its sentences (nor pairs): only the others are
      // read, in the same order.
      const held = weighted.filter((term) => analysed.all.has(term));
      let bestSentence = 0;
      if (held.length > 0) {
        for (const sentence of analysed.sentences) {
          bestSentence = Math.max(bestSentence, sentenceWeight(sentence, held, weights));
        }
      }
      let pairWeight = 0;
      const possible = pairs.some(
        ([first, second]) => analysed.all.has(first) && analysed.all.has(second),
      );
      if (possible) {
        const seen = new Uint8Array(pairs.length);
        const passageTerms = analysed.sequence;
        for (let i = 1; i < passageTerms.length; i++) {
          const pair = followers.get(passageTerms[i - 1]!)?.get(passageTerms[i]!);
          if (pair === undefined || seen[pair] === 1) continue;
          seen[pair] = 1;
          pairWeight += Math.min(
            weights.get(passageTerms[i - 1]!) ?? 0,
            weights.get(passageTerms[i]!) ?? 0,
          );
        }
      }
      const score =
        candidate.score +
        PROXIMITY_WEIGHTS.sentence * bestSentence +
        PROXIMITY_WEIGHTS.adjacentPair * pairWeight;
      return { ...candidate, score };
    })
    .sort(byScore);
}

/**
 * The summed weight of the question terms a sentence holds, added in the sentence's order: a
 * float sum depends on it. Looked up from the question's few terms; only a sentence holding
 * three or more, whose sum the order can change, is read term by term.
 */
function sentenceWeight(
  sentence: ReadonlySet<string>,
  weighted: readonly string[],
  weights: ReadonlyMap<string, number>,
): number {
  let held = 0;
  let sum = 0;
  for (const term of weighted) {
    if (!sentence.has(term)) continue;
    held += 1;
    sum += weights.get(term)!;
  }
  if (held < 3) return sum;
  let ordered = 0;
  for (const term of sentence) ordered += weights.get(term) ?? 0;
  return ordered;
}

function termsOf(text: string): Set<string> {
  return new Set(tokenize(text).flatMap((token) => (token.term ? [token.term] : [])));
}

/** How much a vocabulary alternative counts next to the word the user typed. */
export const ALTERNATIVE_WEIGHT = 0.7;

/**
 * `pruned` skips the postings of common words once they cannot change the result; `exhaustive`
 * is MiniSearch's own search over every posting, the reference the bench checks pruning against.
 */
export type Evaluation = 'pruned' | 'exhaustive';

/** A passage MiniSearch found, before the answer rules judge it. */
export interface Candidate {
  passageId: string;
  documentId: string;
  /** BM25+ summed over matched terms, without MiniSearch's "number of terms matched" multiplier. */
  score: number;
  /** Query terms (processed) that this passage or its title matched. */
  terms: string[];
}

/** Statistics about one index term over all passages, for the answer rules. */
interface TermStats {
  /** Passages containing the term. */
  passages: number;
  /** How often it is written with a capital inside a sentence, and how often at all. */
  capitalized: number;
  occurrences: number;
}

/**
 * The parts of MiniSearch 7's index that a document's term counts read: the postings by term
 * (a radix tree, which also lists the terms beginning with a prefix) and the passages' short
 * ids. Private in MiniSearch's types, as those `PrunedSearch` reads; the corpus index tests
 * compare the counts with tokenizing the document.
 */
interface TermInternals {
  _index: {
    get(term: string): Map<number, Map<number, number>> | undefined;
    atPrefix(prefix: string): { keys(): Iterable<string> };
  };
  _idToShortId: Map<string, number>;
  _fieldIds: Record<string, number>;
}

/** Whether position `at` of a text is white space or outside it: no word crosses it. */
const apart = (text: string, at: number) => at < 0 || at >= text.length || /\s/u.test(text[at]!);

/** A saved index: a header (JSON) and the MiniSearch snapshot's bytes (`encodeSnapshot`). */
export interface SerializedPassageIndex {
  header: {
    schemaVersion: number;
    terms: Record<string, TermStats>;
    passageCount: number;
    /**
     * Where each document's passages fall, `[start, end, start, end, …]` by document id: what
     * segmentation produced, so a corpus index loading this index does not segment again.
     */
    segments?: Record<string, number[]>;
  };
  miniSearch: Uint8Array;
}

/**
 * The full-text index over every passage, plus the term statistics that the answer rules need
 * (how rare a word is; whether the corpus writes it as a name). Incremental: documents are
 * added and discarded one at a time.
 *
 * @example
 * const index = new PassageIndex();
 * index.add(document, segmentDocument(document.id, document.text));
 * index.search('Which region introduced passports first?', () => true);
 */
export class PassageIndex {
  readonly #miniSearch: MiniSearch<IndexedPassage>;
  readonly #pruned: PrunedSearch;
  readonly #terms: Map<string, TermStats>;
  #passageCount: number;

  constructor(serialized?: SerializedPassageIndex) {
    if (serialized) {
      if (serialized.header.schemaVersion !== INDEX_SCHEMA_VERSION) {
        throw new Error(
          `index schema ${serialized.header.schemaVersion} is not ${INDEX_SCHEMA_VERSION}`,
        );
      }
      this.#miniSearch = restoreIndex(decodeSnapshot(serialized.miniSearch), PASSAGE_INDEX_OPTIONS);
      this.#terms = new Map(Object.entries(serialized.header.terms));
      this.#passageCount = serialized.header.passageCount;
    } else {
      this.#miniSearch = new MiniSearch<IndexedPassage>(PASSAGE_INDEX_OPTIONS);
      this.#terms = new Map();
      this.#passageCount = 0;
    }
    this.#pruned = new PrunedSearch(
      this.#miniSearch,
      {
        fields: PASSAGE_INDEX_OPTIONS.fields,
        boost: QUESTION_SEARCH_OPTIONS.boost,
        bm25: QUESTION_SEARCH_OPTIONS.bm25,
      },
      documentOf,
    );
  }

  get passageCount(): number {
    return this.#passageCount;
  }

  has(passageId: string): boolean {
    return this.#miniSearch.has(passageId);
  }

  add(document: Pick<CorpusDocument, 'id' | 'title'>, passages: readonly Passage[]): void {
    this.#miniSearch.addAll(
      passages.map((passage) => ({
        id: passage.id,
        documentId: document.id,
        title: document.title,
        text: passage.text,
      })),
    );
    const grown = new Set(termsOf(document.title));
    for (const passage of passages) {
      for (const term of this.#count(passage.text, +1)) grown.add(term);
    }
    // MiniSearch makes a `Map` for a term it has not seen; later adds append to the compact list.
    compactPostings(this.#miniSearch, grown);
    this.#pruned.invalidate(grown);
    this.#textPostings.clear();
    this.#passageCount += passages.length;
  }

  /** Gives back the room the postings keep for appends: once a bulk build is done. */
  trim(): void {
    trimPostings(this.#miniSearch);
  }

  /**
   * Removes a document's passages. They leave MiniSearch's postings at once (`remove`, not
   * `discard`): pruned evaluation reads the postings directly and needs exact term frequencies.
   */
  remove(document: Pick<CorpusDocument, 'id' | 'title'>, passages: readonly Passage[]): void {
    for (const passage of passages) {
      if (!this.#miniSearch.has(passage.id)) continue;
      this.#miniSearch.remove({
        id: passage.id,
        documentId: document.id,
        title: document.title,
        text: passage.text,
      });
      this.#count(passage.text, -1);
      this.#passageCount -= 1;
    }
    this.#textPostings.clear();
  }

  /**
   * A document's term counts as tokenizing its title and whole text would give them, read
   * from its passages' postings: only the title and the text between passages (a left-out
   * title line, white space) are tokenized. Tokenizing every document a question's candidates
   * come from was most of `ask` at 100,000 passages. Undefined when a passage is not in the
   * index or a word could cross a passage's edge (no white space there): then only tokenizing
   * counts exactly.
   *
   * @example
   * index.documentTerms(document.title, document.text, passages)?.related('russia'); // "russia" and "russian" together
   */
  documentTerms(
    title: string,
    text: string,
    passages: readonly Passage[],
  ): DocumentTerms | undefined {
    const internals = this.#miniSearch as unknown as TermInternals;
    const shortIds: number[] = [];
    const outside = new Map<string, number>();
    const countWords = (part: string) => {
      for (const word of splitWords(part)) {
        const term = processTerm(word);
        if (term) outside.set(term, (outside.get(term) ?? 0) + 1);
      }
    };
    countWords(title);
    let covered = 0;
    for (const passage of passages) {
      const shortId = internals._idToShortId.get(passage.id);
      if (shortId === undefined || passage.start < covered) return undefined;
      if (!apart(text, passage.start - 1) || !apart(text, passage.end)) return undefined;
      shortIds.push(shortId);
      countWords(text.slice(covered, passage.start));
      covered = passage.end;
    }
    countWords(text.slice(covered));
    // Counted once per term and document: candidates of one document ask about the same terms.
    const counts = new Map<string, number>();
    const count = (term: string) => {
      let times = counts.get(term);
      if (times === undefined) {
        times = outside.get(term) ?? 0;
        const postings = this.#textPostingsOf(term);
        if (postings) for (const shortId of shortIds) times += postings.get(shortId) ?? 0;
        counts.set(term, times);
      }
      return times;
    };
    // The index holds every term of every passage and title; the rest, those of `outside`.
    const beginningWith = (term: string) => () => [
      ...internals._index.atPrefix(term).keys(),
      ...outside.keys(),
    ];
    return {
      has: (term) => count(term) > 0,
      related: (term) => relatedCount(term, count, beginningWith(term)),
    };
  }

  /** The text field's postings of the terms asked about lately (cleared when the index changes). */
  readonly #textPostings = new Map<string, Map<number, number> | undefined>();

  #textPostingsOf(term: string): Map<number, number> | undefined {
    if (this.#textPostings.has(term)) return this.#textPostings.get(term);
    const internals = this.#miniSearch as unknown as TermInternals;
    const postings = internals._index.get(term)?.get(internals._fieldIds.text!);
    if (this.#textPostings.size >= TEXT_POSTINGS_CACHE) this.#textPostings.clear();
    this.#textPostings.set(term, postings);
    return postings;
  }

  /**
   * Passages matching any of the question's terms, best first, among the documents `visible`
   * accepts. Scores are MiniSearch's BM25+ without its coordination multiplier: on SQuAD that
   * multiplier cost R@1, and the answer rules judge term coverage on their own. A term's
   * vocabulary alternatives are searched too, at `ALTERNATIVE_WEIGHT`.
   */
  search(
    query: string | readonly QueryTerm[],
    visible: (documentId: string) => boolean,
    limit = 50,
    termsOfPassage?: (passageId: string) => PassageTerms | undefined,
    evaluation: Evaluation = 'pruned',
  ): Candidate[] {
    const terms = typeof query === 'string' ? analyzeQuestion(query) : query;
    if (terms.length === 0) return [];
    const alternatives = [...new Set(terms.flatMap((term) => term.alternatives))].filter(
      (alternative) => !terms.some((term) => term.term === alternative),
    );
    // The re-rank reorders the best RERANK_DEPTH: those and the next `limit` must be exact.
    const depth = Math.max(limit, termsOfPassage ? RERANK_DEPTH : 0);
    const candidates =
      evaluation === 'pruned' && this.#pruned.exact
        ? this.#pruned.top(
            [
              ...terms.map((term): WeightedTerm => ({
                term: term.term,
                weight: 1,
                alternative: false,
              })),
              ...alternatives.map((term): WeightedTerm => ({
                term,
                weight: ALTERNATIVE_WEIGHT,
                alternative: true,
              })),
            ],
            visible,
            depth,
          )
        : this.#exhaustive(terms, alternatives, visible).slice(0, depth);
    if (!termsOfPassage) return candidates.slice(0, limit);
    const weights = new Map(terms.map((term) => [term.term, this.idf(term.term)]));
    const reranked = rerankByProximity(
      candidates.slice(0, RERANK_DEPTH),
      terms,
      weights,
      termsOfPassage,
    );
    return [...reranked, ...candidates.slice(RERANK_DEPTH)].slice(0, limit);
  }

  /** MiniSearch's own OR search over every posting: the reference pruned evaluation must equal. */
  #exhaustive(
    terms: readonly QueryTerm[],
    alternatives: readonly string[],
    visible: (documentId: string) => boolean,
  ): Candidate[] {
    // Terms are analysed already: the leaves must not be tokenized or stemmed again.
    const queries: Query[] = terms.map((term) => term.term);
    if (alternatives.length > 0) {
      queries.push({
        combineWith: 'OR',
        queries: [...alternatives],
        boostTerm: () => ALTERNATIVE_WEIGHT,
      });
    }
    const results = this.#miniSearch.search(
      { combineWith: 'OR', queries },
      {
        tokenize: (text: string) => [text],
        processTerm: (term: string) => term,
        filter: (result) => visible(documentOf(result.id as string)),
      },
    );
    return results
      .map((result) => ({
        passageId: result.id as string,
        documentId: documentOf(result.id as string),
        score: result.score / Math.max(1, result.queryTerms.length),
        terms: result.queryTerms,
      }))
      .sort(byScore);
  }

  /** In how many passages a term occurs (0 when the corpus never uses it). */
  passageFrequency(term: string): number {
    return this.#terms.get(term)?.passages ?? 0;
  }

  /**
   * Inverse document frequency over passages, as BM25 computes it. A term the corpus never
   * uses gets the highest possible weight: it is the most specific word of the question.
   */
  idf(term: string): number {
    const n = Math.max(1, this.#passageCount);
    const df = this.passageFrequency(term);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Whether the corpus mostly writes this term with a capital mid-sentence: a name. */
  isName(term: string): boolean {
    const stats = this.#terms.get(term);
    return (
      stats !== undefined && stats.occurrences > 0 && stats.capitalized / stats.occurrences >= 0.6
    );
  }

  serialize(): SerializedPassageIndex {
    return {
      header: {
        schemaVersion: INDEX_SCHEMA_VERSION,
        // Copies: the index goes on counting in its own objects after it is saved.
        terms: Object.fromEntries([...this.#terms].map(([term, stats]) => [term, { ...stats }])),
        passageCount: this.#passageCount,
      },
      miniSearch: encodeSnapshot(snapshotIndex(this.#miniSearch)),
    };
  }

  /** Updates the term statistics for one passage; returns its distinct terms. */
  #count(text: string, delta: 1 | -1): Set<string> {
    const inPassage = new Set<string>();
    let previousEnd = 0;
    for (const token of tokenize(text)) {
      if (token.term === null) {
        previousEnd = token.end;
        continue;
      }
      const stats = this.#terms.get(token.term) ?? { passages: 0, capitalized: 0, occurrences: 0 };
      const between = text.slice(previousEnd, token.start);
      const sentenceStart = previousEnd === 0 || /[.!?:"“‘]\s*$|\n/u.test(between);
      stats.occurrences += delta;
      if (/^\p{Lu}/u.test(token.word) && !sentenceStart) stats.capitalized += delta;
      if (!inPassage.has(token.term)) {
        inPassage.add(token.term);
        stats.passages += delta;
      }
      if (stats.occurrences <= 0) this.#terms.delete(token.term);
      else this.#terms.set(token.term, stats);
      previousEnd = token.end;
    }
    return inPassage;
  }
}
