import { lookupDocument } from './lookup.ts';
import type { AskOptions, FindOptions, Footnote, ReadOptions } from './api.ts';
import {
  ANSWER_RULES,
  citePassages,
  composeAnswer,
  focusOf,
  judgeCandidates,
  wordsNoSourceUses,
  type AnswerContext,
  type Judged,
} from './answer.ts';
import { REFUSAL_MODEL } from './refusal.ts';
import { UserError } from './errors.ts';
import {
  analyzePassage,
  PassageIndex,
  type Candidate,
  type PassageTerms,
  type SerializedPassageIndex,
} from './passage-index.ts';
import { passagesAt, segmentDocument } from './segment.ts';
import { GLOBAL_SCOPE, sees } from './scope.ts';
import { TitleIndex } from './title-index.ts';
import { truncate } from './text.ts';
import {
  analyzeQuestion,
  processTerm,
  splitWords,
  TermCounts,
  tokenize,
  type DocumentTerms,
  type QueryTerm,
  type TermSet,
} from './analysis.ts';
import { EMPTY_VOCABULARY, type Vocabulary } from './vocabulary.ts';
import { DEFAULT_STALE_AFTER_DAYS } from './recency.ts';
import type {
  Answer,
  AnsweredAnswer,
  CorpusDocument,
  DocumentMatch,
  DocumentMeta,
  DocumentSummary,
  ListedDocument,
  Passage,
  Suggestion,
  TextRange,
} from './types.ts';

/** Questions longer than this are cut before searching: nobody types more, and it bounds the work. */
export const MAX_QUESTION_CHARS = 500;
/** The opening shown by `/source`. */
export const SUMMARY_MAX_CHARS = 400;
const DEFAULT_ASK_LIMIT = 6;
const DEFAULT_FIND_LIMIT = 25;
const SUGGESTIONS = 3;
/** Candidates a no-answer's suggestions are drawn from. */
const SUGGESTION_DEPTH = 50;
/** Passage analyses kept for reuse: the passages questions keep meeting, a few MB. */
const PASSAGE_ANALYSIS_CACHE = 20_000;
/** Documents' term counts kept for reuse, as many documents as the analyses hold passages. */
const DOCUMENT_TERMS_CACHE = 4_000;
/** A question word found in more passages than this is searched as typed, without synonyms. */
export const EXPAND_BELOW_PASSAGES = 1;

/**
 * The corpus in memory: documents, their passages, the passage index and the title index.
 * Pure: it reads and writes no files; `openCorpusIndex` (src/corpus) loads and saves it.
 *
 * @example
 * const corpus = new CorpusIndex(documents);
 * const answer = corpus.ask('Which Russian region first introduced Covid-19 passports?');
 * if (answer.status === 'answered') console.log(answer.citations[0].title);
 */
export class CorpusIndex implements Footnote {
  readonly #documents = new Map<string, CorpusDocument>();
  readonly #passages = new Map<string, Passage>();
  readonly #passagesByDocument = new Map<string, Passage[]>();
  readonly #index: PassageIndex;
  readonly #vocabulary: Vocabulary;
  readonly #titles = new TitleIndex();
  /**
   * Computed when an answer first needs them, most recently used last; bounded like the
   * passage analyses, and dropped with the document.
   */
  readonly #termsByDocument = new Map<string, DocumentTerms>();

  /**
   * @param documents the documents to hold.
   * @param savedIndex a passage index saved from exactly these documents (see `serializeIndex`);
   *   without one, the index is built.
   * @param vocabulary words that mean the same to askers, searched as alternatives.
   */
  constructor(
    documents: Iterable<CorpusDocument>,
    savedIndex?: SerializedPassageIndex,
    vocabulary: Vocabulary = EMPTY_VOCABULARY,
  ) {
    this.#index = new PassageIndex(savedIndex);
    this.#vocabulary = vocabulary;
    const segments = savedIndex?.header.segments;
    for (const document of documents) {
      const saved = segments?.[document.id];
      // A saved index brings its passage boundaries: segmenting every document again was most
      // of a cold start.
      const passages = saved
        ? passagesAt(document.id, document.text, rangesOf(saved))
        : segmentDocument(document.id, document.text, document.title);
      this.#hold(document, passages, savedIndex === undefined);
    }
    if (savedIndex === undefined) this.#index.trim();
  }

