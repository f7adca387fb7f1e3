import type { Database } from 'better-sqlite3';
import { sql, type Kysely, type Selectable } from 'kysely';
import { guildIdOf, scopeOfStored, type Scope } from '../core/scope.ts';
import type { DocumentMeta, DocumentOrigin, DocumentSource } from '../core/types.ts';
import { contentHash } from '../core/content-hash.ts';
import {
  postgresDialect,
  redact,
  sqliteDialect,
  type ChangeWatch,
  type StoreDialect,
  type WatchOptions,
} from './dialect.ts';
import { DuplicateDocumentError, StoreError, storeFailure, type Duplicate } from './errors.ts';
import { migrate, type Migration } from './migrations.ts';
import type { AuditTable, ChangesTable, StoreSchema } from './schema.ts';
import { urlKey } from './url-key.ts';

export { STORE_FILE } from './dialect.ts';
export { DuplicateDocumentError, type Duplicate } from './errors.ts';
export type { ChangeWatch, WatchOptions } from './dialect.ts';

export type { DocumentSource, SourceKind } from '../core/types.ts';

/** Who added a stored document: the operator at the command line, or a server's moderator. */
export type StoredOrigin = Exclude<DocumentOrigin, 'shipped'>;

/** A stored document without its text, for lists. */
export interface StoredDocumentMeta extends DocumentMeta {
  /** Who sees it: one server, or every server (only the operator adds those). */
  scope: Scope;
  origin: StoredOrigin;
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
  scope: Scope;
  origin: StoredOrigin;
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
  scope: Scope;
  actor: string;
  /** ISO 8601 timestamp. */
  at: string;
  /** "url: https://…", "attachment: report.pdf", "text: pasted", … */
  source: string;
  contentHash: string;
  title: string;
}

export interface DuplicateQuery {
  /** The addresses the new document is known by; compared after `urlKey` normalization. */
  urls?: readonly string[] | undefined;
  contentHash: string;
  /**
   * The scope it would be added to. A server's document is compared with that server's and the
   * global documents (another server's are none of its business); a global one with all.
   */
  scope: Scope;
}

/**
 * Documents held outside the store that an add must not duplicate either (the shipped corpus):
 * asked inside the add's write transaction, with the same query as the stored documents.
 */
export type DuplicateCheck = (query: DuplicateQuery) => Duplicate | undefined;

/** One add or remove, as other processes learn of it (the changes table). */
export interface Change {
  /** Increases with every change, in commit order. */
  id: number;
  kind: 'add' | 'remove';
  documentId: string;
  /** The document's scope. */
  scope: Scope;
  /** ISO 8601 timestamp. */
  at: string;
}

export interface OpenStoreOptions {
  /** A `postgres://` URL: the store is that PostgreSQL database. Absent: SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PostgreSQL only: a schema of its own, created if missing (tests use one per file). */
  schema?: string | undefined;
  /** SQLite only, a test seam: runs on the connection after it is opened and migrated. */
  configure?: ((db: Database) => void) | undefined;
  migrations?: readonly Migration[] | undefined;
}

type DocumentRow = Omit<Selectable<StoreSchema['documents']>, 'text'> & {
  length: number;
  text?: string;
};

type Db = Kysely<StoreSchema>;

/**
 * Opens (creating and migrating if needed) the store: PostgreSQL when `databaseUrl` is given,
 * otherwise SQLite in `dataDir` (WAL mode, full fsync, foreign keys on). Failures are a
 * StoreError naming the directory or the database.
 *
 * @example
 * const store = await openStore('./data', { databaseUrl: process.env.FOOTNOTE_DATABASE_URL });
 * await store.listDocuments(guildScope('123456789012345678'));
 * await store.close();
 */
