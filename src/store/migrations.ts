import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { StoreError } from './errors.ts';

/** One step of the schema. `version` counts from 1; each runs once, in its own transaction. */
export interface Migration {
  version: number;
  description: string;
  up: (db: Database) => void;
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
    version: 1,
    description: 'documents, the addresses they are known by, and the audit log',
    up: (db) =>
      db.exec(`
        CREATE TABLE documents (
          id           TEXT PRIMARY KEY,
          -- NULL: added by the operator (CLI) and visible in every server.
          guild_id     TEXT,
          title        TEXT NOT NULL,
          site         TEXT,
          author       TEXT,
          published_at TEXT,
          url          TEXT,
          language     TEXT NOT NULL,
          text         TEXT NOT NULL,
          content_hash TEXT NOT NULL,
          source_kind  TEXT NOT NULL CHECK (source_kind IN ('url', 'attachment', 'file', 'text')),
          source_ref   TEXT NOT NULL,
          added_by     TEXT NOT NULL,
          added_at     TEXT NOT NULL
        ) STRICT;
        CREATE INDEX documents_by_guild ON documents (guild_id, added_at);
        CREATE INDEX documents_by_hash ON documents (content_hash);

        -- Every normalized URL a document is known by (asked for, after redirects, canonical).
        CREATE TABLE document_urls (
          document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
          url_key     TEXT NOT NULL,
          PRIMARY KEY (document_id, url_key)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX document_urls_by_key ON document_urls (url_key);

        CREATE TABLE audit (
          id           INTEGER PRIMARY KEY AUTOINCREMENT,
          action       TEXT NOT NULL CHECK (action IN ('add', 'remove')),
          document_id  TEXT NOT NULL,
          guild_id     TEXT,
          actor        TEXT NOT NULL,
          at           TEXT NOT NULL,
          source       TEXT NOT NULL,
          content_hash TEXT NOT NULL,
          title        TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_by_guild ON audit (guild_id, id);
      `),
  },
  {
    version: 2,
    description: 'votes on answers, questions without a good answer, and the voter salt',
    up: (db) => {
      db.exec(`
        -- What this installation keeps for itself: the secret that voter hashes are keyed with.
        CREATE TABLE settings (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;

        -- One row per person per answer message. No user id is kept: voter is
        -- HMAC-SHA256(voter salt, message id and user id), enough to keep one vote per person
        -- and unlinkable across messages.
        CREATE TABLE feedback (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          message_id  TEXT NOT NULL,
          voter       TEXT NOT NULL,
          vote        INTEGER NOT NULL CHECK (vote IN (-1, 1)),
          question    TEXT NOT NULL,
          -- JSON array of the cited passage ids, as the answer stood when the vote was cast.
          passage_ids TEXT NOT NULL,
          guild_id    TEXT,
          at          TEXT NOT NULL,
          UNIQUE (message_id, voter)
        ) STRICT;

        -- Questions without a good answer, and answers voted down (which go with their vote).
        CREATE TABLE gaps (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          guild_id    TEXT NOT NULL,
          kind        TEXT NOT NULL CHECK (kind IN ('no-answer', 'down-vote')),
          question    TEXT NOT NULL,
          -- The question's content terms, sorted: questions worded alike share it.
          normalized  TEXT NOT NULL,
          at          TEXT NOT NULL,
          feedback_id INTEGER UNIQUE REFERENCES feedback (id) ON DELETE CASCADE
        ) STRICT;
        CREATE INDEX gaps_by_guild ON gaps (guild_id, at);
      `);
      db.prepare(`INSERT INTO settings (key, value) VALUES ('voter-salt', ?)`).run(
        randomBytes(32).toString('base64url'),
      );
    },
  },
];

/**
 * Brings the database to the newest version in `migrations`, one transaction per step, recording
 * each in `PRAGMA user_version`. A database newer than this code is refused, never downgraded.
 * Returns the version the database was at before.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new StoreError(
      `The database is at schema version ${current}, newer than this Footnote understands (${latest}); upgrade Footnote.`,
    );
  }
  for (const [index, migration] of migrations.entries()) {
    if (migration.version !== index + 1)
      throw new Error(`migration ${index + 1} is numbered ${migration.version}`);
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return current;
}
