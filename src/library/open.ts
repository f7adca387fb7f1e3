import { Library } from '../core/library.ts';
import { loadShippedCorpus, SHIPPED_CORPUS_DIR } from './corpus-loader.ts';
import { corpusFingerprint, readIndexCache, writeIndexCache } from './index-cache.ts';

export interface OpenLibraryOptions {
  /** Folder of the shipped corpus (default: `corpus/` of this package). */
  corpusDir?: string;
  /** Where Footnote keeps what it writes (the index cache). Created on first use. */
  dataDir: string;
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
  const documents = await loadShippedCorpus(options.corpusDir ?? SHIPPED_CORPUS_DIR);
  const fingerprint = corpusFingerprint(documents);
  const cached = await readIndexCache(options.dataDir, fingerprint);
  if (cached) {
    try {
      return { library: new Library(documents, cached), indexSource: 'cache' };
    } catch (error) {
      options.onWarning?.(
        `The saved index was unusable and is rebuilt: ${(error as Error).message}`,
      );
    }
  }
  const library = new Library(documents);
  try {
    await writeIndexCache(options.dataDir, fingerprint, library.serializeIndex());
  } catch (error) {
    options.onWarning?.(
      `Could not save the index in ${options.dataDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return { library, indexSource: 'built' };
}