export async function openStore(dataDir: string, options: OpenStoreOptions = {}): Promise<Store> {
  const where = options.databaseUrl ? redact(options.databaseUrl) : dataDir;
  let dialect: StoreDialect | undefined;
  try {
    if (options.databaseUrl) {
      dialect = await postgresDialect(options.databaseUrl, { schema: options.schema });
    } else {
      const sqlite = sqliteDialect(dataDir);
      dialect = sqlite;
      await migrate(dialect, options.migrations);
      options.configure?.(sqlite.raw);
      return new Store(dialect);
    }
    await migrate(dialect, options.migrations);
    return new Store(dialect);
  } catch (error) {
    await dialect?.close().catch(() => {});
    throw storeFailure(error, 'open the document store', dialect?.where ?? where);
  }
}

/**
 * The documents added to Footnote, the audit log of who added and removed what, and the changes
 * every process replays. Every write is one transaction that no other writer runs beside (the
 * dialect's `beginWrite`): a document, its addresses, its audit entry and its change are stored
 * together or not at all, and a check-then-write cannot interleave with another process's write.
 */
export class Store {
  readonly #dialect: StoreDialect;
  readonly #db: Db;
  #closed = false;
  readonly #watches = new Set<ChangeWatch>();

  constructor(dialect: StoreDialect) {
    this.#dialect = dialect;
    this.#db = dialect.db;
  }

  /** Which database this is: "sqlite" (the default) or "postgres". */
  get backend(): StoreDialect['kind'] {
    return this.#dialect.kind;
  }

  /** Where the store is, for messages: the data directory, or the URL without credentials. */
  get where(): string {
    return this.#dialect.where;
  }

