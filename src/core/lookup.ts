import type { Footnote, ReadOptions } from './api.ts';
import type { DocumentMatch, DocumentSummary } from './types.ts';

/** What a lookup by title, site, author or id found. */
export type DocumentLookup =
  | { kind: 'found'; summary: DocumentSummary }
  /** Several documents fit about equally well: the user has to choose. */
  | { kind: 'ambiguous'; candidates: DocumentMatch[] }
  /** No document's title, site, author or id has every word. */
  | { kind: 'none' };

export const LOOKUP_RULES = {
  /** The best match is the one meant when it scores this many times the second. */
  clearLead: 1.5,
  /** At most this many candidates are named for an ambiguous lookup (all are counted). */
  candidates: 10,
  /** Matches counted at most, for "matches 22 documents". */
  counted: 1000,
} as const;

/**
 * Resolves what a user typed to one document: an id or a whole title exactly, else the title
 * search when every word matches (typos and prefixes allowed) and one document leads clearly.
 * Several close matches ("lavrov"), or words that name a source several documents share
 * ("embassy"), are `ambiguous`, with the candidates best first; words no
 * title, site or author contains are `none`: never an arbitrary document.
 *
 * @example
 * lookupDocument(corpus, 'moscow times'); // { kind: 'found', summary: { title: 'Russian Region…' } }
 * lookupDocument(corpus, 'lavrov'); // { kind: 'ambiguous', candidates: [ … ] }
 */
export function lookupDocument(
  footnote: Pick<Footnote, 'summarize' | 'findDocuments' | 'listDocuments'>,
  query: string,
  options: ReadOptions = {},
): DocumentLookup {
  const trimmed = query.trim();
  if (trimmed === '') return { kind: 'none' };
  const found = (documentId: string): DocumentLookup => {
    const summary = footnote.summarize(documentId, options);
    return summary ? { kind: 'found', summary } : { kind: 'none' };
  };
  for (const id of [trimmed, trimmed.toLowerCase()])
    if (footnote.summarize(id, options)) return found(id);
  const lower = trimmed.toLowerCase();
  const byTitle = footnote
    .listDocuments(options)
    .find((document) => document.title.toLowerCase() === lower);
  if (byTitle) return found(byTitle.id);
  const matches = footnote.findDocuments(trimmed, {
    ...options,
    limit: LOOKUP_RULES.counted,
    allWords: true,
  });
  const [best, second] = matches;
  if (!best) return { kind: 'none' };
  // Words that name a source several documents share ("embassy") mean none of them in particular,
  // even when one also has the word in its title.
  if (matches.filter((match) => match.bySource).length >= 2)
    return { kind: 'ambiguous', candidates: matches };
  if (!second || best.score >= second.score * LOOKUP_RULES.clearLead) return found(best.documentId);
  return {
    kind: 'ambiguous',
    candidates: matches.filter((match) => match.score * LOOKUP_RULES.clearLead >= best.score),
  };
}
