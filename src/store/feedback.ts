import { createHmac, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { gapKey, type GapEntry } from '../core/gaps.ts';
import type { StoreSchema } from './schema.ts';
import type { Store } from './store.ts';

/** 👍 is 1, 👎 is -1. */
export type Vote = 1 | -1;

export interface VoteCounts {
  up: number;
  down: number;
}

/** An answer as sent: the question and the passages it cited, in the order shown. */
export interface AnswerRecord {
  question: string;
  passageIds: readonly string[];
  /** The server it was asked in; undefined in a DM. */
  guildId: string | undefined;
}

export interface VoteInput {
  /** The answer voted on, as `recordAnswer` named it: its question and passages are stored. */
  answerId: string;
  /** The answer message voted on (one answer may be in two messages: Find sources' post). */
  messageId: string;
  /** Who votes: only its keyed hash with the message id is stored, never the id itself. */
  userId: string;
  vote: Vote;
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

/** Answers deleted per transaction by `pruneAnswers`: milliseconds of the write lock each. */
const PRUNE_BATCH = 1_000;

/** 9 random bytes as base64url: 12 characters, no ":" (custom ids split on it). */
const ANSWER_ID_BYTES = 9;

type Db = Kysely<StoreSchema>;

/**
 * The answers sent with buttons, votes on them and the gaps list, in the store's database
 * (`answers`, `feedback` and `gaps`, migrations 0002 and 0004), so every process sharing the
 * store (shards, hosts on one PostgreSQL) sees the same answers, votes and gaps. An answer is
 * recorded under a short random id that its buttons carry: a vote stores the passages the answer
 * cited, and paging shows them again, whatever the corpus says since. One vote per person per answer message, kept as a keyed hash (HMAC-SHA256 with
 * a secret made when the database was created) of the message id and the user id: enough to
 * recognise a second press, not enough to tell who voted or to link one person's votes on two
 * messages.
 *
 * @example
 * const feedback = new Feedback(store);
 * const answerId = await feedback.recordAnswer({ question, passageIds, guildId });
 * await feedback.vote({ answerId, messageId, userId, vote: 1, guildId }); // { vote: 1, counts: { up: 1, down: 0 } }
 */
export class Feedback {
  readonly #store: Store;
  #salt: string | undefined;
  /**
   * `FOOTNOTE_ANSWER_RETENTION_DAYS`: answers older than this many days are deleted
   * (`pruneAnswers`), so buttons on an older message find none and say why; 0 keeps them all.
   */
  readonly answerRetentionDays: number;

  constructor(store: Store, options: { answerRetentionDays?: number | undefined } = {}) {
    this.#store = store;
    this.answerRetentionDays = options.answerRetentionDays ?? 0;
  }

  /**
   * Records an answer about to be sent and returns its id, for its buttons' custom ids
   * (12 characters of base64url).
   */
  async recordAnswer(answer: AnswerRecord & { at?: Date | undefined }): Promise<string> {
    const id = randomBytes(ANSWER_ID_BYTES).toString('base64url');
    await this.#store.transaction('record the answer', (db) =>
      db
        .insertInto('answers')
        .values({
          id,
          question: answer.question,
          passage_ids: JSON.stringify(answer.passageIds),
          guild_id: answer.guildId ?? null,
          at: (answer.at ?? new Date()).toISOString(),
        })
        .execute(),
    );
    return id;
  }

  /**
   * Deletes the answers recorded before `before` and returns how many went: their buttons then
   * find no record (paging and votes ask the member to ask again). Votes already cast stay, with
   * the question and passages they keep, and so do the message's counts. Deletes in batches of
   * `batchSize`, each its own write transaction, so an /ask answered meanwhile waits for one
   * batch, not for the whole backlog. Safe to run from several processes at once: a row is
   * deleted once, the other process finds nothing left to delete.
   *
   * @example
   * const cutoff = new Date(Date.now() - 90 * 24 * 60 * 60 * 1000);
   * await feedback.pruneAnswers(cutoff); // 1234
   */
  async pruneAnswers(
    before: Date,
    { batchSize = PRUNE_BATCH }: { batchSize?: number } = {},
  ): Promise<number> {
    const cutoff = before.toISOString();
    let deleted = 0;
    for (;;) {
      const result = await this.#store.transaction('delete old answers', (db) =>
        db
          .deleteFrom('answers')
          .where('id', 'in', (eb) =>
            eb.selectFrom('answers').select('id').where('at', '<', cutoff).limit(batchSize),
          )
          .executeTakeFirst(),
      );
      const count = Number(result.numDeletedRows);
      deleted += count;
      if (count < batchSize) return deleted;
    }
  }

  /** The answer recorded under `answerId`; undefined when there is none. */
  answer(answerId: string): Promise<AnswerRecord | undefined> {
    return this.#store.read((db) => answerOf(db, answerId));
  }

  /**
   * Applies a press of 👍 or 👎 (`nextVote`) and returns the message's new counts; the vote
   * keeps the answer's question and cited passages (`recordAnswer`). Undefined, with nothing
   * written, when no answer has that id. A down-vote in a server is also a gap; taking it back or
   * switching to 👍 removes that gap again. Presses from several processes take turns (the
   * store's write transaction), so each counts once.
   */
  vote(input: VoteInput): Promise<VoteResult | undefined> {
    const at = (input.at ?? new Date()).toISOString();
    return this.#store.transaction('record the vote', async (db) => {
      const answer = await answerOf(db, input.answerId);
      if (!answer) return undefined;
      const voter = voterHash((this.#salt ??= await salt(db)), input.messageId, input.userId);
      const existing = await db
        .selectFrom('feedback')
        .select(['id', 'vote'])
        .where('message_id', '=', input.messageId)
        .where('voter', '=', voter)
        .executeTakeFirst();
      const current = existing ? (Number(existing.vote) as Vote) : undefined;
      const next = nextVote(current, input.vote);
      const passageIds = JSON.stringify(answer.passageIds);
      let id = existing ? Number(existing.id) : undefined;
      if (existing && next === undefined) {
        // The gap that went with a down-vote goes with it (ON DELETE CASCADE).
        await db.deleteFrom('feedback').where('id', '=', existing.id).execute();
      } else if (existing && next !== undefined) {
        await db
          .updateTable('feedback')
          .set({ vote: next, question: answer.question, passage_ids: passageIds, at })
          .where('id', '=', existing.id)
          .execute();
        if (next === 1)
          await db.deleteFrom('gaps').where('feedback_id', '=', existing.id).execute();
      } else if (next !== undefined) {
        const inserted = await db
          .insertInto('feedback')
          .values({
            message_id: input.messageId,
            voter,
            vote: next,
            question: answer.question,
            passage_ids: passageIds,
            guild_id: input.guildId ?? null,
            at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        id = Number(inserted.id);
      }
      if (next === -1 && input.guildId !== undefined) {
        await db
          .insertInto('gaps')
          .values({
            guild_id: input.guildId,
            kind: 'down-vote',
            question: answer.question,
            normalized: gapKey(answer.question),
            at,
            feedback_id: id ?? null,
          })
          .execute();
      }
      return { vote: next, counts: await countsOf(db, input.messageId) };
    });
  }

  /** The 👍 and 👎 on one answer message. */
  counts(messageId: string): Promise<VoteCounts> {
    return this.#store.read((db) => countsOf(db, messageId));
  }

  /** Records a question of a server that got no good answer. DMs have no moderator: not recorded. */
  async recordNoAnswer(input: {
    guildId: string;
    question: string;
    at?: Date | undefined;
  }): Promise<void> {
    const at = (input.at ?? new Date()).toISOString();
    await this.#store.transaction('record the unanswered question', (db) =>
      db
        .insertInto('gaps')
        .values({
          guild_id: input.guildId,
          kind: 'no-answer',
          question: input.question,
          normalized: gapKey(input.question),
          at,
        })
        .execute(),
    );
  }

  /** A server's gaps since `since` (default: `GAP_WINDOW_DAYS` ago), newest first. */
  gaps(guildId: string, options: { since?: Date; now?: Date } = {}): Promise<GapEntry[]> {
    const since =
      options.since ??
      new Date((options.now ?? new Date()).getTime() - GAP_WINDOW_DAYS * 24 * 60 * 60 * 1000);
    return this.#store.read((db) =>
      db
        .selectFrom('gaps')
        .select(['question', 'normalized', 'kind', 'at'])
        .where('guild_id', '=', guildId)
        .where('at', '>=', since.toISOString())
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(10_000)
        .execute(),
    );
  }
}

