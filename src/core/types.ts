/**
 * The plain data that flows out of Footnote's core. Nothing here knows about Discord,
 * the terminal or storage: renderers turn these values into payloads or text.
 */

import type { Scope } from './scope.ts';

/**
 * Where a document came from: `shipped` with Footnote (the repository's `corpus/`), added by the
 * `operator` at the command line (for every server, or with `--guild` for one), or added in a
 * `server` by its moderators with `/corpus`. Who sees it is its `Scope`, a separate matter.
 */
export type DocumentOrigin = 'shipped' | 'operator' | 'server';

/** A document's descriptive metadata. Optional fields are absent when the source does not say. */
export interface DocumentMeta {
  /** Stable id: lower-case letters, digits and dashes. */
  id: string;
  title: string;
  /** Name of the site or publisher the text comes from. */
  site?: string | undefined;
  author?: string | undefined;
  /** Publication date as `YYYY-MM-DD`. */
  publishedAt?: string | undefined;
  /** The source's own URL, only when the source gives one. */
  url?: string | undefined;
  /** BCP 47 language tag, e.g. `en`. */
  language: string;
}

/** A document's metadata with who sees it and where it came from, as lists show it. */
export interface ListedDocument extends DocumentMeta {
  scope: Scope;
  origin: DocumentOrigin;
}

/** A document with its full, cleaned text. */
export interface CorpusDocument extends ListedDocument {
  text: string;
}

/** A passage: a self-contained stretch of a document, located by character offsets. */
export interface Passage {
  /** `${documentId}#${ordinal}`. */
  id: string;
  documentId: string;
  /** 1-based position of the passage in its document ("passage 3 of …"). */
  ordinal: number;
  /** Offset of the first character in the document text (UTF-16 code units). */
  start: number;
  /** Offset one past the last character. */
  end: number;
  text: string;
}

/** A half-open range `[start, end)` of UTF-16 code units. */
export interface TextRange {
  start: number;
  end: number;
}

/** One cited passage in an answer. */
export interface Citation {
  documentId: string;
  title: string;
  site?: string | undefined;
  author?: string | undefined;
  publishedAt?: string | undefined;
  url?: string | undefined;
  passageId: string;
  /** 1-based passage number within the document. */
  ordinal: number;
  /** How many passages the document has, for "passage 3 of 12". */
  passageCount: number;
  /** The whole passage text. */
  passage: string;
  /** The sentence or two of the passage that best answer the question. */
  excerpt: string;
  /**
   * Where the excerpt sits in the document text: from its first word to its last. A long
   * sentence cut to make room for the short one next to it leaves a " … " inside the excerpt.
   */
  excerptRange: TextRange;
  /** The matched words inside `excerpt`, as ranges relative to `excerpt`. */
  marks: TextRange[];
  /** The question's words that this passage contains, as the question spelled them. */
  matchedTerms: string[];
  /** The question's words the excerpt shows. */
  matchedInExcerpt: string[];
  /** The question's words found in the document (title included) but not in the excerpt. */
  matchedElsewhere: string[];
  /**
   * The question's words the document never uses, nor any alternative of theirs: what the
   * citation cannot speak to ("ambassador" for a passage that only shares "Russia" and "UK").
   */
  notInDocument: string[];
  /** Relevance score; comparable only within one answer. */
  score: number;
  /** Days since the document was published; absent when it is undated. */
  ageDays?: number | undefined;
  /** Older than the configured age: the passage may be outdated. */
  stale: boolean;
}

/** A document suggested when no passage answers the question. */
export interface Suggestion {
  documentId: string;
  title: string;
}

export interface AnsweredAnswer {
  status: 'answered';
  question: string;
  citations: Citation[];
  /**
   * The question's words no document of the corpus uses, nor any alternative of theirs ("Not in
   * any source: efficacy"); absent when it uses them all.
   */
  unknownWords?: string[];
}

export interface NoAnswer {
  status: 'no-answer';
  question: string;
  /** One or two plain sentences explaining why nothing was quoted. */
  reason: string;
  /** The question's content words that no relevant passage contains. */
  missingTerms: string[];
  suggestions: Suggestion[];
}

export type Answer = AnsweredAnswer | NoAnswer;

/** What `/source` and `footnote source` show about a document. */
export interface DocumentSummary extends ListedDocument {
  /** The opening of the document, cut at a word boundary. */
  summary: string;
  passageCount: number;
  /** Length of the text in characters. */
  length: number;
  wordCount: number;
}

/** A title-lookup hit, for autocomplete and `source`. */
export interface DocumentMatch {
  documentId: string;
  title: string;
  site?: string | undefined;
  publishedAt?: string | undefined;
  score: number;
  /**
   * Every word matched the document's site or author ("embassy", "moscow times"): the words name
   * where documents come from, which several documents may share.
   */
  bySource?: boolean | undefined;
}

/** How a document was added: a link, a Discord attachment, a local file, or pasted text. */
export type SourceKind = 'url' | 'attachment' | 'file' | 'text';

/** Where a document came from: the URL asked for, the file or attachment name, or the modal. */
export interface DocumentSource {
  kind: SourceKind;
  ref: string;
}