  /**
   * Stores a document, its audit entry and its change in one transaction. A duplicate (same
   * text, or a URL already known, in the scope the document would be visible in; or what
   * `alsoDuplicates` finds among documents held elsewhere) is refused with a
   * DuplicateDocumentError: the one authoritative check, inside the write transaction, so two
   * writers adding the same document at once cannot both succeed. A taken id or a hash that
   * does not match the text is a bug and throws.
   */
  async addDocument(
    document: NewDocument,
    audit: AuditInput,
    options: { alsoDuplicates?: DuplicateCheck | undefined } = {},
  ): Promise<StoredDocument> {
    if (contentHash(document.text) !== document.contentHash)
      throw new Error(`content hash of ${document.id} does not match its text`);
    const at = (audit.at ?? new Date()).toISOString();
    const urlKeys = new Set(
      (document.urls ?? []).flatMap((url) => {
        const key = urlKey(url);
        return key ? [key] : [];
      }),
    );
    if (document.scope.kind === 'global' && document.origin !== 'operator')
      throw new Error(`document ${document.id}: only the operator adds documents for every server`);
    const guildId = guildIdOf(document.scope);
    return this.#write('save the document', async (db) => {
      const duplicate = await findDuplicate(
        db,
        { urls: document.urls, contentHash: document.contentHash, scope: document.scope },
        options.alsoDuplicates,
      );
      if (duplicate) throw new DuplicateDocumentError(duplicate);
      if (await getMeta(db, document.id)) throw new Error(`document id ${document.id} is taken`);
      await db
        .insertInto('documents')
        .values({
          id: document.id,
          guild_id: guildId,
          origin: document.origin,
          title: document.title,
          site: document.site ?? null,
          author: document.author ?? null,
          published_at: document.publishedAt ?? null,
          url: document.url ?? null,
          language: document.language,
          text: document.text,
          content_hash: document.contentHash,
          source_kind: document.source.kind,
          source_ref: document.source.ref,
          added_by: audit.actor,
          added_at: at,
        })
        .execute();
      if (urlKeys.size > 0) {
        await db
          .insertInto('document_urls')
          .values([...urlKeys].map((key) => ({ document_id: document.id, url_key: key })))
          .execute();
      }
      await insertAudit(db, 'add', document.id, guildId, audit.actor, at, document);
      await this.#change(db, 'add', document.id, guildId, at);
      const stored = await getDocument(db, document.id);
      if (!stored) throw new Error(`document ${document.id} vanished inside its transaction`);
      return stored;
    });
  }

  /**
   * Removes a document of the given scope and records who did, in one transaction. Returns the
   * removed document, or undefined when no document has that id in that scope (nothing changes).
   */
  async removeDocument(
    id: string,
    scope: Scope,
    actor: string,
  ): Promise<StoredDocumentMeta | undefined> {
    const at = new Date().toISOString();
    const guildId = guildIdOf(scope);
    return this.#write('remove the document', async (db) => {
      const document = await getMeta(db, id);
      if (!document || guildIdOf(document.scope) !== guildId) return undefined;
      await db.deleteFrom('documents').where('id', '=', id).execute();
      await insertAudit(db, 'remove', id, guildId, actor, at, document);
      await this.#change(db, 'remove', id, guildId, at);
      return document;
    });
  }

  /**
   * Takes back an add whose indexing failed: the document and its add entry go in one
   * transaction. Other processes may have indexed it already, so a remove change is recorded.
   */
  async undoAdd(id: string): Promise<void> {
    await this.#write('undo the add', async (db) => {
      const document = await getMeta(db, id);
      if (!document) return;
      await db.deleteFrom('documents').where('id', '=', id).execute();
      await db
        .deleteFrom('audit')
        .where('id', '=', (eb) =>
          eb
            .selectFrom('audit')
            .select((inner) => inner.fn.max('id').as('id'))
            .where('document_id', '=', id)
            .where('action', '=', 'add'),
        )
        .execute();
      await this.#change(db, 'remove', id, guildIdOf(document.scope), new Date().toISOString());
    });
  }

  getDocument(id: string): Promise<StoredDocument | undefined> {
    return this.#read((db) => getDocument(db, id));
  }

  async hasDocument(id: string): Promise<boolean> {
    const row = await this.#read((db) =>
      db.selectFrom('documents').select('id').where('id', '=', id).executeTakeFirst(),
    );
    return row !== undefined;
  }

  /** The stored ids that start with `prefix` (for choosing a free id). */
  async idsStartingWith(prefix: string): Promise<Set<string>> {
    const escaped = prefix.replace(/[\\%_]/gu, (character) => `\\${character}`);
    const rows = await this.#read((db) =>
      db
        .selectFrom('documents')
        .select('id')
        .where(sql<boolean>`id like ${`${escaped}%`} escape '\\'`)
        .execute(),
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * The documents of one scope (a server's own, or the global ones: not what a server sees, which
   * is both) without their text, most recently added first; every scope's when `scope` is absent.
   */
  async listDocuments(scope?: Scope): Promise<StoredDocumentMeta[]> {
    const rows = await this.#read((db) => {
      let query = selectMeta(db);
      if (scope) query = query.where('guild_id', isGlobal(scope), guildIdOf(scope));
      return query.orderBy('added_at', 'desc').orderBy('id').execute();
    });
    return rows.map(toDocument);
  }

  /** Every document with its text, in id order: what the corpus index and index are built from. */
  async allDocuments(): Promise<StoredDocument[]> {
    const rows = await this.#read((db) => selectMeta(db).select('text').orderBy('id').execute());
    return rows.map((row) => toDocument(row) as StoredDocument);
  }

  /** Audit entries of one scope, newest first; every scope's when `scope` is absent. */
  async history(scope?: Scope, limit = 50): Promise<AuditEntry[]> {
    const rows = await this.#read((db) => {
      let query = db.selectFrom('audit').selectAll();
      if (scope) query = query.where('guild_id', isGlobal(scope), guildIdOf(scope));
      return query.orderBy('id', 'desc').limit(limit).execute();
    });
    return rows.map(toAuditEntry);
  }

  /**
   * The document an add would duplicate (as `addDocument` checks it, `alsoDuplicates` first,
   * then stored documents by address, then by text), read without writing: a hint for a
   * preview. Only `addDocument`'s own check, inside its transaction, decides.
   */
  findDuplicate(
    query: DuplicateQuery,
    alsoDuplicates?: DuplicateCheck,
  ): Promise<Duplicate | undefined> {
    return this.#read((db) => findDuplicate(db, query, alsoDuplicates));
  }

  /**
   * The changes committed after change `afterId`, oldest first, at most `limit`. A process that
   * applied every change up to id n and then asks for `changesSince(n)` has missed none: writers
   * take turns (`beginWrite`), so ids commit in order.
   *
   * @example
   * for (const change of await store.changesSince(lastApplied)) apply(change);
   */
  async changesSince(afterId: number, limit = 1_000): Promise<Change[]> {
    const rows = await this.#read((db) =>
      db
        .selectFrom('changes')
        .selectAll()
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute(),
    );
    return rows.map(toChange);
  }

  /**
   * The newest change's id (0 when there is none): where a process that just loaded starts.
   * Never below `changesPrunedThrough()`, even when pruning emptied the table: a process starting
   * there is not behind what was pruned (it loaded every document).
   */
  async lastChangeId(): Promise<number> {
    const [row, pruned] = await Promise.all([
      this.#read((db) =>
        db
          .selectFrom('changes')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirst(),
      ),
      this.changesPrunedThrough(),
    ]);
    return Math.max(Number(row?.id ?? 0), pruned);
  }

  /**
   * The highest change id `pruneChanges` deleted (0 before any): a process that has not applied
   * every change up to it may have missed one, and must reload from the documents instead.
   */
  async changesPrunedThrough(): Promise<number> {
    const row = await this.#read((db) =>
      db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', CHANGES_PRUNED_KEY)
        .executeTakeFirst(),
    );
    return Number(row?.value ?? 0);
  }

  /**
   * Deletes the changes committed before `before` and returns how many went, recording the
   * highest id deleted (`changesPrunedThrough`) in the same transaction. A process that
   * started since has no need of them (it loaded the documents); one following has applied them
   * within a second, unless it was cut off the whole time, and then it finds itself behind the
   * mark and reloads. Running it twice, or from several processes, deletes each change once.
   *
   * @example
   * await store.pruneChanges(new Date(Date.now() - 7 * 24 * 60 * 60 * 1000)); // 12
   */
  pruneChanges(before: Date): Promise<number> {
    return this.#write('delete old changes', async (db) => {
      const newest = await db
        .selectFrom('changes')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('at', '<', before.toISOString())
        .executeTakeFirst();
      if (newest?.id === null || newest?.id === undefined) return 0;
      // Every id up to the newest old one: ids commit in order, and a change whose clock ran
      // slightly behind its predecessor's goes with it rather than leave a hole in the mark.
      const through = Number(newest.id);
      const result = await db.deleteFrom('changes').where('id', '<=', through).executeTakeFirst();
      const marked = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', CHANGES_PRUNED_KEY)
        .executeTakeFirst();
      const mark = String(Math.max(through, Number(marked?.value ?? 0)));
      await db
        .insertInto('settings')
        .values({ key: CHANGES_PRUNED_KEY, value: mark })
        .onConflict((conflict) => conflict.column('key').doUpdateSet({ value: mark }))
        .execute();
      return Number(result.numDeletedRows);
    });
  }

  /**
   * Calls `onHint` whenever another process may have committed changes: on PostgreSQL at each
   * `pg_notify` (at most once: a hint, not a delivery), at each reconnection of the listening
   * connection, and every `pollMs` (default 5 s); on SQLite every `pollMs` (default 200 ms).
   * Read what changed with `changesSince`; `followChanges` does both.
   */
  watchChanges(options: WatchOptions): ChangeWatch {
    this.#requireOpen();
    const watch = this.#dialect.watch(options);
    const tracked: ChangeWatch = {
      close: async () => {
        this.#watches.delete(tracked);
        await watch.close();
      },
    };
    this.#watches.add(tracked);
    return tracked;
  }

  /** SQLite's `PRAGMA integrity_check` ("ok", or what is damaged); PostgreSQL: "ok" if reachable. */
  integrityCheck(): Promise<string> {
    return this.#read(() => this.#dialect.integrityCheck());
  }

  /**
   * For modules that keep their own tables in this database (`feedback.ts`): runs `body` in one
   * write transaction, with the store's error handling.
   */
  transaction<T>(action: string, body: (db: Db) => Promise<T>): Promise<T> {
    return this.#write(action, body);
  }

  /** Reads through the store's connection, with the store's error handling. */
  read<T>(body: (db: Db) => Promise<T>): Promise<T> {
    return this.#read(body);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#watches].map((watch) => watch.close()));
    await this.#dialect.close();
  }

  async #change(
    db: Db,
    kind: Change['kind'],
    documentId: string,
    guildId: string | null,
    at: string,
  ): Promise<void> {
    const { id } = await db
      .insertInto('changes')
      .values({ kind, document_id: documentId, guild_id: guildId, at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.#dialect.notify(db, Number(id));
  }

  /** Runs `body` in one transaction that excludes other writers; rolls back if it throws. */
  async #write<T>(action: string, body: (db: Db) => Promise<T>): Promise<T> {
    this.#requireOpen();
    const attempt = () =>
      this.#db.connection().execute(async (connection) => {
        try {
          await this.#dialect.beginWrite(connection);
        } catch (error) {
          throw new NotBegun(error);
        }
        try {
          const result = await body(connection);
          await sql`commit`.execute(connection);
          return result;
        } catch (error) {
          // A failed commit, or SQLite's own rollback on a full disk, leaves nothing to undo.
          await sql`rollback`.execute(connection).catch(() => {});
          throw error;
        }
      });
    try {
      // A connection PostgreSQL closed while idle (restart, failover) fails at BEGIN, before
      // anything was written, and the pool drops it: try again with the next one. After a
      // restart several pooled connections may be dead at once, hence a few tries, not one.
      for (let tries = 1; ; tries++) {
        try {
          return await attempt();
        } catch (error) {
          const retry = error instanceof NotBegun && connectionLost(error.cause);
          if (!retry || tries >= MAX_BEGIN_TRIES) throw error;
        }
      }
    } catch (error) {
      throw storeFailure(
        error instanceof NotBegun ? error.cause : error,
        action,
        this.#dialect.where,
      );
    }
  }

  /** Runs a read; once more if PostgreSQL dropped the connection under it (restart, failover). */
  async #read<T>(body: (db: Db) => Promise<T>): Promise<T> {
    this.#requireOpen();
    try {
      return await body(this.#db).catch((error: unknown) => {
        if (!connectionLost(error)) throw error;
        return body(this.#db);
      });
    } catch (error) {
      throw storeFailure(error, 'read the document store', this.#dialect.where);
    }
  }

  #requireOpen(): void {
    if (this.#closed) throw new StoreError('The document store is closed.');
  }
}