  /** Number of documents held, all scopes together. */
  get size(): number {
    return this.#documents.size;
  }

  get passageCount(): number {
    return this.#passages.size;
  }

  ask(question: string, options: AskOptions = {}): Answer {
    const text = searchedQuestion(question);
    const terms = this.#analyze(text);
    const visible = this.#visibility(options);
    // Only as deep as the answer rules read: the fewer candidates kept, the more postings the
    // pruned search can skip. A no-answer's suggestions may look deeper.
    const candidates = this.#index.search(terms, visible, ANSWER_RULES.candidates, this.#analysed);
    const deeper = () => this.#index.search(terms, visible, SUGGESTION_DEPTH, this.#analysed);
    return composeAnswer(text, terms, candidates, this.#context(candidates, deeper), {
      limit: options.limit ?? DEFAULT_ASK_LIMIT,
      now: options.now ?? new Date(),
      staleAfterDays: options.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS,
    });
  }

  recite(
    question: string,
    passageIds: readonly string[],
    options: Omit<AskOptions, 'limit'> = {},
  ): AnsweredAnswer {
    const text = searchedQuestion(question);
    const visible = this.#visibility(options);
    const held = passageIds.filter((id) => {
      const passage = this.#passages.get(id);
      return passage !== undefined && visible(passage.documentId);
    });
    const terms = this.#analyze(text);
    const unknownWords = wordsNoSourceUses(text, terms, { index: this.#index });
    return {
      status: 'answered',
      question: text,
      citations: citePassages(text, terms, held, this.#context([]), {
        now: options.now ?? new Date(),
        staleAfterDays: options.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS,
      }),
      ...(unknownWords.length > 0 ? { unknownWords } : {}),
    };
  }

  /**
   * How the answer rules judged the best candidates for a question: coverage, matched words,
   * missing names. For operators tuning the corpus: `footnote ask --explain`.
   */
  explain(question: string, options: AskOptions = {}): Judged[] {
    const terms = this.#analyze(question);
    const candidates = this.#index.search(terms, this.#visibility(options), 50, this.#analysed);
    return judgeCandidates(
      terms,
      candidates,
      this.#context(candidates),
      REFUSAL_MODEL,
      focusOf(question),
    ).slice(0, options.limit ?? 5);
  }

  /**
   * The question's terms, with vocabulary alternatives only for words the corpus (almost) never
   * uses: when the asker's word is the corpus's word, searching its synonyms too only adds noise
   * (measured: it cost hit@1 on the held-out questions). Names keep theirs however common they
   * are: a name is written in other forms ("China" / "Chinese", "EU" / "European"), rarely
   * replaced by a synonym (measured on the tuning questions: hit@1 58.8 → 62.7 %).
   */
  #analyze(question: string): QueryTerm[] {
    return analyzeQuestion(question, this.#vocabulary).map((term) =>
      this.#index.passageFrequency(term.term) > EXPAND_BELOW_PASSAGES && !term.capitalized
        ? { ...term, alternatives: [] }
        : term,
    );
  }

  /** Each document's title terms, worked out once per document. */
  readonly #titleTerms = new WeakMap<CorpusDocument, ReadonlySet<string>>();

  /** Passage analyses, most recently used last; bounded so a large corpus cannot hold them all. */
  readonly #analyses = new Map<string, PassageTerms>();

  readonly #analysed = (passageId: string): PassageTerms | undefined => {
    let analysis = this.#analyses.get(passageId);
    if (analysis) {
      this.#analyses.delete(passageId); // refresh its place in the recency order
    } else {
      const passage = this.#passages.get(passageId);
      if (!passage) return undefined;
      analysis = analyzePassage(passage.text);
      if (this.#analyses.size >= PASSAGE_ANALYSIS_CACHE) {
        this.#analyses.delete(this.#analyses.keys().next().value!);
      }
    }
    this.#analyses.set(passageId, analysis);
    return analysis;
  };

  /** A passage's terms together with its document's title terms, as the answer rules read them. */
  #passageWithTitleTerms(passageId: string): TermSet {
    const passage = this.#passages.get(passageId);
    const analysis = this.#analysed(passageId);
    if (!passage || !analysis) return new Set();
    const document = this.#documents.get(passage.documentId);
    let title = document && this.#titleTerms.get(document);
    if (!title) {
      const words = tokenize(document?.title ?? '');
      title = new Set(words.flatMap((token) => (token.term ? [token.term] : [])));
      if (document) this.#titleTerms.set(document, title);
    }
    // Read side by side, not merged into one more set per passage: the merged sets were kept
    // with the cached analyses, a large share of the heap they hold.
    return bothOf(analysis.all, title);
  }

  /**
   * @param deeper the same search with `SUGGESTION_DEPTH` candidates, for suggestions when
   *   `candidates` (all of that search's first ones) name fewer than `SUGGESTIONS` documents.
   */
  #context(candidates: readonly Candidate[], deeper?: () => readonly Candidate[]): AnswerContext {
    return {
      index: this.#index,
      passage: (id) => this.#passages.get(id),
      document: (id) => this.#documents.get(id),
      passageCount: (id) => this.#passagesByDocument.get(id)?.length ?? 0,
      documentTerms: (id) => this.#documentTerms(id),
      passageTerms: (id) => this.#passageWithTitleTerms(id),
      passageAnalysis: (id) => this.#analysed(id),
      suggest: () => {
        const suggestions = this.#suggest(candidates);
        const more = candidates.length >= ANSWER_RULES.candidates && deeper !== undefined;
        return suggestions.length < SUGGESTIONS && more ? this.#suggest(deeper()) : suggestions;
      },
    };
  }

  findDocuments(query: string, options: FindOptions = {}): DocumentMatch[] {
    const limit = options.limit ?? DEFAULT_FIND_LIMIT;
    const visible = this.#visibility(options);
    const trimmed = query.trim();
    if (trimmed === '') {
      return this.listDocuments(options)
        .slice(0, limit)
        .map((document) => toMatch(document, 0));
    }
    return this.#titles
      .search(trimmed, visible, options.allWords)
      .slice(0, limit)
      .flatMap(({ id, score, bySource }) => {
        const document = this.#documents.get(id);
        return document ? [{ ...toMatch(document, score), bySource }] : [];
      });
  }

  summarize(documentId: string, options: ReadOptions = {}): DocumentSummary | undefined {
    const document = this.#documents.get(documentId);
    if (!document || !this.#visibility(options)(documentId)) return undefined;
    const { text, ...meta } = document;
    return {
      ...meta,
      summary: truncate(text.replace(/\s+/gu, ' ').trim(), SUMMARY_MAX_CHARS),
      passageCount: this.#passagesByDocument.get(documentId)?.length ?? 0,
      length: text.length,
      wordCount: text.split(/\s+/u).filter(Boolean).length,
    };
  }

  resolveDocument(query: string, options: ReadOptions = {}): DocumentSummary | undefined {
    const lookup = lookupDocument(this, query, options);
    return lookup.kind === 'found' ? lookup.summary : undefined;
  }

  listDocuments(options: ReadOptions = {}): ListedDocument[] {
    const visible = this.#visibility(options);
    return [...this.#documents.values()]
      .filter((document) => visible(document.id))
      .sort(newestFirst)
      .map(({ text: _text, ...listed }) => listed);
  }

  /** A document by id, whatever its scope (for the edges that manage documents). */
  getDocument(documentId: string): CorpusDocument | undefined {
    return this.#documents.get(documentId);
  }

  /** The passages of one document, in order. */
  passagesOf(documentId: string): readonly Passage[] {
    return this.#passagesByDocument.get(documentId) ?? [];
  }

  /** Adds a document and indexes it at once. An id already held is refused. */
  add(document: CorpusDocument): void {
    if (this.#documents.has(document.id)) throw new Error(`document ${document.id} already exists`);
    this.#hold(document, segmentDocument(document.id, document.text, document.title), true);
  }

  /** Removes a document from both indexes. Returns false when it was not held. */
  remove(documentId: string): boolean {
    const passages = this.#passagesByDocument.get(documentId);
    const document = this.#documents.get(documentId);
    if (!passages || !document) return false;
    this.#index.remove(document, passages);
    this.#titles.remove(documentId);
    for (const passage of passages) {
      this.#passages.delete(passage.id);
      this.#analyses.delete(passage.id);
    }
    this.#passagesByDocument.delete(documentId);
    this.#documents.delete(documentId);
    this.#termsByDocument.delete(documentId);
    return true;
  }

  /**
   * The passage index as it can be saved and handed back to the constructor, with each
   * document's passage boundaries.
   */
  serializeIndex(): SerializedPassageIndex {
    const serialized = this.#index.serialize();
    const segments: Record<string, number[]> = {};
    for (const [documentId, passages] of this.#passagesByDocument) {
      segments[documentId] = passages.flatMap((passage) => [passage.start, passage.end]);
    }
    return { ...serialized, header: { ...serialized.header, segments } };
  }

  #hold(document: CorpusDocument, passages: Passage[], indexPassages: boolean): void {
    this.#documents.set(document.id, document);
    this.#passagesByDocument.set(document.id, passages);
    for (const passage of passages) this.#passages.set(passage.id, passage);
    if (indexPassages) this.#index.add(document, passages);
    else if (passages.some((passage) => !this.#index.has(passage.id))) {
      throw new Error(`saved index does not hold document ${document.id}`);
    }
    this.#titles.add(document);
  }

  #documentTerms(documentId: string): DocumentTerms {
    let terms = this.#termsByDocument.get(documentId);
    if (terms) {
      this.#termsByDocument.delete(documentId); // refresh its place in the recency order
    } else {
      const document = this.#documents.get(documentId);
      terms =
        (document &&
          this.#index.documentTerms(
            document.title,
            document.text,
            this.#passagesByDocument.get(documentId) ?? [],
          )) ??
        tokenizedTerms(document);
      if (this.#termsByDocument.size >= DOCUMENT_TERMS_CACHE) {
        this.#termsByDocument.delete(this.#termsByDocument.keys().next().value!);
      }
    }
    this.#termsByDocument.set(documentId, terms);
    return terms;
  }

  #visibility(options: ReadOptions): (documentId: string) => boolean {
    const reader = options.scope ?? GLOBAL_SCOPE;
    return (documentId) => {
      const scope = this.#documents.get(documentId)?.scope;
      return scope !== undefined && sees(reader, scope);
    };
  }

  /** The documents whose passages share the most with the question, though none answers it. */
  #suggest(candidates: readonly Candidate[]): Suggestion[] {
    const seen = new Set<string>();
    const suggestions: Suggestion[] = [];
    for (const candidate of candidates) {
      if (seen.has(candidate.documentId)) continue;
      seen.add(candidate.documentId);
      const document = this.#documents.get(candidate.documentId);
      if (document) suggestions.push({ documentId: document.id, title: document.title });
      if (suggestions.length === SUGGESTIONS) break;
    }
    return suggestions;
  }
}

