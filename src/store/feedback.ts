import { createHmac, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { gapKey, type GapEntry } from '../core/gaps.ts';
import type { Store } from './store.ts';

/** 👍 is 1, 👎 is -1. */
export type Vote = 1 | -1;

export interface VoteCounts {
  up: number;
  down: number;
}

export interface VoteInput {
  /** The answer message voted on. */
  messageId: string;
  /** Who votes: only its keyed hash with the message id is stored, never the id itself. */
  userId: string;
  vote: Vote;
  /** The question the answer was for, and the passages it cited. */
  question: string;
  passageIds: readonly string[];
  /** The server; a vote in a DM counts, but its down-vote is nobody's gap to see. */
  guildId: string | undefined;
  at?: Date | undefined;
}

export interface VoteResult {
  /** The person's vote after this press: undefined when the press took it back. */
  vote: Vote | undefined;
  counts: VoteCounts;
}

/** How long the gaps list looks back. */
export const GAP_WINDOW_DAYS = 30;

/**
 * What a press does to a person's vote: the same vote again takes it back, the other one
 * replaces it.
 *
 * @example
 * nextVote(undefined, 1); // 1
 * nextVote(1, 1); // undefined: taken back
 * nextVote(1, -1); // -1
 */
export function nextVote(current: Vote | undefined, pressed: Vote): Vote | undefined {
  return current === pressed ? undefined : pressed;
}

const SALT_KEY = 'voter-salt';

interface FeedbackRow {
  id: number;
  vote: Vote;
}

/**
 * Votes on answers and the gaps list, in the store's database (`feedback` and `gaps`, migration
 * 2). One vote per person per answer message, kept as a keyed hash (HMAC-SHA256 with a secret
 * made when the database was created) of the message id and the user id: enough to recognise a
 * second press, not enough to tell who voted or to link one person's votes on two messages.
 *
 * @example
 * const feedback = new Feedback(store);
 * feedback.vote({ messageId, userId, vote: 1, question, passageIds, guildId }); // { vote: 1, counts: { up: 1, down: 0 } }
 */
export class Feedback {
  readonly #store: Store;
  #salt: string | undefined;

  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Applies a press of 👍 or 👎 (`nextVote`) and returns the message's new counts. A down-vote in
   * a server is also a gap; taking it back or switching to 👍 removes that gap again.
   */
  vote(input: VoteInput): VoteResult {
    const at = (input.at ?? new Date()).toISOString();
    return this.#store.transaction('record the vote', (db) => {
      const voter = voterHash((this.#salt ??= salt(db)), input.messageId, input.userId);
      const existing = db
        .prepare('SELECT id, vote FROM feedback WHERE message_id = ? AND voter = ?')
        .get(input.messageId, voter) as FeedbackRow | undefined;
      const next = nextVote(existing?.vote, input.vote);
      const passageIds = JSON.stringify(input.passageIds);
      let id = existing?.id;
      if (existing && next === undefined) {
        // The gap that went with a down-vote goes with it (ON DELETE CASCADE).
        db.prepare('DELETE FROM feedback WHERE id = ?').run(existing.id);
      } else if (existing) {
        db.prepare(
          'UPDATE feedback SET vote = ?, question = ?, passage_ids = ?, at = ? WHERE id = ?',
        ).run(next, input.question, passageIds, at, existing.id);
        if (next === 1) db.prepare('DELETE FROM gaps WHERE feedback_id = ?').run(existing.id);
      } else if (next !== undefined) {
        id = Number(
          db
            .prepare(
              `INSERT INTO feedback (message_id, voter, vote, question, passage_ids, guild_id, at)
               VALUES (?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              input.messageId,
              voter,
              next,
              input.question,
              passageIds,
              input.guildId ?? null,
              at,
            ).lastInsertRowid,
        );
      }
      if (next === -1 && input.guildId !== undefined) {
        db.prepare(
          `INSERT INTO gaps (guild_id, kind, question, normalized, at, feedback_id)
           VALUES (?, 'down-vote', ?, ?, ?, ?)`,
        ).run(input.guildId, input.question, gapKey(input.question), at, id);
      }
      return { vote: next, counts: countsOf(db, input.messageId) };
    });
  }

  /** The 👍 and 👎 on one answer message. */
  counts(messageId: string): VoteCounts {
    return this.#store.read((db) => countsOf(db, messageId));
  }

  /** Records a question of a server that got no good answer. DMs have no moderator: not recorded. */
  recordNoAnswer(input: { guildId: string; question: string; at?: Date | undefined }): void {
    const at = (input.at ?? new Date()).toISOString();
    this.#store.transaction('record the unanswered question', (db) =>
      db
        .prepare(
          `INSERT INTO gaps (guild_id, kind, question, normalized, at)
           VALUES (?, 'no-answer', ?, ?, ?)`,
        )
        .run(input.guildId, input.question, gapKey(input.question), at),
    );
  }

  /** A server's gaps since `since` (default: `GAP_WINDOW_DAYS` ago), newest first. */
  gaps(guildId: string, options: { since?: Date; now?: Date } = {}): GapEntry[] {
    const since =
      options.since ??
      new Date((options.now ?? new Date()).getTime() - GAP_WINDOW_DAYS * 24 * 60 * 60 * 1000);
    return this.#store.read(
      (db) =>
        db
          .prepare(
            `SELECT question, normalized, kind, at FROM gaps
             WHERE guild_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT 10000`,
          )
          .all(guildId, since.toISOString()) as GapEntry[],
    );
  }
}

function countsOf(db: Database, messageId: string): VoteCounts {
  const row = db
    .prepare(
      `SELECT coalesce(sum(vote = 1), 0) AS up, coalesce(sum(vote = -1), 0) AS down
       FROM feedback WHERE message_id = ?`,
    )
    .get(messageId) as VoteCounts;
  return { up: row.up, down: row.down };
}

/** The installation's secret, made by migration 2 (or here, should a restore have lost it). */
function salt(db: Database): string {
  db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(
    SALT_KEY,
    randomBytes(32).toString('base64url'),
  );
  return (db.prepare('SELECT value FROM settings WHERE key = ?').get(SALT_KEY) as { value: string })
    .value;
}

function voterHash(secret: string, messageId: string, userId: string): string {
  return createHmac('sha256', secret).update(`${messageId}:${userId}`).digest('base64url');
}
