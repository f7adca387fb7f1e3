import { Library } from '../core/library.ts';
import type { CorpusDocument } from '../core/types.ts';
import type { Vocabulary } from '../core/vocabulary.ts';
import { loadShippedCorpus, loadVocabulary, SHIPPED_CORPUS_DIR } from './corpus-loader.ts';
import { corpusFingerprint, readIndexCache, writeIndexCache } from './index-cache.ts';

export interface OpenLibraryOptions {
  /** Folder of the shipped corpus (default: `corpus/` of this package). */
  corpusDir?: string;
  /** Where Footnote keeps what it writes (the index cache). Created on first use. */
  dataDir: string;
  /** Overrides `vocabulary.json` of the corpus folder (benchmarks compare with and without). */
  vocabulary?: Vocabulary;
  /** Told when the saved index could not be used or written; the library works regardless. */
  onWarning?: (message: string) => void;
  /**
   * Documents added at run time (the store's), held and indexed with the shipped corpus. The
   * cache fingerprint covers them too, so a cache saved after adds loads without a rebuild.
   */
  addedDocuments?: readonly CorpusDocument[];
}

/** How the library came to be, for logs and the cold-start benchmark. */
export interface OpenedLibrary {
  library: Library;
  indexSource: 'cache' | 'built';
  /** Every document the library was opened with, shipped and added. */
  documents: CorpusDocument[];
}

/**
 * Loads the shipped corpus and its passage index: from the cache in `dataDir` when it matches
 * the corpus and the index schema, otherwise built and saved for next time.
 */
export async function openLibrary(options: OpenLibraryOptions): Promise<Library> {
  return (await openLibraryWithSource(options)).library;
}

export async function openLibraryWithSource(options: OpenLibraryOptions): Promise<OpenedLibrary> {
  const corpusDir = options.corpusDir ?? SHIPPED_CORPUS_DIR;
  const shipped = await loadShippedCorpus(corpusDir);
  const shippedIds = new Set(shipped.map((document) => document.id));
  const added = (options.addedDocuments ?? []).filter((document) => {
    if (!shippedIds.has(document.id)) return true;
    options.onWarning?.(`Added document ${document.id} is not loaded: a shipped one has its id.`);
    return false;
  });
  const documents = [...shipped, ...added];
  const vocabulary = options.vocabulary ?? (await loadVocabulary(corpusDir));
  const fingerprint = corpusFingerprint(documents);
  const cached = await readIndexCache(options.dataDir, fingerprint);
  if (cached) {
    try {
      const library = new Library(documents, cached, vocabulary);
      return { library, indexSource: 'cache', documents };
    } catch (error) {
      options.onWarning?.(
        `The saved index was unusable and is rebuilt: ${(error as Error).message}`,
      );
    }
  }
  const library = new Library(documents, undefined, vocabulary);
  try {
    await writeIndexCache(options.dataDir, fingerprint, library.serializeIndex());
  } catch (error) {
    options.onWarning?.(
      `Could not save the index in ${options.dataDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return { library, indexSource: 'built', documents };
}
