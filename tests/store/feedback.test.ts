import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Feedback, nextVote, type Vote, type VoteInput } from '../../src/store/feedback.ts';
import type { OpenStoreOptions, Store } from '../../src/store/store.ts';
import { describeEachBackend } from './backends.ts';

const GUILD = '111111111111111111';
const ALICE = '200000000000000001';
const BOB = '200000000000000002';
const MESSAGE = '300000000000000001';

const ANSWER = {
  question: 'Which region introduced passports first?',
  passageIds: ['bashkortostan-covid-passports#2', 'lavrov-makei-news-conference#7'],
  guildId: GUILD,
};

let dataDir: string;
let store: Store;
let feedback: Feedback;
/** The id `ANSWER` was recorded under, before each test. */
let answerId: string;

function press(userId: string, vote: Vote, overrides: Partial<VoteInput> = {}) {
  return feedback.vote({
    answerId,
    messageId: MESSAGE,
    userId,
    vote,
    guildId: GUILD,
    ...overrides,
  });
}

function rows(table: 'feedback' | 'gaps'): Promise<Record<string, unknown>[]> {
  return store.read((db) => db.selectFrom(table).selectAll().orderBy('id').execute());
}

describe('nextVote: what a press does', () => {
  it.each([
    [undefined, 1, 1],
    [undefined, -1, -1],
    [1, 1, undefined], // the same again takes it back
    [-1, -1, undefined],
    [1, -1, -1], // the other one switches it
    [-1, 1, 1],
  ] as const)('%s, pressed %s → %s', (current, pressed, next) => {
    expect(nextVote(current, pressed)).toBe(next);
  });
});