/** The `settings` row holding `changesPrunedThrough()`. */
const CHANGES_PRUNED_KEY = 'changes-pruned-through';

/** How many pooled connections a write tries before BEGIN succeeds (the pool holds 10). */
const MAX_BEGIN_TRIES = 11;

/** A write transaction that failed to begin: nothing of it was written. */
class NotBegun extends Error {
  constructor(override readonly cause: unknown) {
    super('the write transaction did not begin', { cause });
  }
}

/** The PostgreSQL connection went away mid-query: a new one will do. */
function connectionLost(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === '57P01' ||
    code === 'ECONNRESET' ||
    (typeof message === 'string' && /Connection terminated/u.test(message))
  );
}

/** `guild_id IS NULL` for the global scope, `guild_id = ?` for a server's. */
function isGlobal(scope: Scope): 'is' | '=' {
  return scope.kind === 'global' ? 'is' : '=';
}

function selectMeta(db: Db) {
  return db
    .selectFrom('documents')
    .select([
      'id',
      'guild_id',
      'origin',
      'title',
      'site',
      'author',
      'published_at',
      'url',
      'language',
      'content_hash',
      'source_kind',
      'source_ref',
      'added_by',
      'added_at',
      sql<number>`length(text)`.as('length'),
    ]);
}

