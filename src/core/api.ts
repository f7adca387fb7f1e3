import type { Scope } from './scope.ts';
import type {
  Answer,
  AnsweredAnswer,
  DocumentMatch,
  DocumentSummary,
  ListedDocument,
} from './types.ts';

/** Which documents a read sees. */
export interface ReadOptions {
  /**
   * The reader's scope: a server's sees that server's documents and the global ones; global
   * (the default: the command line, a DM) sees the global ones only.
   */
  scope?: Scope | undefined;
}

export interface AskOptions extends ReadOptions {
  /** The most citations to return (default 6). Renderers page through them. */
  limit?: number | undefined;
  /** Citations of documents older than this are marked `stale` (default 365). */
  staleAfterDays?: number | undefined;
  /** The time to judge ages against (default: now). */
  now?: Date | undefined;
}

export interface FindOptions extends ReadOptions {
  /** The most matches to return (default 25, Discord's autocomplete limit). */
  limit?: number | undefined;
  /**
   * Only documents that match every word; without it, a query no document matches whole
   * falls back to documents matching any word (autocomplete keeps suggesting while typing).
   */
  allWords?: boolean | undefined;
}

/**
 * What the edges (Discord, CLI, benchmarks) need from the core. `CorpusIndex` implements it.
 */
export interface Footnote {
  /** Answers a question with cited passages, or says plainly that the corpus has no good answer. */
  ask(question: string, options?: AskOptions): Answer;
  /**
   * The citations of an answer given before, made again from the passage ids it cited, in that
   * order, without searching: the passages no longer held or visible are left out (so there may
   * be fewer than `passageIds`, or none). Scores are not kept with an answer: each is 0.
   */
  recite(
    question: string,
    passageIds: readonly string[],
    options?: Omit<AskOptions, 'limit'>,
  ): AnsweredAnswer;
  /** Title lookup for autocomplete: prefix and typo tolerant. An empty query lists the newest documents. */
  findDocuments(query: string, options?: FindOptions): DocumentMatch[];
  /** A document's metadata and opening, by id; undefined when unknown or not visible. */
  summarize(documentId: string, options?: ReadOptions): DocumentSummary | undefined;
  /**
   * Resolves what a user typed (an id, or a title or part of one) to the one document it
   * clearly names; undefined when none or several fit (`lookupDocument` says which).
   */
  resolveDocument(query: string, options?: ReadOptions): DocumentSummary | undefined;
  /** Every visible document, newest first. */
  listDocuments(options?: ReadOptions): ListedDocument[];
}

/** Observers of the core, for the composition root (metrics); they cannot change an answer. */
export interface AskHooks {
  /** Called with every answer `ask` returns, answered or not. */
  onAnswer?(answer: Answer): void;
}

/**
 * The same corpus with defaults for every `ask` (a caller's own options still win): how the
 * operator's settings, such as the staleness age, reach every command without each one
 * reading the configuration.
 *
 * @example
 * const configured = withAskDefaults(corpus, { staleAfterDays: 180 });
 * configured.ask('Are QR codes still required?'); // citations older than 180 days are stale
 */
export function withAskDefaults(
  footnote: Footnote,
  defaults: Omit<AskOptions, 'scope'>,
  hooks: AskHooks = {},
): Footnote {
  return {
    ask: (question, options = {}) => {
      const answer = footnote.ask(question, { ...defaults, ...withoutUndefined(options) });
      hooks.onAnswer?.(answer);
      return answer;
    },
    recite: (question, passageIds, options = {}) =>
      footnote.recite(question, passageIds, { ...defaults, ...withoutUndefined(options) }),
    findDocuments: (query, options) => footnote.findDocuments(query, options),
    summarize: (documentId, options) => footnote.summarize(documentId, options),
    resolveDocument: (query, options) => footnote.resolveDocument(query, options),
    listDocuments: (options) => footnote.listDocuments(options),
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
