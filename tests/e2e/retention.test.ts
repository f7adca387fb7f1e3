import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { ANSWER_NOT_FOUND, answerExpired, missingAnswer } from '../../commands/ask.ts';
import { STORE_FILE } from '../../src/store/store.ts';
import type { FakeMessage } from '../fake-discord/fake-discord.mjs';
import { EVENTUALLY } from '../deadlines.ts';
import { buttonStartingWith, expectClean, useHarness } from './harness.ts';

const DAY = 24 * 60 * 60 * 1000;
const DISCORD_EPOCH = 1_420_070_400_000n;

describe('missingAnswer: what buttons say when the answer’s record is gone', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  it.each([
    [91, 90, answerExpired(90)],
    [90, 90, answerExpired(90)],
    // A day's grace: a Find sources answer posted later carries the private reply's record.
    [89.5, 90, answerExpired(90)],
    [10, 90, ANSWER_NOT_FOUND],
    [400, 0, ANSWER_NOT_FOUND], // kept forever: its record was lost, not deleted
  ])('a message %d days old, retention %d days', (age, days, expected) => {
    expect(missingAnswer(now - age * DAY, { answerRetentionDays: days }, now)).toBe(expected);
  });

  it('says one day, not one days', () => {
    expect(answerExpired(1)).toBe(
      'This answer is older than 1 day and its sources are no longer kept: please ask again with /ask.',
    );
  });
});

describe('an answer older than FOOTNOTE_ANSWER_RETENTION_DAYS (default 90)', () => {
  const harness = useHarness({}, { expectQuiet: 'afterEach' });

  /** The bot's SQLite store, opened beside it as another process would. */
  function withDatabase<T>(body: (db: DatabaseConstructor.Database) => T): T {
    const db = new DatabaseConstructor(join(harness.env.FOOTNOTE_DATA_DIR!, STORE_FILE));
    try {
      return body(db);
    } finally {
      db.close();
    }
  }

  /** `message` as it would be had Discord sent it `days` ago: its id carries the time. */
  function sentDaysAgo(message: FakeMessage, days: number): FakeMessage {
    const at = BigInt(Date.now() - days * DAY);
    return { ...message, id: (((at - DISCORD_EPOCH) << 22n) | 1n).toString() };
  }

  it('is deleted at start, votes cast on it stay, and its buttons say why they no longer work', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      options: { question: 'QR codes' },
    });
    expectClean(rec);
    const up = buttonStartingWith(rec.reply, 'ask:vote:up');
    const next = buttonStartingWith(rec.reply, 'ask:page:2');
    const answerId = up.split(':')[3]!;
    expectClean(await harness.fake.sendButton(up, { message: rec.reply! }));
    // As if it had been answered 100 days ago.
    withDatabase((db) =>
      db
        .prepare('UPDATE answers SET at = ? WHERE id = ?')
        .run(new Date(Date.now() - 100 * DAY).toISOString(), answerId),
    );
    await harness.restart();
    const answers = () =>
      withDatabase((db) => db.prepare('SELECT id FROM answers').all() as { id: string }[]);
    await vi.waitFor(() => expect(answers()).toEqual([]), EVENTUALLY);
    const votes = withDatabase((db) => db.prepare('SELECT vote, question FROM feedback').all());
    expect(votes).toEqual([{ vote: 1, question: 'QR codes' }]);

    const old = sentDaysAgo(rec.reply!, 100);
    for (const customId of [up, next]) {
      const press = await harness.fake.sendButton(customId, { message: old });
      expectClean(press);
      expect(press.ephemeral).toBe(true);
      expect(press.reply?.content).toBe(
        'This answer is older than 90 days and its sources are no longer kept: please ask again with /ask.',
      );
    }
    // The same record missing from a message of today was lost, not deleted for its age.
    const today = await harness.fake.sendButton(next, { message: rec.reply! });
    expectClean(today);
    expect(today.ephemeral).toBe(true);
    expect(today.reply?.content).toBe(ANSWER_NOT_FOUND);
  });
});
