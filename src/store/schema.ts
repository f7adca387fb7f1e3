import type { Generated } from 'kysely';

/**
 * The store's tables as Kysely sees them, on SQLite and PostgreSQL alike. Timestamps are ISO 8601
 * text on both, so they sort and compare the same way everywhere.
 */
export interface StoreSchema {
  documents: DocumentsTable;
  document_urls: { document_id: string; url_key: string };
  audit: AuditTable;
  changes: ChangesTable;
  settings: { key: string; value: string };
  feedback: FeedbackTable;
  gaps: GapsTable;
  answers: AnswersTable;
}

export interface DocumentsTable {
  id: string;
  /** NULL: added by the operator (CLI) and visible in every server. */
  guild_id: string | null;
  /** Who added it: 'operator' (the CLI) or 'server' (a moderator in Discord). */
  origin: 'operator' | 'server';
  title: string;
  site: string | null;
  author: string | null;
  published_at: string | null;
  url: string | null;
  language: string;
  text: string;
  content_hash: string;
  source_kind: 'url' | 'attachment' | 'file' | 'text';
  source_ref: string;
  added_by: string;
  added_at: string;
}

export interface AuditTable {
  id: Generated<number>;
  action: 'add' | 'remove';
  document_id: string;
  guild_id: string | null;
  actor: string;
  at: string;
  source: string;
  content_hash: string;
  title: string;
}

/** One row per add or remove, written in the same transaction: what other processes replay. */
export interface ChangesTable {
  id: Generated<number>;
  kind: 'add' | 'remove';
  document_id: string;
  guild_id: string | null;
  at: string;
}

export interface FeedbackTable {
  id: Generated<number>;
  message_id: string;
  voter: string;
  vote: number;
  question: string;
  passage_ids: string;
  guild_id: string | null;
  at: string;
}

export interface GapsTable {
  id: Generated<number>;
  guild_id: string;
  kind: 'no-answer' | 'down-vote';
  question: string;
  normalized: string;
  at: string;
  feedback_id: number | null;
}

/** An answer sent with vote or paging buttons: the passages it cited, under its buttons' id. */
export interface AnswersTable {
  id: string;
  question: string;
  /** JSON array of passage ids, in the order shown. */
  passage_ids: string;
  guild_id: string | null;
  at: string;
}
