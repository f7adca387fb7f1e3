import { randomBytes } from 'node:crypto';
import { Migrator, sql, type Kysely, type Migration as KyselyMigration } from 'kysely';
import type { StoreDialect } from './dialect.ts';
import { StoreError } from './errors.ts';

/** One step of the schema, written once for SQLite and PostgreSQL alike. */
export interface Migration {
  /** Sorts after every earlier step's: "0001-documents". */
  name: string;
  // Kysely<any>: a step sees the schema as it was then, not as StoreSchema says it is now.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up: (db: Kysely<any>, dialect: StoreDialect) => Promise<void>;
}

/**
 * The store's schema, oldest first. Never edit a released step: add the next one.
 *
 * Passages are not stored: `segmentDocument` derives them deterministically from the text, and
 * the index cache's fingerprint covers where they fall, so storing the text is enough and a
 * change to segmentation cannot leave stored passages disagreeing with the index.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: '0001-documents',
    up: async (db, dialect) => {
      await db.schema
        .createTable('documents')
        .addColumn('id', 'text', (column) => column.primaryKey())
        // NULL: added by the operator (CLI) and visible in every server.
        .addColumn('guild_id', 'text')
        .addColumn('title', 'text', (column) => column.notNull())
        .addColumn('site', 'text')
        .addColumn('author', 'text')
        .addColumn('published_at', 'text')
        .addColumn('url', 'text')
        .addColumn('language', 'text', (column) => column.notNull())
        .addColumn('text', 'text', (column) => column.notNull())
        .addColumn('content_hash', 'text', (column) => column.notNull())
        .addColumn('source_kind', 'text', (column) =>
          column.notNull().check(sql`source_kind IN ('url', 'attachment', 'file', 'text')`),
        )
        .addColumn('source_ref', 'text', (column) => column.notNull())
        .addColumn('added_by', 'text', (column) => column.notNull())
        .addColumn('added_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('documents_by_guild')
        .on('documents')
        .columns(['guild_id', 'added_at'])
        .execute();
      await db.schema
        .createIndex('documents_by_hash')
        .on('documents')
        .column('content_hash')
        .execute();
      // Every normalized URL a document is known by (asked for, after redirects, canonical).
      await db.schema
        .createTable('document_urls')
        .addColumn('document_id', 'text', (column) =>
          column.notNull().references('documents.id').onDelete('cascade'),
        )
        .addColumn('url_key', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('document_urls_pk', ['document_id', 'url_key'])
        .execute();
      await db.schema
        .createIndex('document_urls_by_key')
        .on('document_urls')
        .column('url_key')
        .execute();
      await dialect
        .idColumn(db.schema.createTable('audit'))
        .addColumn('action', 'text', (column) =>
          column.notNull().check(sql`action IN ('add', 'remove')`),
        )
        .addColumn('document_id', 'text', (column) => column.notNull())
        .addColumn('guild_id', 'text')
        .addColumn('actor', 'text', (column) => column.notNull())
        .addColumn('at', 'text', (column) => column.notNull())
        .addColumn('source', 'text', (column) => column.notNull())
        .addColumn('content_hash', 'text', (column) => column.notNull())
        .addColumn('title', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('audit_by_guild')
        .on('audit')
        .columns(['guild_id', 'id'])
        .execute();
    },
  },
  {
    name: '0002-feedback',
    up: async (db, dialect) => {
      // What this installation keeps for itself: the secret that voter hashes are keyed with.
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (column) => column.primaryKey())
        .addColumn('value', 'text', (column) => column.notNull())
        .execute();
      // One row per person per answer message. No user id is kept: voter is
      // HMAC-SHA256(voter salt, message id and user id), enough to keep one vote per person and
      // unlinkable across messages.
      await dialect
        .idColumn(db.schema.createTable('feedback'))
        .addColumn('message_id', 'text', (column) => column.notNull())
        .addColumn('voter', 'text', (column) => column.notNull())
        .addColumn('vote', 'integer', (column) => column.notNull().check(sql`vote IN (-1, 1)`))
        .addColumn('question', 'text', (column) => column.notNull())
        // JSON array of the cited passage ids, as the answer stood when the vote was cast.
        .addColumn('passage_ids', 'text', (column) => column.notNull())
        .addColumn('guild_id', 'text')
        .addColumn('at', 'text', (column) => column.notNull())
        .addUniqueConstraint('feedback_one_vote', ['message_id', 'voter'])
        .execute();
      // Questions without a good answer, and answers voted down (which go with their vote).
      await dialect
        .idColumn(db.schema.createTable('gaps'))
        .addColumn('guild_id', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) =>
          column.notNull().check(sql`kind IN ('no-answer', 'down-vote')`),
        )
        .addColumn('question', 'text', (column) => column.notNull())
        // The question's content terms, sorted: questions worded alike share it.
        .addColumn('normalized', 'text', (column) => column.notNull())
        .addColumn('at', 'text', (column) => column.notNull())
        .addColumn('feedback_id', 'integer', (column) =>
          column.unique().references('feedback.id').onDelete('cascade'),
        )
        .execute();
      await db.schema.createIndex('gaps_by_guild').on('gaps').columns(['guild_id', 'at']).execute();
      await db
        .insertInto('settings')
        .values({ key: 'voter-salt', value: randomBytes(32).toString('base64url') })
        .execute();
    },
  },
  {
    name: '0003-changes',
    up: async (db, dialect) => {
      // Every add and remove, in commit order: processes replay it to keep their index current.
      await dialect
        .idColumn(db.schema.createTable('changes'))
        .addColumn('kind', 'text', (column) =>
          column.notNull().check(sql`kind IN ('add', 'remove')`),
        )
        .addColumn('document_id', 'text', (column) => column.notNull())
        .addColumn('guild_id', 'text')
        .addColumn('at', 'text', (column) => column.notNull())
        .execute();
    },
  },
  {
    name: '0004-answers',
    up: async (db) => {
      // The passages each answer cited, under the short id its buttons carry: a vote stores the
      // passages the member was shown, and paging shows them again, without searching again.
      await db.schema
        .createTable('answers')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('question', 'text', (column) => column.notNull())
        // JSON array of the cited passage ids, in the order they were shown.
        .addColumn('passage_ids', 'text', (column) => column.notNull())
        .addColumn('guild_id', 'text')
        .addColumn('at', 'text', (column) => column.notNull())
        .execute();
    },
  },
  {
    name: '0005-document-origin',
    up: async (db) => {
      // Who added a document, which its scope alone does not say: the operator may add for one
      // server too (`footnote add --guild`). The default only fills the rows already there;
      // every insert names the origin.
      await db.schema
        .alterTable('documents')
        .addColumn('origin', 'text', (column) =>
          column
            .notNull()
            .defaultTo('server')
            .check(sql`origin IN ('operator', 'server')`),
        )
        .execute();
      // The actor tells them apart: the CLI writes `cli:<user>` (or `cli`), Discord a user id.
      // A document for every server can only have come from the operator.
      await db
        .updateTable('documents')
        .set({ origin: 'operator' })
        .where((eb) =>
          eb.or([
            eb('guild_id', 'is', null),
            eb('added_by', '=', 'cli'),
            eb('added_by', 'like', 'cli:%'),
          ]),
        )
        .execute();
    },
  },
  {
    name: '0006-answers-by-time',
    up: async (db) => {
      // Answers older than the retention are deleted every hour, oldest first, in batches: an
      // index on the time finds them without reading every answer kept.
      await db.schema.createIndex('answers_by_time').on('answers').column('at').execute();
    },
  },
];

/**
 * Brings the database to the newest step in `migrations` with Kysely's Migrator (on both
 * backends, in one transaction: a failing step leaves the database as it was). A database with a
 * step this code does not know was written by a newer Footnote and is refused, never downgraded.
 */
export async function migrate(
  dialect: StoreDialect,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  await dialect.migrating(async () => {
    await dialect.adoptLegacy(migrations.map((migration) => migration.name));
    const migrator = new Migrator({
      db: dialect.db,
      ...(dialect.schema ? { migrationTableSchema: dialect.schema } : {}),
      provider: {
        getMigrations: async () =>
          Object.fromEntries(
            migrations.map((migration): [string, KyselyMigration] => [
              migration.name,
              { up: (db) => migration.up(db, dialect) },
            ]),
          ),
      },
    });
    const { error } = await migrator.migrateToLatest();
    if (error) {
      const message = error instanceof Error ? error.message : JSON.stringify(error);
      const unknown = /previously executed migration (\S+) is missing/u.exec(message)?.[1];
      if (unknown) {
        throw new StoreError(
          `The database has schema step ${unknown}, newer than this Footnote understands (${migrations.at(-1)?.name ?? 'none'}); upgrade Footnote.`,
        );
      }
      throw error instanceof Error ? error : new StoreError(message);
    }
    await dialect.afterMigrate(migrations.length);
  });
}