describeEachBackend(import.meta.url, (backend) => {
  let where: OpenStoreOptions;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'footnote-feedback-'));
    where = backend.newLocation();
    store = await backend.open(dataDir, where);
    feedback = new Feedback(store);
    answerId = await feedback.recordAnswer(ANSWER);
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('Feedback.recordAnswer', () => {
    it('keeps the question and cited passages, in order, under a short id a custom id can carry', async () => {
      expect(answerId).toMatch(/^[\w-]{12}$/u);
      expect(await feedback.answer(answerId)).toEqual(ANSWER);
      expect(await feedback.recordAnswer(ANSWER)).not.toBe(answerId);
    });

    it('knows no answer it did not record', async () => {
      expect(await feedback.answer('nothing-here')).toBeUndefined();
    });
  });

  describe('Feedback.vote', async () => {
    it('records nothing for an answer it does not know', async () => {
      expect(await press(ALICE, 1, { answerId: 'nothing-here' })).toBeUndefined();
      expect(await rows('feedback')).toEqual([]);
    });

    it('counts one vote per person: a second press takes it back, the other switches it', async () => {
      expect(await press(ALICE, 1)).toEqual({ vote: 1, counts: { up: 1, down: 0 } });
      expect(await press(BOB, 1)).toEqual({ vote: 1, counts: { up: 2, down: 0 } });
      expect(await press(ALICE, 1)).toEqual({ vote: undefined, counts: { up: 1, down: 0 } });
      expect(await press(BOB, -1)).toEqual({ vote: -1, counts: { up: 0, down: 1 } });
      expect(await feedback.counts(MESSAGE)).toEqual({ up: 0, down: 1 });
      expect(await feedback.counts('300000000000000999')).toEqual({ up: 0, down: 0 });
    });

    it('stores the question and cited passages, and a keyed hash instead of the user id', async () => {
      await press(ALICE, 1);
      await press(ALICE, 1, { messageId: '300000000000000002' });
      const stored = await rows('feedback');
      expect(stored).toEqual([
        expect.objectContaining({
          message_id: MESSAGE,
          vote: 1,
          question: 'Which region introduced passports first?',
          passage_ids: '["bashkortostan-covid-passports#2","lavrov-makei-news-conference#7"]',
          guild_id: GUILD,
        }),
        expect.objectContaining({ message_id: '300000000000000002' }),
      ]);
      expect(JSON.stringify(stored)).not.toContain(ALICE);
      // The same person on two messages cannot be linked: the hash covers the message too.
      expect(stored[0]!['voter']).not.toBe(stored[1]!['voter']);
    });

    it('recognises the same voter after a restart: the salt is stored, not made per run', async () => {
      await press(ALICE, 1);
      await store.close();
      store = await backend.open(dataDir, where);
      feedback = new Feedback(store);
      expect(await press(ALICE, 1)).toEqual({ vote: undefined, counts: { up: 0, down: 0 } });
    });

    it('puts a down-vote on the gaps list, and takes it off with the vote or a switch to 👍', async () => {
      await press(ALICE, -1);
      await press(BOB, -1);
      expect((await feedback.gaps(GUILD)).map((gap) => gap.kind)).toEqual([
        'down-vote',
        'down-vote',
      ]);
      await press(ALICE, -1); // taken back
      expect(await feedback.gaps(GUILD)).toHaveLength(1);
      await press(BOB, 1); // switched
      expect(await feedback.gaps(GUILD)).toEqual([]);
      await press(BOB, -1); // and down again
      expect(await feedback.gaps(GUILD)).toEqual([
        expect.objectContaining({
          kind: 'down-vote',
          question: 'Which region introduced passports first?',
          normalized: 'first introduc passport region',
        }),
      ]);
    });

    it('keeps one vote per member across processes sharing the store', async () => {
      const other = await backend.open(dataDir, where);
      try {
        const elsewhere = new Feedback(other);
        await press(ALICE, -1);
        const input = { answerId, messageId: MESSAGE, guildId: GUILD };
        // The same press through another process takes Alice's vote back: it is one vote.
        expect(await elsewhere.vote({ ...input, userId: ALICE, vote: -1 })).toEqual({
          vote: undefined,
          counts: { up: 0, down: 0 },
        });
        await elsewhere.vote({ ...input, userId: BOB, vote: -1 });
        expect(await feedback.counts(MESSAGE)).toEqual({ up: 0, down: 1 });
        expect((await feedback.gaps(GUILD)).map((gap) => gap.kind)).toEqual(['down-vote']);
      } finally {
        await other.close();
      }
    });

    it('counts a vote in a DM, but puts no gap on any server’s list', async () => {
      expect((await press(ALICE, -1, { guildId: undefined }))?.counts).toEqual({ up: 0, down: 1 });
      expect(await rows('gaps')).toEqual([]);
    });
  });

  describe('Feedback: the gaps list', async () => {
    it("records a server's unanswered questions, newest first, keyed for grouping", async () => {
      await feedback.recordNoAnswer({
        guildId: GUILD,
        question: 'How do I bake bread?',
        at: new Date(1),
      });
      await feedback.recordNoAnswer({
        guildId: GUILD,
        question: 'Bread: how to bake it',
        at: new Date(2),
      });
      expect(await feedback.gaps(GUILD, { since: new Date(0) })).toEqual([
        {
          question: 'Bread: how to bake it',
          normalized: 'bake bread',
          kind: 'no-answer',
          at: new Date(2).toISOString(),
        },
        {
          question: 'How do I bake bread?',
          normalized: 'bake bread',
          kind: 'no-answer',
          at: new Date(1).toISOString(),
        },
      ]);
    });

    it('looks back 30 days, and only in the server asking', async () => {
      const now = new Date('2025-03-31T12:00:00Z');
      const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
      await feedback.recordNoAnswer({ guildId: GUILD, question: 'recent', at: daysAgo(29) });
      await feedback.recordNoAnswer({ guildId: GUILD, question: 'too old', at: daysAgo(31) });
      await feedback.recordNoAnswer({
        guildId: '999999999999999999',
        question: 'elsewhere',
        at: daysAgo(1),
      });
      expect((await feedback.gaps(GUILD, { now })).map((gap) => gap.question)).toEqual(['recent']);
    });
  });
});