async function getDocument(db: Db, id: string): Promise<StoredDocument | undefined> {
  const row = await selectMeta(db).select('text').where('id', '=', id).executeTakeFirst();
  return row ? (toDocument(row) as StoredDocument) : undefined;
}

async function getMeta(db: Db, id: string): Promise<StoredDocumentMeta | undefined> {
  const row = await selectMeta(db).where('id', '=', id).executeTakeFirst();
  return row ? toDocument(row) : undefined;
}

async function findDuplicate(
  db: Db,
  query: DuplicateQuery,
  alsoDuplicates: DuplicateCheck | undefined,
): Promise<Duplicate | undefined> {
  const elsewhere = alsoDuplicates?.(query);
  if (elsewhere) return elsewhere;
  const { urls, contentHash, scope } = query;
  // A server's document meets that server's and the global ones; a global one meets all.
  const guildId = guildIdOf(scope);
  const inScope = selectMeta(db).$if(guildId !== null, (query) =>
    query.where((eb) => eb.or([eb('guild_id', 'is', null), eb('guild_id', '=', guildId)])),
  );
  const keys = [
    ...new Set((urls ?? []).flatMap((url) => (urlKey(url) ? [urlKey(url) as string] : []))),
  ];
  for (const key of keys) {
    const row = await inScope
      .where('id', 'in', (eb) =>
        eb.selectFrom('document_urls').select('document_id').where('url_key', '=', key),
      )
      .orderBy('added_at')
      .limit(1)
      .executeTakeFirst();
    if (row) return { document: toDocument(row), reason: 'url' };
  }
  const row = await inScope
    .where('content_hash', '=', contentHash)
    .orderBy('added_at')
    .limit(1)
    .executeTakeFirst();
  return row ? { document: toDocument(row), reason: 'content' } : undefined;
}

