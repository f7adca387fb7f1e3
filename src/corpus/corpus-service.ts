import { UserError } from '../core/errors.ts';
import type { CorpusIndex } from '../core/corpus-index.ts';
import { guildIdOf, requireScope, sameScope, type Scope } from '../core/scope.ts';
import type { CorpusDocument } from '../core/types.ts';
import type { FetchOptions } from '../ingest/fetch.ts';
import { requireReadableText, toLanguageTag } from '../ingest/text.ts';
import {
  DEFAULT_LANGUAGE,
  editPreview,
  ingestAttachment,
  ingestBytes,
  ingestFile,
  ingestText,
  ingestUrl,
  type AttachmentInput,
  type IngestPreview,
  type PreviewDuplicate,
  type TextInput,
} from '../ingest/preview.ts';
import { contentHash } from '../core/content-hash.ts';
import { documentId } from '../store/document-id.ts';
import {
  DuplicateDocumentError,
  type AuditEntry,
  type Duplicate,
  type DuplicateCheck,
  type Store,
  type StoredDocument,
  type StoredDocumentMeta,
  type StoredOrigin,
} from '../store/store.ts';
import { followChanges, type ChangeFollower } from '../store/changes.ts';
import type { Change } from '../store/store.ts';
import { urlKey } from '../store/url-key.ts';

/**
 * An add refused because the document is already there (same address or text, in the scope, or
 * shipped): nothing was written. `duplicate` names it, as a preview shows it.
 */
export class AlreadyAddedError extends UserError {
  constructor(readonly duplicate: PreviewDuplicate) {
    super(duplicate.message);
  }
}

/** What to add: a link, a Discord attachment, a local file or bytes (CLI), or pasted text. */
export type IngestInput =
  | { kind: 'url'; url: string }
  | ({ kind: 'attachment' } & AttachmentInput)
  | { kind: 'file'; path: string }
  | { kind: 'bytes'; bytes: Uint8Array; name: string; contentType?: string | undefined }
  | ({ kind: 'text' } & TextInput);

/**
 * Who writes, and for whom: a moderator in a server (`origin: 'server'`, the server's scope), or
 * the operator at the command line (`origin: 'operator'`, the global scope or one server's).
 * Fails closed: a scope that is not a real one throws (`requireScope`), and a global write that
 * does not come from the operator throws, so a DM's missing server id can never widen a
 * document's audience to everyone.
 */
export interface ActorContext {
  scope: Scope;
  /** Who acts, for the audit log: a Discord user id, or `cli:<user>`. */
  actor: string;
  origin: StoredOrigin;
}

/** The context's scope, checked: a server's, or global from the operator only. */
function writeScope(context: ActorContext): Scope {
  const scope = requireScope(context.scope);
  if (context.origin !== 'operator' && context.origin !== 'server')
    throw new Error(`Unknown origin ${String(context.origin)}: 'operator' or 'server'`);
  if (scope.kind === 'global' && context.origin !== 'operator')
    throw new Error('Only the operator (the command line) writes for every server');
  return scope;
}

/**
 * What changed in the corpus index, as `CorpusService` announces it: the ids added and removed, and
 * whether this process made the change (`local`) or applied it from the store's changes
 * (`store`: another process made it). The index cache and the shards listen.
 */
export interface CorpusChange {
  added: readonly string[];
  removed: readonly string[];
  from: 'local' | 'store';
}

export interface CorpusServiceOptions {
  corpus: CorpusIndex;
  store: Store;
  /** How URLs and attachments are downloaded (loopback permission, limits, resolver). */
  fetch?: FetchOptions;
  /** Ids of the stored documents the corpus index was opened with. */
  held: Iterable<string>;
  /** The store's last change id read before those documents were: changes after it are applied. */
  changesAfter: number;
  /**
   * Whether this process holds the documents of a scope. A process running a slice of the
   * shards holds only its servers' (and the global ones); changes of the others pass it by.
   * Default: every scope's.
   */
  serves?: (scope: Scope) => boolean;
  /**
   * Apply other processes' changes as they are committed (the bot): a CLI add is answerable
   * within a second. Without, `refresh()` applies them on demand. `pollMs` as in `watchChanges`.
   */
  follow?: boolean | { pollMs?: number | undefined } | undefined;
  /** A change of another process could not be applied (it is skipped), or the watch failed. */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * Adding and removing documents: ingestion to a preview, then one store transaction, then the
 * in-memory index. The Discord commands and the CLI both go through it.
 *
 * Duplicates are decided once, by the store inside the add's write transaction (shipped
 * documents included, through `alsoDuplicates`): of two moderators adding the same document at
 * once, one succeeds and the other gets `AlreadyAddedError`. A preview runs the same check
 * read-only, as a hint to the moderator; it decides nothing.
 *
 * Scope rules: a server's documents are visible and removable only in that server; global ones
 * (added by the operator) are visible everywhere and removable only from the CLI; the shipped
 * corpus is never removed here (it is edited in `corpus/`).
 *
 * @example
 * const scope = guildScope(interaction.guildId);
 * const preview = await corpus.preview({ kind: 'url', url }, scope);
 * if (!preview.duplicate) await corpus.commit(preview, { scope, actor: userId, origin: 'server' });
 */