/** Two sets of terms read as one (a term in both is listed twice). */
function bothOf(first: ReadonlySet<string>, second: ReadonlySet<string>): TermSet {
  return {
    has: (term) => first.has(term) || second.has(term),
    *[Symbol.iterator]() {
      yield* first;
      yield* second;
    },
  };
}

/** A document's term counts from tokenizing its title and whole text. */
function tokenizedTerms(document: CorpusDocument | undefined): TermCounts {
  const counts = new Map<string, number>();
  // The words `tokenize` finds, without their offsets: only the terms are counted.
  for (const word of splitWords(`${document?.title ?? ''}\n${document?.text ?? ''}`)) {
    const term = processTerm(word);
    if (term) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return new TermCounts(counts);
}

/** The question as it is searched: spaces collapsed, cut to `MAX_QUESTION_CHARS`. */
function searchedQuestion(question: string): string {
  const trimmed = question.replace(/\s+/gu, ' ').trim();
  if (trimmed === '') throw new UserError('Please type a question.');
  return trimmed.length > MAX_QUESTION_CHARS ? truncate(trimmed, MAX_QUESTION_CHARS, '') : trimmed;
}

/** `[start, end, start, end, …]` as ranges. */
function rangesOf(flat: readonly number[]): TextRange[] {
  const ranges: TextRange[] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) {
    ranges.push({ start: flat[index]!, end: flat[index + 1]! });
  }
  return ranges;
}

function toMatch(document: DocumentMeta, score: number): DocumentMatch {
  return {
    documentId: document.id,
    title: document.title,
    site: document.site,
    publishedAt: document.publishedAt,
    score,
  };
}

/** Newest first; undated documents last, then by title. */
function newestFirst(a: DocumentMeta, b: DocumentMeta): number {
  if (a.publishedAt !== b.publishedAt) {
    if (!a.publishedAt) return 1;
    if (!b.publishedAt) return -1;
    return b.publishedAt.localeCompare(a.publishedAt);
  }
  return a.title.localeCompare(b.title);
}