async function insertAudit(
  db: Db,
  action: AuditEntry['action'],
  documentId: string,
  guildId: string | null,
  actor: string,
  at: string,
  document: Pick<NewDocument, 'source' | 'contentHash' | 'title'>,
): Promise<void> {
  await db
    .insertInto('audit')
    .values({
      action,
      document_id: documentId,
      guild_id: guildId,
      actor,
      at,
      source: `${document.source.kind}: ${document.source.ref}`,
      content_hash: document.contentHash,
      title: document.title,
    })
    .execute();
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
    scope: scopeOfStored(row.guild_id),
    origin: row.origin,
    contentHash: row.content_hash,
    source: { kind: row.source_kind, ref: row.source_ref },
    addedBy: row.added_by,
    addedAt: row.added_at,
    length: Number(row.length),
    ...(row.text === undefined ? {} : { text: row.text }),
  };
}

function toAuditEntry(row: Selectable<AuditTable>): AuditEntry {
  return {
    id: Number(row.id),
    action: row.action,
    documentId: row.document_id,
    scope: scopeOfStored(row.guild_id),
    actor: row.actor,
    at: row.at,
    source: row.source,
    contentHash: row.content_hash,
    title: row.title,
  };
}

function toChange(row: Selectable<ChangesTable>): Change {
  return {
    id: Number(row.id),
    kind: row.kind,
    documentId: row.document_id,
    scope: scopeOfStored(row.guild_id),
    at: row.at,
  };
}
