import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Feedback, nextVote, type Vote, type VoteInput } from '../../src/store/feedback.ts';
import { openStore, type Store } from '../../src/store/store.ts';

const GUILD = '111111111111111111';
const ALICE = '200000000000000001';
const BOB = '200000000000000002';
const MESSAGE = '300000000000000001';

let dataDir: string;
let store: Store;
let feedback: Feedback;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-feedback-'));
  store = openStore(dataDir);
  feedback = new Feedback(store);
});
afterEach(async () => {
  store.close();
  await rm(dataDir, { recursive: true, force: true });
});

function press(userId: string, vote: Vote, overrides: Partial<VoteInput> = {}) {
  return feedback.vote({
    messageId: MESSAGE,
    userId,
    vote,
    question: 'Which region introduced passports first?',
    passageIds: ['bashkortostan-covid-passports#2', 'lavrov-makei-news-conference#7'],
    guildId: GUILD,
    ...overrides,
  });
}

function rows(sql: string): Record<string, unknown>[] {
  return store.read((db) => db.prepare(sql).all() as Record<string, unknown>[]);
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

describe('Feedback.vote', () => {
  it('counts one vote per person: a second press takes it back, the other switches it', () => {
    expect(press(ALICE, 1)).toEqual({ vote: 1, counts: { up: 1, down: 0 } });
    expect(press(BOB, 1)).toEqual({ vote: 1, counts: { up: 2, down: 0 } });
    expect(press(ALICE, 1)).toEqual({ vote: undefined, counts: { up: 1, down: 0 } });
    expect(press(BOB, -1)).toEqual({ vote: -1, counts: { up: 0, down: 1 } });
    expect(feedback.counts(MESSAGE)).toEqual({ up: 0, down: 1 });
    expect(feedback.counts('300000000000000999')).toEqual({ up: 0, down: 0 });
  });

  it('stores the question and cited passages, and a keyed hash instead of the user id', () => {
    press(ALICE, 1);
    press(ALICE, 1, { messageId: '300000000000000002' });
    const stored = rows('SELECT * FROM feedback ORDER BY id');
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

  it('recognises the same voter after a restart: the salt is stored, not made per run', () => {
    press(ALICE, 1);
    store.close();
    store = openStore(dataDir);
    feedback = new Feedback(store);
    expect(press(ALICE, 1)).toEqual({ vote: undefined, counts: { up: 0, down: 0 } });
  });

  it('puts a down-vote on the gaps list, and takes it off with the vote or a switch to 👍', () => {
    press(ALICE, -1);
    press(BOB, -1);
    expect(feedback.gaps(GUILD).map((gap) => gap.kind)).toEqual(['down-vote', 'down-vote']);
    press(ALICE, -1); // taken back
    expect(feedback.gaps(GUILD)).toHaveLength(1);
    press(BOB, 1); // switched
    expect(feedback.gaps(GUILD)).toEqual([]);
    press(BOB, -1); // and down again
    expect(feedback.gaps(GUILD)).toEqual([
      expect.objectContaining({
        kind: 'down-vote',
        question: 'Which region introduced passports first?',
        normalized: 'first introduc passport region',
      }),
    ]);
  });

  it('counts a vote in a DM, but puts no gap on any server’s list', () => {
    expect(press(ALICE, -1, { guildId: undefined }).counts).toEqual({ up: 0, down: 1 });
    expect(rows('SELECT * FROM gaps')).toEqual([]);
  });
});

describe('Feedback: the gaps list', () => {
  it("records a server's unanswered questions, newest first, keyed for grouping", () => {
    feedback.recordNoAnswer({ guildId: GUILD, question: 'How do I bake bread?', at: new Date(1) });
    feedback.recordNoAnswer({ guildId: GUILD, question: 'Bread: how to bake it', at: new Date(2) });
    expect(feedback.gaps(GUILD, { since: new Date(0) })).toEqual([
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

  it('looks back 30 days, and only in the server asking', () => {
    const now = new Date('2025-03-31T12:00:00Z');
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
    feedback.recordNoAnswer({ guildId: GUILD, question: 'recent', at: daysAgo(29) });
    feedback.recordNoAnswer({ guildId: GUILD, question: 'too old', at: daysAgo(31) });
    feedback.recordNoAnswer({
      guildId: '999999999999999999',
      question: 'elsewhere',
      at: daysAgo(1),
    });
    expect(feedback.gaps(GUILD, { now }).map((gap) => gap.question)).toEqual(['recent']);
  });
});