async function answerOf(db: Db, answerId: string): Promise<AnswerRecord | undefined> {
  const row = await db
    .selectFrom('answers')
    .select(['question', 'passage_ids', 'guild_id'])
    .where('id', '=', answerId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    question: row.question,
    passageIds: JSON.parse(row.passage_ids) as string[],
    guildId: row.guild_id ?? undefined,
  };
}

async function countsOf(db: Db, messageId: string): Promise<VoteCounts> {
  const row = await db
    .selectFrom('feedback')
    .select([
      sql<number>`coalesce(sum(case when vote = 1 then 1 else 0 end), 0)`.as('up'),
      sql<number>`coalesce(sum(case when vote = -1 then 1 else 0 end), 0)`.as('down'),
    ])
    .where('message_id', '=', messageId)
    .executeTakeFirstOrThrow();
  // PostgreSQL's sum is a bigint, which pg hands over as a string.
  return { up: Number(row.up), down: Number(row.down) };
}

/** The installation's secret, made by migration 0002 (or here, should a restore have lost it). */
async function salt(db: Db): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key: SALT_KEY, value: randomBytes(32).toString('base64url') })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', SALT_KEY)
    .executeTakeFirstOrThrow();
  return row.value;
}

function voterHash(secret: string, messageId: string, userId: string): string {
  return createHmac('sha256', secret).update(`${messageId}:${userId}`).digest('base64url');
}
