import { Library } from '../core/library.ts';
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
}

/** How the library came to be, for logs and the cold-start benchmark. */
export interface OpenedLibrary {
  library: Library;
  indexSource: 'cache' | 'built';
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
  const documents = await loadShippedCorpus(corpusDir);
  const vocabulary = options.vocabulary ?? (await loadVocabulary(corpusDir));
  const fingerprint = corpusFingerprint(documents);
  const cached = await readIndexCache(options.dataDir, fingerprint);
  if (cached) {
    try {
      return { library: new Library(documents, cached, vocabulary), indexSource: 'cache' };
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
  return { library, indexSource: 'built' };
}
