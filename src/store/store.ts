import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import DatabaseConstructor, { type Database } from 'better-sqlite3';
import { UserError } from '../core/errors.ts';
import type { DocumentMeta } from '../core/types.ts';
import { contentHash } from './content-hash.ts';
import { StoreError, storeFailure } from './errors.ts';
import { migrate, MIGRATIONS, type Migration } from './migrations.ts';
import { urlKey } from './url-key.ts';

/** The database file inside the data directory. */
export const STORE_FILE = 'footnote.db';

export type SourceKind = 'url' | 'attachment' | 'file' | 'text';

/** Where a document came from: the URL asked for, the file or attachment name, or the modal. */
export interface DocumentSource {
  kind: SourceKind;
  ref: string;
}

/** A stored document without its text, for lists. */
export interface StoredDocumentMeta extends DocumentMeta {
  /** The server that owns it; null for documents the operator added, visible everywhere. */
  guildId: string | null;
  contentHash: string;
  source: DocumentSource;
  addedBy: string;
  /** ISO 8601 timestamp. */
  addedAt: string;
  /** Length of the text in characters. */
  length: number;
}

export interface StoredDocument extends StoredDocumentMeta {
  text: string;
}

/** What `addDocument` writes. `contentHash` must be `contentHash(text)`. */
export interface NewDocument extends DocumentMeta {
  guildId: string | null;
  text: string;
  contentHash: string;
  source: DocumentSource;
  /** Every URL the document is known by (asked for, after redirects, canonical). */
  urls?: readonly string[] | undefined;
}

/** Who did it and when (default: now). */
export interface AuditInput {
  actor: string;
  at?: Date | undefined;
}

export interface AuditEntry {
  id: number;
  action: 'add' | 'remove';
  documentId: string;
  guildId: string | null;
  actor: string;
  /** ISO 8601 timestamp. */
  at: string;
  /** "url: https://…", "attachment: report.pdf", "text: pasted", … */
  source: string;
  contentHash: string;
  title: string;
}

/** Which documents a query covers: one server's (`guildId`), or the operator's (`null`). */
export interface StoreScope {
  guildId: string | null;
}

export interface DuplicateQuery {
  /** The addresses the new document is known by; compared after `urlKey` normalization. */
  urls?: readonly string[] | undefined;
  contentHash: string;
  /**
   * The scope it would be added to. A server's document is compared with that server's and the
   * operator's documents (another server's are none of its business); an operator's with all.
   */
  guildId: string | null;
}

export interface Duplicate {
  document: StoredDocumentMeta;
  reason: 'url' | 'content';
}

/** The document is already stored; the message names it. Nothing was written. */
export class DuplicateDocumentError extends UserError {
  constructor(
    readonly duplicate: Pick<Duplicate, 'reason'> & {
      document: Pick<DocumentMeta, 'id' | 'title'>;
    },
  ) {
    super(duplicateMessage(duplicate.reason, duplicate.document));
  }
}

export function duplicateMessage(
  reason: Duplicate['reason'],
  document: Pick<DocumentMeta, 'id' | 'title'>,
): string {
  return reason === 'url'
    ? `That address was already added as “${document.title}” (${document.id}).`
    : `The same text was already added as “${document.title}” (${document.id}).`;
}

export interface OpenStoreOptions {
  /** Test seam: runs on the connection after it is opened and migrated (pragmas, triggers). */
  configure?: (db: Database) => void;
  migrations?: readonly Migration[];
}

interface DocumentRow {
  id: string;
  guild_id: string | null;
  title: string;
  site: string | null;
  author: string | null;
  published_at: string | null;
  url: string | null;
  language: string;
  content_hash: string;
  source_kind: SourceKind;
  source_ref: string;
  added_by: string;
  added_at: string;
  length: number;
  text?: string;
}

interface AuditRow {
  id: number;
  action: 'add' | 'remove';
  document_id: string;
  guild_id: string | null;
  actor: string;
  at: string;
  source: string;
  content_hash: string;
  title: string;
}

const META_COLUMNS = `id, guild_id, title, site, author, published_at, url, language, content_hash,
  source_kind, source_ref, added_by, added_at, length(text) AS length`;

/**
 * Opens (creating if needed) the store in `dataDir`: SQLite in WAL mode with full fsync, foreign
 * keys on, migrated to the newest schema. Failures are a StoreError naming the directory.
 *
 * @example
 * const store = openStore('./data');
 * store.listDocuments({ guildId: '123456789012345678' });
 * store.close();
 */
export function openStore(dataDir: string, options: OpenStoreOptions = {}): Store {
  let db: Database | undefined;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = new DatabaseConstructor(join(dataDir, STORE_FILE));
    db.pragma('journal_mode = WAL');
    // FULL: a commit the caller was told about survives a power cut, not only a process crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, options.migrations ?? MIGRATIONS);
    options.configure?.(db);
    return new Store(db, dataDir);
  } catch (error) {
    db?.close();
    throw storeFailure(error, 'open the document store', dataDir);
  }
}

