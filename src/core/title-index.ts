import MiniSearch, { type Options } from 'minisearch';
import { splitWords } from './analysis.ts';
import type { DocumentMeta } from './types.ts';

interface IndexedTitle {
  id: string;
  title: string;
  site: string;
  author: string;
}

/**
 * Title lookup for autocomplete and `source`: unlike questions, partial words and typos are the
 * norm here ("bashkortostn", "moscow tim"), so prefix and fuzzy matching are on.
 */
export const TITLE_INDEX_OPTIONS = {
  fields: ['title', 'site', 'author', 'id'],
  tokenize: splitWords,
  processTerm: (term: string) =>
    term
      .normalize('NFKC')
      .toLowerCase()
      .replace(/['’]s$/u, ''),
  searchOptions: {
    boost: { title: 3, site: 1.5 },
    prefix: true,
    fuzzy: (term: string) => (term.length >= 4 ? 0.25 : false),
    combineWith: 'AND',
  },
} as const satisfies Options<IndexedTitle>;

/**
 * Finds documents by title, site, author or id.
 *
 * @example
 * const titles = new TitleIndex();
 * titles.add({ id: 'mt', title: 'Russian Region Becomes First…', language: 'en' });
 * titles.search('bashkortostn'); // typo-tolerant
 */
export class TitleIndex {
  readonly #miniSearch = new MiniSearch<IndexedTitle>(TITLE_INDEX_OPTIONS);
  /**
   * Titles not indexed yet. Indexing waits for the first lookup: at start-up it was an eighth of
   * loading a large corpus, and only `/source` and autocomplete read it.
   */
  readonly #pending = new Map<string, IndexedTitle>();

  add(document: DocumentMeta): void {
    this.#pending.set(document.id, {
      id: document.id,
      title: document.title,
      site: document.site ?? '',
      author: document.author ?? '',
    });
  }

  remove(documentId: string): void {
    if (this.#pending.delete(documentId)) return;
    if (this.#miniSearch.has(documentId)) this.#miniSearch.discard(documentId);
  }

  /**
   * Ids with scores, best first. Every word must match; if none does, any word may, unless
   * `allWords` is set.
   */
  search(
    query: string,
    visible: (documentId: string) => boolean,
    allWords = false,
  ): Array<{ id: string; score: number; bySource: boolean }> {
    if (this.#pending.size > 0) {
      this.#miniSearch.addAll([...this.#pending.values()]);
      this.#pending.clear();
    }
    const filter = (result: { id: unknown }) => visible(result.id as string);
    let results = this.#miniSearch.search(query, { filter });
    if (results.length === 0 && !allWords)
      results = this.#miniSearch.search(query, { filter, combineWith: 'OR' });
    return results.map((result) => ({
      id: result.id as string,
      score: result.score,
      bySource: Object.values(result.match).every(
        (fields) => fields.includes('site') || fields.includes('author'),
      ),
    }));
  }
}