export class CorpusService {
  readonly #index: CorpusIndex;
  readonly #store: Store;
  readonly #fetch: FetchOptions;
  readonly #listeners = new Set<(change: CorpusChange) => void>();
  /** Ids of stored documents the corpus index holds. */
  readonly #held = new Set<string>();
  readonly #serves: (scope: Scope) => boolean;
  readonly #follower: ChangeFollower;
  readonly #onWarning: (message: string) => void;
  /** Documents added and removed by applying changes, for `refresh`'s report. */
  readonly #applied = { added: 0, removed: 0 };
  #shippedByHash: Map<string, CorpusDocument> | undefined;
  /** The shipped documents an add must not duplicate, for the store's check. */
  readonly #shippedDuplicate: DuplicateCheck = (query) => this.#findShipped(query);

  constructor(options: CorpusServiceOptions) {
    this.#index = options.corpus;
    this.#store = options.store;
    this.#fetch = options.fetch ?? {};
    this.#serves = options.serves ?? (() => true);
    this.#onWarning = options.onWarning ?? (() => {});
    for (const id of options.held) this.#held.add(id);
    const follow = options.follow ?? false;
    this.#follower = followChanges(this.#store, {
      after: options.changesAfter,
      apply: (changes) => this.#apply(changes),
      resync: () => this.#resync(),
      watch: follow !== false,
      pollMs: typeof follow === 'object' ? follow.pollMs : undefined,
      onError: (error) => this.#onWarning(`Could not follow the store's changes: ${error.message}`),
    });
  }

  /**
   * Downloads or reads the input and returns what would be stored, with any duplicate in the
   * scope as a hint (`commit` decides). Writes nothing. Failures are UserErrors of one sentence.
   */
  async preview(input: IngestInput, scope: Scope): Promise<IngestPreview> {
    const checked = requireScope(scope);
    const preview = await this.#ingest(input);
    const duplicate = await this.#store.findDuplicate(
      { urls: preview.urls, contentHash: preview.contentHash, scope: checked },
      this.#shippedDuplicate,
    );
    return { ...preview, duplicate: duplicate && toPreviewDuplicate(duplicate) };
  }

  /** A preview with edited metadata (validated; a UserError names a bad field). */
  edit(preview: IngestPreview, edits: Parameters<typeof editPreview>[1]): IngestPreview {
    return editPreview(preview, edits);
  }

  /**
   * Stores the previewed document in `context`'s scope (one transaction with its audit entry),
   * then indexes it. A duplicate is refused with `AlreadyAddedError`, metadata that does not
   * validate with a UserError, a store failure with a StoreError: in each case nothing is written.
   */
  async commit(preview: IngestPreview, context: ActorContext): Promise<StoredDocumentMeta> {
    const scope = writeScope(context);
    // The preview may have travelled through the Discord layer: validate what is written.
    const checked = editPreview(preview, {});
    requireReadableText(checked.text, 'the document');
    const hash = contentHash(checked.text);
    // Every longer candidate starts with the first one: one query finds the stored ids in the
    // way (another process taking the same text meanwhile is a duplicate, refused in the write).
    const storedIds = await this.#store.idsStartingWith(
      documentId(checked.title, hash, () => false),
    );
    const id = documentId(
      checked.title,
      hash,
      (candidate) => storedIds.has(candidate) || this.#index.getDocument(candidate) !== undefined,
    );
    const stored = await this.#addOnce(
      {
        id,
        scope,
        origin: context.origin,
        title: checked.title,
        site: checked.site,
        author: checked.author,
        publishedAt: checked.publishedAt,
        url: checked.url,
        language: toLanguageTag(checked.language) ?? DEFAULT_LANGUAGE,
        text: checked.text,
        contentHash: hash,
        source: checked.source,
        urls: checked.urls,
      },
      context.actor,
    );
    try {
      // Following changes may have indexed it already, while the write was being acknowledged.
      if (!this.#held.has(id)) this.#index.add(toCorpusDocument(stored));
    } catch (error) {
      // The index refused what the store accepted: undo the add so both agree again.
      await this.#store.undoAdd(id);
      throw error;
    }
    this.#held.add(id);
    this.#emit({ added: [id], removed: [], from: 'local' });
    const { text: _text, ...meta } = stored;
    return meta;
  }

  /** The store's add, with its duplicate check worded for people. */
  async #addOnce(document: Parameters<Store['addDocument']>[0], actor: string) {
    try {
      return await this.#store.addDocument(
        document,
        { actor },
        { alsoDuplicates: this.#shippedDuplicate },
      );
    } catch (error) {
      if (error instanceof DuplicateDocumentError)
        throw new AlreadyAddedError(toPreviewDuplicate(error.duplicate));
      throw error;
    }
  }

  /**
   * Removes an added document of `context`'s scope (store transaction with audit, then the
   * index). Shipped documents, unknown ids and another server's documents are refused with a
   * UserError; a server is never told that another server's document exists.
   */
  async remove(id: string, context: ActorContext): Promise<StoredDocumentMeta> {
    const scope = writeScope(context);
    const guildId = guildIdOf(scope);
    const trimmed = id.trim();
    const stored = await this.#store.getDocument(trimmed);
    if (!stored || (stored.scope.kind === 'guild' && stored.scope.guildId !== guildId)) {
      if (stored?.scope.kind === 'guild' && scope.kind === 'global') {
        const owner = stored.scope.guildId;
        throw new UserError(
          `“${stored.title}” (${stored.id}) belongs to server ${owner}: pass --guild ${owner} to remove it.`,
        );
      }
      const shipped = !stored && this.#index.getDocument(trimmed);
      if (shipped) {
        throw new UserError(
          guildId === null
            ? `“${shipped.title}” ships with Footnote: remove it from corpus/manifest.json instead.`
            : `“${shipped.title}” ships with Footnote and cannot be removed from a server.`,
        );
      }
      throw new UserError(
        guildId === null
          ? `No added document has the id “${trimmed}”.`
          : `No document added in this server has the id “${trimmed}”.`,
      );
    }
    if (!sameScope(stored.scope, scope)) {
      throw new UserError(
        `“${stored.title}” was added for every server; it can only be removed from the command line.`,
      );
    }
    const removed = await this.#store.removeDocument(trimmed, scope, context.actor);
    if (!removed) throw new UserError(`“${stored.title}” was removed a moment ago.`);
    if (this.#held.delete(trimmed)) {
      this.#index.remove(trimmed);
      this.#emit({ added: [], removed: [trimmed], from: 'local' });
    }
    return removed;
  }

  /**
   * The documents added in `scope` (a server's own, or the global ones), most recent first; no
   * shipped ones.
   */
  list(scope: Scope): Promise<StoredDocumentMeta[]> {
    return this.#store.listDocuments(requireScope(scope));
  }

  /** Who added and removed what in `scope`, newest first. */
  history(scope: Scope, limit = 50): Promise<AuditEntry[]> {
    return this.#store.history(requireScope(scope), limit);
  }

  /** Whether `id` is a document added through the store (as opposed to a shipped one). */
  async isAdded(id: string): Promise<boolean> {
    return this.#held.has(id) || (await this.#store.hasDocument(id));
  }

  /**
   * Brings the corpus index up to date with documents another process (the CLI, another shard or
   * host) added or removed since the last change applied: two lookups by key when nothing
   * changed (the changes after it, the pruned mark), so it can run before each command. Reports what this call's catch-up applied.
   */
  async refresh(): Promise<{ added: number; removed: number }> {
    const before = { ...this.#applied };
    await this.#follower.catchUp();
    return {
      added: this.#applied.added - before.added,
      removed: this.#applied.removed - before.removed,
    };
  }

  /** The id of the last change of the store this corpus index reflects. */
  get lastAppliedChange(): number {
    return this.#follower.lastApplied;
  }

  /** Stops following the store's changes (before the store closes). */
  close(): Promise<void> {
    return this.#follower.close();
  }

  /** Ids of the stored documents the corpus index holds, for the index cache. */
  heldIds(): ReadonlySet<string> {
    return this.#held;
  }

  /**
   * Applies changes from the store, oldest first. Idempotent: a change this process made itself,
   * or one replayed after a restart, finds the corpus index already as it says.
   */
  async #apply(changes: readonly Change[]): Promise<void> {
    const added: string[] = [];
    const removed: string[] = [];
    for (const change of changes) {
      const id = change.documentId;
      if (change.kind === 'remove') {
        if (this.#dropHeld(id)) removed.push(id);
        continue;
      }
      if (this.#serves(change.scope) && (await this.#indexStored(id))) added.push(id);
    }
    if (added.length + removed.length > 0) this.#emit({ added, removed, from: 'store' });
  }

  /** Removes a stored document this process holds from the index; false when it held none. */
  #dropHeld(id: string): boolean {
    if (!this.#held.delete(id)) return false;
    this.#index.remove(id);
    this.#applied.removed++;
    return true;
  }

  /**
   * Indexes a stored document this process does not hold yet; false when it holds it already,
   * when the store no longer has it (a later change removes it: nothing to add), or when it
   * cannot be indexed (said as a warning).
   */
  async #indexStored(id: string): Promise<boolean> {
    if (this.#held.has(id) || this.#index.getDocument(id)) return false;
    const document = await this.#store.getDocument(id);
    if (!document || this.#held.has(id) || this.#index.getDocument(id)) return false;
    try {
      this.#index.add(toCorpusDocument(document));
    } catch (error) {
      this.#onWarning(`Could not index “${document.title}” (${id}): ${(error as Error).message}`);
      return false;
    }
    this.#held.add(id);
    this.#applied.added++;
    return true;
  }

  /**
   * Brings the held documents to the store's when changes this process had not applied were
   * pruned (it was cut off from the store for longer than they are kept): every stored document
   * it does not hold is indexed, every one it holds that the store no longer has is removed.
   * Returns the change id read before the documents, from which following resumes; a change
   * committed between the two is applied again, harmlessly (`#apply` is idempotent).
   */
  async #resync(): Promise<number> {
    const position = await this.#store.lastChangeId();
    const stored = new Map(
      (await this.#store.listDocuments())
        .filter((document) => this.#serves(document.scope))
        .map((document) => [document.id, document]),
    );
    const added: string[] = [];
    const removed: string[] = [];
    for (const id of [...this.#held]) {
      if (!stored.has(id) && this.#dropHeld(id)) removed.push(id);
    }
    for (const id of stored.keys()) {
      if (await this.#indexStored(id)) added.push(id);
    }
    this.#onWarning(
      `This process fell behind the store's changes (those it had not applied were pruned): ` +
        `reloaded its documents from the store (${added.length} added, ${removed.length} removed).`,
    );
    if (added.length + removed.length > 0) this.#emit({ added, removed, from: 'store' });
    return position;
  }

  /**
   * Calls `listener` after every change to the corpus index (add, remove, a change applied from the
   * store), once the index holds it. Returns a function that stops the calls.
   *
   * @example
   * corpus.on('changed', ({ added, removed }) => log.info({ added, removed }, 'corpus changed'));
   */
  on(event: 'changed', listener: (change: CorpusChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A listener that throws must not undo a change the store and the index both hold. */
  #emit(change: CorpusChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#onWarning(`A listener of corpus changes failed: ${(error as Error).message}`);
      }
    }
  }

  #ingest(input: IngestInput): Promise<IngestPreview> {
    switch (input.kind) {
      case 'url':
        return ingestUrl(input.url, this.#fetch);
      case 'attachment':
        return ingestAttachment(input, this.#fetch);
      case 'file':
        return ingestFile(input.path, this.#fetch);
      case 'bytes':
        return ingestBytes(input.bytes, {
          name: input.name,
          contentType: input.contentType,
          maxBytes: this.#fetch.maxBytes,
        });
      case 'text':
        return Promise.resolve().then(() => ingestText(input));
    }
  }

  /** Shipped documents are compared by address and text, whatever the scope: everyone sees them. */
  #findShipped(query: { urls?: readonly string[] | undefined; contentHash: string }) {
    const shipped = this.#shipped();
    const keys = new Set((query.urls ?? []).map(urlKey).filter(Boolean));
    for (const document of shipped.values()) {
      if (document.url && keys.has(urlKey(document.url)))
        return { reason: 'url' as const, document };
    }
    const same = shipped.get(query.contentHash);
    return same && { reason: 'content' as const, document: same };
  }

  #shipped(): Map<string, CorpusDocument> {
    if (!this.#shippedByHash) {
      this.#shippedByHash = new Map();
      for (const { id } of this.#index.listDocuments()) {
        const document = this.#index.getDocument(id);
        if (!document || this.#held.has(id)) continue;
        this.#shippedByHash.set(contentHash(document.text), document);
      }
    }
    return this.#shippedByHash;
  }
}

/** A stored document as the corpus index holds it: its scope and origin as the store keeps them. */
export function toCorpusDocument(document: StoredDocument): CorpusDocument {
  return {
    id: document.id,
    title: document.title,
    site: document.site,
    author: document.author,
    publishedAt: document.publishedAt,
    url: document.url,
    language: document.language,
    text: document.text,
    scope: document.scope,
    origin: document.origin,
  };
}

/** A duplicate as the moderator reads it: the existing document named in one sentence. */
function toPreviewDuplicate({ reason, document }: Duplicate): PreviewDuplicate {
  return {
    id: document.id,
    title: document.title,
    reason,
    message:
      reason === 'url'
        ? `That address was already added as “${document.title}” (${document.id}).`
        : `The same text was already added as “${document.title}” (${document.id}).`,
  };
}