/**
 * The documents added to Footnote and the audit log of who added and removed what. Every write
 * is one transaction: a document, its addresses and its audit entry are stored together or not
 * at all. Synchronous (better-sqlite3), so a caller's check-then-write cannot interleave with
 * another write in the same process; SQLite's lock serializes other processes.
 */
export class Store {
  readonly #db: Database;
  readonly #dataDir: string;

  constructor(db: Database, dataDir: string) {
    this.#db = db;
    this.#dataDir = dataDir;
  }

  /**
   * Stores a document and its audit entry in one transaction. A duplicate (same text, or a URL
   * already known, in the scope the document would be visible in) is refused with a
   * DuplicateDocumentError; a taken id or a hash that does not match the text is a bug and throws.
   */
  addDocument(document: NewDocument, audit: AuditInput): StoredDocument {
    if (contentHash(document.text) !== document.contentHash)
      throw new Error(`content hash of ${document.id} does not match its text`);
    const at = (audit.at ?? new Date()).toISOString();
    const urlKeys = new Set(
      (document.urls ?? []).flatMap((url) => {
        const key = urlKey(url);
        return key ? [key] : [];
      }),
    );
    return this.#write('save the document', () => {
      const duplicate = this.#findDuplicate({
        urls: document.urls,
        contentHash: document.contentHash,
        guildId: document.guildId,
      });
      if (duplicate) throw new DuplicateDocumentError(duplicate);
      if (this.hasDocument(document.id)) throw new Error(`document id ${document.id} is taken`);
      this.#db
        .prepare(
          `INSERT INTO documents (id, guild_id, title, site, author, published_at, url, language,
             text, content_hash, source_kind, source_ref, added_by, added_at)
           VALUES (@id, @guildId, @title, @site, @author, @publishedAt, @url, @language,
             @text, @contentHash, @sourceKind, @sourceRef, @actor, @at)`,
        )
        .run({
          id: document.id,
          guildId: document.guildId,
          title: document.title,
          site: document.site ?? null,
          author: document.author ?? null,
          publishedAt: document.publishedAt ?? null,
          url: document.url ?? null,
          language: document.language,
          text: document.text,
          contentHash: document.contentHash,
          sourceKind: document.source.kind,
          sourceRef: document.source.ref,
          actor: audit.actor,
          at,
        });
      const insertUrl = this.#db.prepare(
        'INSERT INTO document_urls (document_id, url_key) VALUES (?, ?)',
      );
      for (const key of urlKeys) insertUrl.run(document.id, key);
      this.#audit('add', document.id, document.guildId, audit.actor, at, document);
      const stored = this.getDocument(document.id);
      if (!stored) throw new Error(`document ${document.id} vanished inside its transaction`);
      return stored;
    });
  }

  /**
   * Removes a document of the given scope and records who did, in one transaction. Returns the
   * removed document, or undefined when no document has that id in that scope (nothing changes).
   */
  removeDocument(
    id: string,
    guildId: string | null,
    actor: string,
  ): StoredDocumentMeta | undefined {
    const at = new Date().toISOString();
    return this.#write('remove the document', () => {
      const document = this.#getMeta(id);
      if (!document || document.guildId !== guildId) return undefined;
      this.#db.prepare('DELETE FROM documents WHERE id = ?').run(id);
      this.#audit('remove', id, guildId, actor, at, document);
      return document;
    });
  }

  /**
   * Takes back an add whose indexing failed, as if it never happened: the document and its add
   * entry go in one transaction.
   */
  undoAdd(id: string): void {
    this.#write('undo the add', () => {
      this.#db.prepare('DELETE FROM documents WHERE id = ?').run(id);
      this.#db
        .prepare(
          `DELETE FROM audit WHERE id =
             (SELECT max(id) FROM audit WHERE document_id = ? AND action = 'add')`,
        )
        .run(id);
    });
  }

  getDocument(id: string): StoredDocument | undefined {
    const row = this.#read(
      () =>
        this.#db.prepare(`SELECT ${META_COLUMNS}, text FROM documents WHERE id = ?`).get(id) as
          DocumentRow | undefined,
    );
    return row ? (toDocument(row) as StoredDocument) : undefined;
  }

  hasDocument(id: string): boolean {
    return this.#read(
      () => this.#db.prepare('SELECT 1 FROM documents WHERE id = ?').get(id) !== undefined,
    );
  }

  /** Documents without their text, most recently added first; all scopes when `scope` is absent. */
  listDocuments(scope?: StoreScope): StoredDocumentMeta[] {
    const rows = this.#read(() =>
      scope
        ? this.#db
            .prepare(
              `SELECT ${META_COLUMNS} FROM documents WHERE guild_id IS ? ORDER BY added_at DESC, id`,
            )
            .all(scope.guildId)
        : this.#db
            .prepare(`SELECT ${META_COLUMNS} FROM documents ORDER BY added_at DESC, id`)
            .all(),
    ) as DocumentRow[];
    return rows.map(toDocument);
  }

  /** Every document with its text, in id order: what the library and index are built from. */
  allDocuments(): StoredDocument[] {
    const rows = this.#read(() =>
      this.#db.prepare(`SELECT ${META_COLUMNS}, text FROM documents ORDER BY id`).all(),
    ) as DocumentRow[];
    return rows.map((row) => toDocument(row) as StoredDocument);
  }

  /** Audit entries, newest first; all scopes when `scope` is absent. */
  history(scope?: StoreScope, limit = 50): AuditEntry[] {
    const rows = this.#read(() =>
      scope
        ? this.#db
            .prepare('SELECT * FROM audit WHERE guild_id IS ? ORDER BY id DESC LIMIT ?')
            .all(scope.guildId, limit)
        : this.#db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit),
    ) as AuditRow[];
    return rows.map((row) => ({
      id: row.id,
      action: row.action,
      documentId: row.document_id,
      guildId: row.guild_id,
      actor: row.actor,
      at: row.at,
      source: row.source,
      contentHash: row.content_hash,
      title: row.title,
    }));
  }

  /** A stored document the new one would duplicate, by address first, then by text. */
  findDuplicate(query: DuplicateQuery): Duplicate | undefined {
    return this.#read(() => this.#findDuplicate(query));
  }

  /**
   * SQLite's count of commits by other connections (another Footnote process, the CLI): when it
   * changes, documents may have been added or removed behind this process's back.
   */
  dataVersion(): number {
    return this.#read(() => this.#db.pragma('data_version', { simple: true }) as number);
  }

  /** `PRAGMA integrity_check`: "ok", or what is damaged. */
  integrityCheck(): string {
    return this.#read(() => String(this.#db.pragma('integrity_check', { simple: true })));
  }

  /**
   * For modules that keep their own tables in this database (`feedback.ts`): runs `body` on the
   * store's connection in one IMMEDIATE transaction, with the store's error handling.
   */
  transaction<T>(action: string, body: (db: Database) => T): T {
    return this.#write(action, () => body(this.#db));
  }

  /** Reads through the store's connection, with the store's error handling. */
  read<T>(body: (db: Database) => T): T {
    return this.#read(() => body(this.#db));
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #findDuplicate({ urls, contentHash, guildId }: DuplicateQuery): Duplicate | undefined {
    const scopeClause = guildId === null ? '1' : '(guild_id IS NULL OR guild_id = @guildId)';
    const keys = [
      ...new Set((urls ?? []).flatMap((url) => (urlKey(url) ? [urlKey(url) as string] : []))),
    ];
    const byUrl = this.#db.prepare(
      `SELECT ${META_COLUMNS} FROM documents
       WHERE ${scopeClause} AND id IN (SELECT document_id FROM document_urls WHERE url_key = @key)
       ORDER BY added_at LIMIT 1`,
    );
    for (const key of keys) {
      const row = byUrl.get({ key, guildId }) as DocumentRow | undefined;
      if (row) return { document: toDocument(row), reason: 'url' };
    }
    const row = this.#db
      .prepare(
        `SELECT ${META_COLUMNS} FROM documents
         WHERE ${scopeClause} AND content_hash = @contentHash ORDER BY added_at LIMIT 1`,
      )
      .get({ contentHash, guildId }) as DocumentRow | undefined;
    return row ? { document: toDocument(row), reason: 'content' } : undefined;
  }

  #getMeta(id: string): StoredDocumentMeta | undefined {
    const row = this.#db.prepare(`SELECT ${META_COLUMNS} FROM documents WHERE id = ?`).get(id) as
      DocumentRow | undefined;
    return row ? toDocument(row) : undefined;
  }

  #audit(
    action: AuditEntry['action'],
    documentId: string,
    guildId: string | null,
    actor: string,
    at: string,
    document: Pick<NewDocument, 'source' | 'contentHash' | 'title'>,
  ): void {
    this.#db
      .prepare(
        `INSERT INTO audit (action, document_id, guild_id, actor, at, source, content_hash, title)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        action,
        documentId,
        guildId,
        actor,
        at,
        `${document.source.kind}: ${document.source.ref}`,
        document.contentHash,
        document.title,
      );
  }

  /** Runs `body` in one IMMEDIATE transaction: the write lock is taken first, so no upgrade deadlock. */
  #write<T>(action: string, body: () => T): T {
    if (!this.#db.open) throw new StoreError('The document store is closed.');
    try {
      return this.#db.transaction(body).immediate();
    } catch (error) {
      throw storeFailure(error, action, this.#dataDir);
    }
  }

  #read<T>(body: () => T): T {
    if (!this.#db.open) throw new StoreError('The document store is closed.');
    try {
      return body();
    } catch (error) {
      throw storeFailure(error, 'read the document store', this.#dataDir);
    }
  }
}

function toDocument(row: DocumentRow): StoredDocumentMeta | StoredDocument {
  return {
    id: row.id,
    title: row.title,
    site: row.site ?? undefined,
    author: row.author ?? undefined,
    publishedAt: row.published_at ?? undefined,
    url: row.url ?? undefined,
    language: row.language,
    guildId: row.guild_id,
    contentHash: row.content_hash,
    source: { kind: row.source_kind, ref: row.source_ref },
    addedBy: row.added_by,
    addedAt: row.added_at,
    length: row.length,
    ...(row.text === undefined ? {} : { text: row.text }),
  };
}
