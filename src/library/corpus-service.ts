import { UserError } from '../core/errors.ts';
import type { Library } from '../core/library.ts';
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
import { contentHash } from '../store/content-hash.ts';
import { documentId } from '../store/document-id.ts';
import {
  DuplicateDocumentError,
  duplicateMessage,
  type AuditEntry,
  type Store,
  type StoredDocument,
  type StoredDocumentMeta,
} from '../store/store.ts';
import { urlKey } from '../store/url-key.ts';

/** What to add: a link, a Discord attachment, a local file or bytes (CLI), or pasted text. */
export type IngestInput =
  | { kind: 'url'; url: string }
  | ({ kind: 'attachment' } & AttachmentInput)
  | { kind: 'file'; path: string }
  | { kind: 'bytes'; bytes: Uint8Array; name: string; contentType?: string | undefined }
  | ({ kind: 'text' } & TextInput);

/**
 * Where an action happens: a server (a Discord command passes its own id), or the operator at the
 * CLI, whose documents every server sees. The operator must say so with `operator: true`: a
 * `guildId` of null alone (discord.js's `interaction.guildId` in a DM) does not type-check and
 * throws at run time, so a missing server id cannot widen a document's audience to everyone.
 */
export type ScopeContext = { guildId: string } | { guildId: null; operator: true };

export type ActorContext = ScopeContext & {
  /** Who acts, for the audit log: a Discord user id, or `cli:<user>`. */
  actor: string;
};

/** The operator's scope, for the CLI. */
export const OPERATOR_SCOPE = { guildId: null, operator: true } as const satisfies ScopeContext;

/** The store's scope for a context: the server id, or null for the operator. Fails closed. */
function scopeOf(context: ScopeContext): string | null {
  if (typeof context.guildId === 'string' && context.guildId !== '') return context.guildId;
  if (context.guildId === null && 'operator' in context && context.operator === true) return null;
  throw new Error('CorpusService needs a server id, or operator: true for the command line');
}

export interface CorpusServiceOptions {
  library: Library;
  store: Store;
  /** How URLs and attachments are downloaded (loopback permission, limits, resolver). */
  fetch?: FetchOptions;
  /** Called after the library changed (add, remove, refresh): the index cache is stale. */
  onChange?: () => void;
  /**
   * Whether this process holds the documents of a server (null: every server's). A process
   * running a slice of the shards holds only its servers'; `refresh` passes over the others.
   * Default: every server's.
   */
  serves?: (guildId: string | null) => boolean;
  /**
   * Ids of the stored documents the library was opened with. Default: every stored id the
   * library holds (which would misjudge a stored document whose id a shipped one took).
   */
  held?: Iterable<string>;
}

/**
 * Adding and removing documents: ingestion to a preview, then one store transaction, then the
 * in-memory index. The Discord commands and the CLI both go through it.
 *
 * Scope rules: a server's documents are visible and removable only in that server; the
 * operator's (guildId null) are visible everywhere and removable only from the CLI; the shipped
 * corpus is never removed here (it is edited in `corpus/`).
 *
 * @example
 * const preview = await corpus.preview({ kind: 'url', url }, { guildId });
 * if (!preview.duplicate) await corpus.commit(preview, { guildId, actor: userId });
 */
export class CorpusService {
  readonly #library: Library;
  readonly #store: Store;
  readonly #fetch: FetchOptions;
  readonly #onChange: () => void;
  /** Ids of stored documents the library holds. */
  readonly #held = new Set<string>();
  #dataVersion: number;
  readonly #serves: (guildId: string | null) => boolean;
  #shippedByHash: Map<string, CorpusDocument> | undefined;

