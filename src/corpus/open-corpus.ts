import type { CorpusIndex } from '../core/corpus-index.ts';
import { servesScope, type ShardSlice } from '../core/shard-slice.ts';
import type { Scope } from '../core/scope.ts';
import type { CorpusDocument } from '../core/types.ts';
import type { FetchOptions } from '../ingest/fetch.ts';
import { openStore, type OpenStoreOptions, type Store } from '../store/store.ts';
import { CorpusService, toCorpusDocument } from './corpus-service.ts';
import { corpusFingerprint, indexCacheFile, writeIndexCache } from './index-cache.ts';
import {
  openCorpusIndexWithSource,
  type OpenedCorpusIndex,
  type OpenCorpusIndexOptions,
} from './open-index.ts';

export interface OpenCorpusOptions extends Omit<OpenCorpusIndexOptions, 'addedDocuments'> {
  /** How URLs and attachments are downloaded (loopback permission, limits, resolver). */
  fetch?: FetchOptions;
  /** How long after the last change the index cache is saved (default 5 s). */
  saveDelayMs?: number;
  /** Which store and how it opens: `databaseUrl` for PostgreSQL; test seams. */
  store?: OpenStoreOptions;
  /**
   * The shards this process runs. It then holds the documents for every server and those of
   * the servers on its shards, not every server's. Default: every server's.
   */
  slice?: ShardSlice | undefined;
  /**
   * Apply other processes' adds and removes as they commit (a running bot). Without, they are
   * applied when `corpus.refresh()` is called (the CLI, which is short-lived).
   */
  follow?: boolean | { pollMs?: number | undefined };
}

export interface OpenedCorpus {
  corpus: CorpusIndex;
  store: Store;
  corpusService: CorpusService;
  indexSource: OpenedCorpusIndex['indexSource'];
  /** Saves the index cache now if documents changed since it was saved. */
  saveIndex(): Promise<void>;
  /** Saves the index cache if stale and closes the store. */
  close(): Promise<void>;
}

/**
 * Opens everything a running Footnote holds: the store in `dataDir`, and a corpus index of the
 * shipped corpus plus every stored document, indexed together.
 *
 * The index cache covers the stored documents too. Indexing costs about 9 ms per 12 kB document,
 * so rebuilding a server's few hundred added documents at every start would undo the cache's
 * point; instead the cache is saved a few seconds after each change (and on close), with a
 * fingerprint of exactly the documents the saved index holds. A start after a crash, or after
 * another process changed the store, finds a stale fingerprint and rebuilds from the store: the
 * index is always the store's, never the other way round.
 *
 * @example
 * const { corpus, corpusService, close } = await openCorpus({ dataDir: './data' });
 * const preview = await corpus.preview({ kind: 'url', url }, guildScope(guildId));
 */
export async function openCorpus(options: OpenCorpusOptions): Promise<OpenedCorpus> {
  const store = await openStore(options.dataDir, options.store);
  try {
    const serves = (scope: Scope) => servesScope(options.slice, scope);
    // The position first, then the documents: a change between the two is applied again later,
    // harmlessly (applying is idempotent); read the other way round, it could be missed.
    const changesAfter = await store.lastChangeId();
    const added = (await store.allDocuments())
      .filter((document) => serves(document.scope))
      .map(toCorpusDocument);
    const indexFile = indexCacheFile(options.slice);
    const opened = await openCorpusIndexWithSource({
      ...options,
      addedDocuments: added,
      indexFile,
    });
    // A stored document whose id a shipped one took is not loaded (open-index.ts warns): not held.
    const loaded = new Set(opened.documents);
    const { corpus } = opened;
    const saveDelayMs = options.saveDelayMs ?? 5_000;
    let dirty = false;
    let timer: NodeJS.Timeout | undefined;
    let saving: Promise<void> = Promise.resolve();

    const corpusService = new CorpusService({
      corpus,
      store,
      fetch: options.fetch,
      serves,
      held: added.filter((document) => loaded.has(document)).map((document) => document.id),
      changesAfter,
      follow: options.follow,
      onWarning: options.onWarning,
    });
    // Any change makes the saved index stale: save again a few seconds after the last one.
    corpusService.on('changed', () => {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(() => void saveIndex(), saveDelayMs);
      timer.unref();
    });
    const addedSet = new Set<CorpusDocument>(added);
    const shipped = opened.documents.filter((document) => !addedSet.has(document));

    async function saveIndex(): Promise<void> {
      clearTimeout(timer);
      await saving;
      if (!dirty) return;
      dirty = false;
      // One synchronous snapshot: the fingerprint describes exactly the index serialized with it.
      const held = [...corpusService.heldIds()].flatMap((id) => {
        const document = corpus.getDocument(id);
        return document ? [document] : [];
      });
      const documents = [...shipped, ...held];
      const fingerprint = corpusFingerprint(documents);
      const index = corpus.serializeIndex();
      saving = writeIndexCache(options.dataDir, fingerprint, index, {
        file: indexFile,
        documents,
      }).catch((error: unknown) => {
        options.onWarning?.(
          `Could not save the index in ${options.dataDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      });
      await saving;
    }

    return {
      corpus,
      store,
      corpusService,
      indexSource: opened.indexSource,
      saveIndex,
      close: async () => {
        await corpusService.close();
        await saveIndex();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
