import type { Answer, DocumentMatch, DocumentMeta, DocumentSummary } from './types.ts';

/** Which documents a caller can see: the shipped corpus plus, in a server, that server's own. */
export interface Visibility {
  /** The Discord server asking; absent for the CLI and DMs (shipped corpus only). */
  guildId?: string | undefined;
}

export interface AskOptions extends Visibility {
  /** The most citations to return (default 6). Renderers page through them. */
  limit?: number | undefined;
}

export interface FindOptions extends Visibility {
  /** The most matches to return (default 25, Discord's autocomplete limit). */
  limit?: number | undefined;
}

/**
 * What the edges (Discord, CLI, benchmarks) need from the core. `Library` implements it.
 */
export interface Footnote {
  /** Answers a question with cited passages, or says plainly that the corpus has no good answer. */
  ask(question: string, options?: AskOptions): Answer;
  /** Title lookup for autocomplete: prefix and typo tolerant. An empty query lists the newest documents. */
  findDocuments(query: string, options?: FindOptions): DocumentMatch[];
  /** A document's metadata and opening, by id; undefined when unknown or not visible. */
  summarize(documentId: string, options?: Visibility): DocumentSummary | undefined;
  /** Resolves what a user typed (an id, or a title or part of one) to the best-matching document. */
  resolveDocument(query: string, options?: Visibility): DocumentSummary | undefined;
  /** Every visible document, newest first. */
  listDocuments(options?: Visibility): DocumentMeta[];
}
