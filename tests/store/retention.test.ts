import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contentHash } from '../../src/core/content-hash.ts';
import { GLOBAL_SCOPE } from '../../src/core/scope.ts';
import { createLogger } from '../../src/logger.ts';
import { CHANGES_KEPT_DAYS, startRetention } from '../../src/runtime/retention.ts';
import { Feedback } from '../../src/store/feedback.ts';
import type { NewDocument, OpenStoreOptions, Store } from '../../src/store/store.ts';
import { describeEachBackend } from './backends.ts';

const GUILD = '111111111111111111';
const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-11-28T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

let dataDir: string;
const cleanup: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-retention-'));
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await rm(dataDir, { recursive: true, force: true });
});

function note(n: number): NewDocument {
  const text = `Harbour note ${n}: the tide turns at ${n} o'clock.`;
  return {
    id: `harbour-note-${n}`,
    scope: GLOBAL_SCOPE,
    origin: 'operator',
    title: `Harbour note ${n}`,
    language: 'en',
    text,
    contentHash: contentHash(text),
    source: { kind: 'text', ref: 'pasted' },
  };
}

function capture() {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return { logger, logged: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describeEachBackend(import.meta.url, (backend) => {
  let where: OpenStoreOptions;
  let store: Store;
  let feedback: Feedback;

  async function open(): Promise<Store> {
    const opened = await backend.open(dataDir, where);
    cleanup.push(() => opened.close());
    return opened;
  }

  /**
   * Two processes' calls at once on PostgreSQL. On SQLite one after the other: two connections
   * in one process would block this thread in BEGIN IMMEDIATE (see store.test.ts).
   */
  const atOnce = async <T>(first: () => Promise<T>, second: () => Promise<T>): Promise<T[]> =>
    backend.name === 'SQLite' ? [await first(), await second()] : Promise.all([first(), second()]);

  beforeEach(async () => {
    where = backend.newLocation();
    store = await open();
    feedback = new Feedback(store);
  });

  /** Records an answer `days` ago; returns its id. */
  const answered = (days: number, question = `asked ${days} days ago`) =>
    feedback.recordAnswer({ question, passageIds: ['p#1'], guildId: GUILD, at: daysAgo(days) });

  describe('Feedback.pruneAnswers', () => {
    it('deletes the answers recorded before the cutoff and keeps the newer ones', async () => {
      const old = [await answered(120), await answered(91)];
      const kept = [await answered(89), await answered(0)];
      expect(await feedback.pruneAnswers(daysAgo(90))).toBe(2);
      for (const id of old) expect(await feedback.answer(id)).toBeUndefined();
      for (const id of kept) expect(await feedback.answer(id)).toBeDefined();
    });

    it('is harmless twice, and from two processes at once', async () => {
      for (let n = 0; n < 7; n++) await answered(100 + n);
      await answered(1);
      const other = new Feedback(await open());
      const counts = await atOnce(
        () => feedback.pruneAnswers(daysAgo(90), { batchSize: 2 }),
        () => other.pruneAnswers(daysAgo(90), { batchSize: 2 }),
      );
      // Each old answer deleted once, whichever process got to it.
      expect(counts[0]! + counts[1]!).toBe(7);
      expect(await feedback.pruneAnswers(daysAgo(90))).toBe(0);
      const left = await store.read((db) => db.selectFrom('answers').select('question').execute());
      expect(left).toEqual([{ question: 'asked 1 days ago' }]);
    });

    it('deletes a backlog larger than one batch, batch after batch', async () => {
      for (let n = 0; n < 5; n++) await answered(200 + n);
      expect(await feedback.pruneAnswers(daysAgo(90), { batchSize: 2 })).toBe(5);
    });

    it('keeps the votes cast on a deleted answer, and its message’s counts', async () => {
      const answerId = await answered(100, 'Which region introduced passports first?');
      const message = '300000000000000001';
      const press = (userId: string, vote: 1 | -1) =>
        feedback.vote({ answerId, messageId: message, userId, vote, guildId: GUILD });
      await press('200000000000000001', 1);
      await press('200000000000000002', -1);
      expect(await feedback.pruneAnswers(daysAgo(90))).toBe(1);
      expect(await feedback.counts(message)).toEqual({ up: 1, down: 1 });
      const votes = await store.read((db) =>
        db.selectFrom('feedback').select(['vote', 'question', 'passage_ids']).execute(),
      );
      expect(votes).toHaveLength(2);
      expect(votes[0]).toMatchObject({
        question: 'Which region introduced passports first?',
        passage_ids: '["p#1"]',
      });
      // A press now finds no answer: nothing is written, the counts stay.
      expect(await press('200000000000000003', 1)).toBeUndefined();
      expect(await feedback.counts(message)).toEqual({ up: 1, down: 1 });
      // The down-vote's gap went nowhere either.
      expect(await feedback.gaps(GUILD, { since: daysAgo(1000) })).toHaveLength(1);
    });
  });

  describe('Store.pruneChanges', () => {
    /** Adds note n with its change `days` ago. */
    const add = (n: number, days: number) =>
      store.addDocument(note(n), { actor: 'cli', at: daysAgo(days) });

    it('deletes the changes before the cutoff, marks the highest id deleted, keeps the rest', async () => {
      await add(1, 30);
      await add(2, 8);
      await add(3, 6);
      await add(4, 0);
      expect(await store.changesPrunedThrough()).toBe(0);
      expect(await store.pruneChanges(daysAgo(CHANGES_KEPT_DAYS))).toBe(2);
      expect((await store.changesSince(0)).map((change) => change.id)).toEqual([3, 4]);
      expect(await store.changesPrunedThrough()).toBe(2);
      expect(await store.lastChangeId()).toBe(4);
      // The documents are not changes: all four stay.
      expect(await store.listDocuments()).toHaveLength(4);
    });

    it('is harmless twice and from two processes at once; the mark never goes back', async () => {
      for (let n = 1; n <= 4; n++) await add(n, 10 + n);
      const other = await open();
      const counts = await atOnce(
        () => store.pruneChanges(daysAgo(CHANGES_KEPT_DAYS)),
        () => other.pruneChanges(daysAgo(CHANGES_KEPT_DAYS)),
      );
      expect(counts[0]! + counts[1]!).toBe(4);
      expect(await store.pruneChanges(daysAgo(CHANGES_KEPT_DAYS))).toBe(0);
      // An earlier cutoff finds nothing left to delete and leaves the mark where it was.
      expect(await store.pruneChanges(daysAgo(100))).toBe(0);
      expect(await other.changesPrunedThrough()).toBe(4);
    });

    it('keeps the position of a store whose every change was pruned: new ids continue after it', async () => {
      await add(1, 20);
      await add(2, 10);
      expect(await store.pruneChanges(daysAgo(CHANGES_KEPT_DAYS))).toBe(2);
      expect(await store.changesSince(0)).toEqual([]);
      // A process starting now begins after the pruned changes, not at 0, behind the mark.
      expect(await store.lastChangeId()).toBe(2);
      await add(3, 0);
      expect((await store.changesSince(2)).map((change) => change.id)).toEqual([3]);
    });
  });

  describe('startRetention', () => {
    it('prunes at start, then at every tick, logging how many rows each run deleted', async () => {
      await answered(100);
      await answered(1);
      await store.addDocument(note(1), { actor: 'cli', at: daysAgo(30) });
      const { logger, logged } = capture();
      let now = NOW;
      const retention = startRetention({
        store,
        feedback,
        answerRetentionDays: 90,
        logger,
        everyMs: 60_000,
        now: () => now,
      });
      cleanup.push(() => retention.stop());
      await vi.waitFor(() =>
        expect(logged()).toContainEqual(
          expect.objectContaining({
            level: 30,
            msg: 'pruned the store',
            deleted: { answers: 1, changes: 1 },
            answerRetentionDays: 90,
          }),
        ),
      );
      // A day on, the answer of a day ago is still young; nothing more goes.
      now = new Date(NOW.getTime() + DAY);
      expect(await retention.pruneNow()).toEqual({ answers: 0, changes: 0 });
      expect(logged().at(-1)).toMatchObject({ level: 20, deleted: { answers: 0, changes: 0 } });
      now = new Date(NOW.getTime() + 90 * DAY);
      expect(await retention.pruneNow()).toEqual({ answers: 1, changes: 0 });
    });

    it('keeps every answer with a retention of 0 (forever), and still prunes the changes', async () => {
      const ancient = await answered(10_000);
      await store.addDocument(note(1), { actor: 'cli', at: daysAgo(30) });
      const { logger } = capture();
      const retention = startRetention({
        store,
        feedback,
        answerRetentionDays: 0,
        logger,
        now: () => NOW,
      });
      cleanup.push(() => retention.stop());
      // The run at start, or a run of its own if that one is over.
      expect((await retention.pruneNow()).answers).toBe(0);
      expect(await feedback.answer(ancient)).toBeDefined();
      expect(await store.changesSince(0)).toEqual([]);
    });

    it('logs a failed run as a warning and goes on', async () => {
      const { logger, logged } = capture();
      const broken = {
        pruneAnswers: () => Promise.reject(new Error('disk on fire')),
      } as unknown as Feedback;
      const retention = startRetention({
        store,
        feedback: broken,
        answerRetentionDays: 90,
        logger,
      });
      cleanup.push(() => retention.stop());
      await vi.waitFor(() =>
        expect(logged()).toContainEqual(
          expect.objectContaining({ level: 40, msg: expect.stringContaining('could not prune') }),
        ),
      );
      await retention.stop();
    });
  });
});