  constructor(options: CorpusServiceOptions) {
    this.#library = options.library;
    this.#store = options.store;
    this.#fetch = options.fetch ?? {};
    this.#onChange = options.onChange ?? (() => {});
    this.#serves = options.serves ?? (() => true);
    this.#dataVersion = this.#store.dataVersion();
    const held =
      options.held ??
      this.#store
        .listDocuments()
        .map(({ id }) => id)
        .filter((id) => this.#library.getDocument(id));
    for (const id of held) this.#held.add(id);
  }

  /**
   * Downloads or reads the input and returns what would be stored, with any duplicate in the
   * scope. Writes nothing. Failures are UserErrors of one sentence.
   */
  async preview(input: IngestInput, context: ScopeContext): Promise<IngestPreview> {
    scopeOf(context);
    const preview = await this.#ingest(input);
    return { ...preview, duplicate: this.findDuplicate(preview, context) };
  }

  /** A preview with edited metadata (validated; a UserError names a bad field). */
  edit(preview: IngestPreview, edits: Parameters<typeof editPreview>[1]): IngestPreview {
    return editPreview(preview, edits);
  }

  /** The document an add in `context` would duplicate: same address or same text. */
  findDuplicate(
    preview: Pick<IngestPreview, 'urls' | 'contentHash'>,
    context: ScopeContext,
  ): PreviewDuplicate | undefined {
    const shipped = this.#shippedDuplicate(preview);
    if (shipped) return shipped;
    const stored = this.#store.findDuplicate({ ...preview, guildId: scopeOf(context) });
    return stored && toPreviewDuplicate(stored.reason, stored.document);
  }

  /**
   * Stores the previewed document in `context`'s scope (one transaction with its audit entry),
   * then indexes it. A duplicate, or metadata that does not validate, is refused with a
   * UserError and nothing is written; a store failure is a StoreError and nothing is written.
   */
  async commit(preview: IngestPreview, context: ActorContext): Promise<StoredDocumentMeta> {
    const guildId = scopeOf(context);
    // The preview may have travelled through the Discord layer: validate what is written.
    const checked = editPreview(preview, {});
    requireReadableText(checked.text, 'the document');
    const hash = contentHash(checked.text);
    const shipped = this.#shippedDuplicate({ urls: checked.urls, contentHash: hash });
    if (shipped) throw new DuplicateDocumentError({ reason: shipped.reason, document: shipped });
    const id = documentId(
      checked.title,
      hash,
      (candidate) =>
        this.#store.hasDocument(candidate) || this.#library.getDocument(candidate) !== undefined,
    );
    const stored = this.#store.addDocument(
      {
        id,
        guildId,
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
      { actor: context.actor },
    );
    try {
      this.#library.add(toCorpusDocument(stored));
    } catch (error) {
      // The index refused what the store accepted: undo the add so both agree again.
      this.#store.undoAdd(id);
      throw error;
    }
    this.#held.add(id);
    this.#onChange();
    const { text: _text, ...meta } = stored;
    return meta;
  }

  /**
   * Removes an added document of `context`'s scope (store transaction with audit, then the
   * index). Shipped documents, unknown ids and another server's documents are refused with a
   * UserError; a server is never told that another server's document exists.
   */
  async remove(id: string, context: ActorContext): Promise<StoredDocumentMeta> {
    const guildId = scopeOf(context);
    const trimmed = id.trim();
    const stored = this.#store.getDocument(trimmed);
    if (!stored || (stored.guildId !== null && stored.guildId !== guildId)) {
      if (stored && guildId === null) {
        throw new UserError(
          `“${stored.title}” (${stored.id}) belongs to server ${stored.guildId}: pass --guild ${stored.guildId} to remove it.`,
        );
      }
      const shipped = !stored && this.#library.getDocument(trimmed);
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
    if (stored.guildId !== guildId) {
      throw new UserError(
        `“${stored.title}” was added for every server; it can only be removed from the command line.`,
      );
    }
    const removed = this.#store.removeDocument(trimmed, guildId, context.actor);
    if (!removed) throw new UserError(`“${stored.title}” was removed a moment ago.`);
    if (this.#held.delete(trimmed)) {
      this.#library.remove(trimmed);
      this.#onChange();
    }
    return removed;
  }

  /** The documents added in `context`'s scope, most recent first (no shipped ones). */
  list(context: ScopeContext): StoredDocumentMeta[] {
    return this.#store.listDocuments({ guildId: scopeOf(context) });
  }

  /** Who added and removed what in `context`'s scope, newest first. */
  history(context: ScopeContext, limit = 50): AuditEntry[] {
    return this.#store.history({ guildId: scopeOf(context) }, limit);
  }

  /** Whether `id` is a document added through the store (as opposed to a shipped one). */
  isAdded(id: string): boolean {
    return this.#held.has(id) || this.#store.hasDocument(id);
  }

  /**
   * Brings the library up to date with documents another process (the CLI, a second bot)
   * added or removed. Costs one pragma when nothing changed, so it can run before each command.
   */
  refresh(): { added: number; removed: number } {
    const version = this.#store.dataVersion();
    if (version === this.#dataVersion) return { added: 0, removed: 0 };
    this.#dataVersion = version;
    const current = new Set(
      this.#store
        .listDocuments()
        .filter((document) => this.#serves(document.guildId))
        .map((document) => document.id),
    );
    let added = 0;
    let removed = 0;
    for (const id of [...this.#held]) {
      if (current.has(id)) continue;
      this.#library.remove(id);
      this.#held.delete(id);
      removed++;
    }
    for (const id of current) {
      if (this.#held.has(id) || this.#library.getDocument(id)) continue;
      const document = this.#store.getDocument(id);
      if (!document) continue;
      this.#library.add(toCorpusDocument(document));
      this.#held.add(id);
      added++;
    }
    if (added + removed > 0) this.#onChange();
    return { added, removed };
  }

  /** Ids of the stored documents the library holds, for the index cache. */
  heldIds(): ReadonlySet<string> {
    return this.#held;
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
  #shippedDuplicate(
    preview: Pick<IngestPreview, 'urls' | 'contentHash'>,
  ): PreviewDuplicate | undefined {
    const shipped = this.#shipped();
    const keys = new Set(preview.urls.map(urlKey).filter(Boolean));
    for (const document of shipped.values()) {
      if (document.url && keys.has(urlKey(document.url)))
        return toPreviewDuplicate('url', document);
    }
    const same = shipped.get(preview.contentHash);
    return same && toPreviewDuplicate('content', same);
  }

  #shipped(): Map<string, CorpusDocument> {
    if (!this.#shippedByHash) {
      this.#shippedByHash = new Map();
      for (const { id } of this.#library.listDocuments()) {
        const document = this.#library.getDocument(id);
        if (!document || this.isAdded(id)) continue;
        this.#shippedByHash.set(contentHash(document.text), document);
      }
    }
    return this.#shippedByHash;
  }
}

/** A stored document as the library holds it: a server's, or visible everywhere. */
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
    scope:
      document.guildId === null
        ? { kind: 'shipped' }
        : { kind: 'guild', guildId: document.guildId },
  };
}

function toPreviewDuplicate(
  reason: PreviewDuplicate['reason'],
  document: { id: string; title: string },
): PreviewDuplicate {
  return {
    id: document.id,
    title: document.title,
    reason,
    message: duplicateMessage(reason, document),
  };
}
