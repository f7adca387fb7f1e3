import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openCorpus } from '../../src/corpus/open-corpus.ts';
import { ChangesPrunedError, followChanges } from '../../src/store/changes.ts';
import { contentHash } from '../../src/core/content-hash.ts';
import type { Change, NewDocument, OpenStoreOptions, Store } from '../../src/store/store.ts';
import { describeEachBackend, terminateConnections } from './backends.ts';
import { writeEstuaryCorpus } from './estuary-corpus.ts';
import { EVENTUALLY } from '../deadlines.ts';
import { GLOBAL_SCOPE, guildScope } from '../../src/core/scope.ts';

const GUILD = '111111111111111111';
let dataDir: string;
const cleanup: (() => Promise<void>)[] = [];

let corpusDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-changes-'));
  corpusDir = join(dataDir, 'corpus');
  await writeEstuaryCorpus(corpusDir);
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await rm(dataDir, { recursive: true, force: true });
});

function note(n: number): NewDocument {
  const text = `Harbour note ${n}: the tide turns at ${n} o'clock.`;
  return {
    id: `harbour-note-${n}`,
    // Even notes a moderator added in a server, odd ones the operator for every server.
    scope: n % 2 === 0 ? guildScope(GUILD) : GLOBAL_SCOPE,
    origin: n % 2 === 0 ? 'server' : 'operator',
    title: `Harbour note ${n}`,
    language: 'en',
    text,
    contentHash: contentHash(text),
    source: { kind: 'text', ref: 'pasted' },
  };
}

/** Collects applied changes; `until(n)` resolves once n have arrived. */
function collector() {
  const applied: Change[] = [];
  let waiting: { count: number; resolve: () => void } | undefined;
  return {
    applied,
    apply: (changes: readonly Change[]) => {
      applied.push(...changes);
      if (waiting && applied.length >= waiting.count) waiting.resolve();
    },
    until: (count: number) =>
      applied.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => (waiting = { count, resolve })),
  };
}

describeEachBackend(import.meta.url, (backend) => {
  /** Two stores on one database, as two processes would have. */
  async function twoProcesses(): Promise<{ where: OpenStoreOptions; bot: Store; cli: Store }> {
    const where = backend.newLocation();
    const bot = await backend.open(dataDir, where);
    const cli = await backend.open(dataDir, where);
    cleanup.push(
      () => bot.close(),
      () => cli.close(),
    );
    return { where, bot, cli };
  }

  it('hands out change ids in commit order, and changesSince reads from any of them', async () => {
    const { bot, cli } = await twoProcesses();
    expect(await bot.lastChangeId()).toBe(0);
    await cli.addDocument(note(1), { actor: 'cli' });
    await bot.addDocument(note(2), { actor: 'bot' });
    await cli.removeDocument('harbour-note-1', GLOBAL_SCOPE, 'cli');
    const all = await bot.changesSince(0);
    expect(all.map((change) => [change.id, change.kind, change.documentId, change.scope])).toEqual([
      [1, 'add', 'harbour-note-1', GLOBAL_SCOPE],
      [2, 'add', 'harbour-note-2', guildScope(GUILD)],
      [3, 'remove', 'harbour-note-1', GLOBAL_SCOPE],
    ]);
    expect(await bot.changesSince(2)).toEqual(all.slice(2));
    expect(await bot.changesSince(1, 1)).toEqual(all.slice(1, 2));
    expect(await cli.lastChangeId()).toBe(3);
  });

  it('follows another process’s changes as they commit, from the position it loaded at', async () => {
    const { bot, cli } = await twoProcesses();
    await cli.addDocument(note(1), { actor: 'cli' });
    const after = await bot.lastChangeId();
    const seen = collector();
    const follower = followChanges(bot, { after, apply: seen.apply, pollMs: 20 });
    cleanup.push(() => follower.close());
    await cli.addDocument(note(2), { actor: 'cli' });
    await cli.removeDocument('harbour-note-2', guildScope(GUILD), 'cli');
    await seen.until(2);
    expect(seen.applied.map((change) => [change.kind, change.documentId])).toEqual([
      ['add', 'harbour-note-2'],
      ['remove', 'harbour-note-2'],
    ]);
    expect(await follower.catchUp()).toBe(3);
    expect(follower.lastApplied).toBe(3);
  });

  it('catches up on demand without watching, and a failed apply is retried from the same place', async () => {
    const { bot, cli } = await twoProcesses();
    let fail = true;
    const applied: string[] = [];
    const follower = followChanges(bot, {
      after: 0,
      watch: false,
      apply: (changes) => {
        if (fail) throw new Error('index busy');
        applied.push(...changes.map((change) => change.documentId));
      },
    });
    cleanup.push(() => follower.close());
    await cli.addDocument(note(1), { actor: 'cli' });
    await expect(follower.catchUp()).rejects.toThrow('index busy');
    expect(follower.lastApplied).toBe(0);
    fail = false;
    expect(await follower.catchUp()).toBe(1);
    expect(applied).toEqual(['harbour-note-1']);
  });

  it.skipIf(backend.name === 'SQLite')(
    'reconnects after every connection is terminated, and catches up on what was missed',
    async () => {
      const { where, bot, cli } = await twoProcesses();
      const seen = collector();
      const errors: Error[] = [];
      // A long poll: what arrives after the termination comes through the reconnected LISTEN.
      const follower = followChanges(bot, {
        after: 0,
        apply: seen.apply,
        pollMs: 60_000,
        onError: (error) => errors.push(error),
      });
      cleanup.push(() => follower.close());
      await cli.addDocument(note(1), { actor: 'cli' });
      await seen.until(1);
      // As a restart or failover would: every connection of this store's schema ends.
      expect(await terminateConnections(where.schema!)).toBeGreaterThanOrEqual(2);
      // Committed while the listener is down: no notification reaches it.
      await cli.addDocument(note(2), { actor: 'cli' });
      await seen.until(2);
      await cli.addDocument(note(3), { actor: 'cli' });
      await seen.until(3);
      expect(seen.applied.map((change) => change.documentId)).toEqual([
        'harbour-note-1',
        'harbour-note-2',
        'harbour-note-3',
      ]);
      expect(errors.length).toBeGreaterThanOrEqual(1);
      // The store's own pool recovered too: reads and writes work on new connections.
      expect(await bot.listDocuments()).toHaveLength(3);
    },
  );

  it('makes a document the CLI adds answerable in a running bot, and a removal unanswerable', async () => {
    const where = backend.newLocation();
    const bot = await openCorpus({ dataDir, corpusDir, store: where, follow: { pollMs: 50 } });
    cleanup.push(() => bot.close());
    const cli = await openCorpus({ dataDir, corpusDir, store: where });
    cleanup.push(() => cli.close());
    const question = 'When does the ferry to Gullholm leave the harbour?';
    const text = 'The ferry to Gullholm leaves the harbour at seven every morning, tides allowing.';
    const preview = await cli.corpusService.preview(
      { kind: 'text', title: 'Ferry timetable', text },
      GLOBAL_SCOPE,
    );
    const added = await cli.corpusService.commit(preview, {
      scope: GLOBAL_SCOPE,
      actor: 'cli:ops',
      origin: 'operator',
    });
    const cited = () => {
      const answer = bot.corpus.ask(question, { scope: guildScope(GUILD) });
      return answer.status === 'answered' ? answer.citations[0]?.documentId : answer.status;
    };
    // The bot was not told: it learns from the changes table (SQLite poll, pg_notify).
    await vi.waitFor(() => expect(cited()).toBe(added.id), EVENTUALLY);
    await cli.corpusService.remove(added.id, {
      scope: GLOBAL_SCOPE,
      actor: 'cli:ops',
      origin: 'operator',
    });
    await vi.waitFor(() => expect(bot.corpus.getDocument(added.id)).toBeUndefined(), EVENTUALLY);
    expect(cited()).not.toBe(added.id);
  });
});

describeEachBackend(import.meta.url, (backend) => {
  /** Every change committed so far pruned, as a week after them. */
  const pruneAll = (store: Store) => store.pruneChanges(new Date(Date.now() + 60_000));

  async function twoProcesses(): Promise<{ bot: Store; cli: Store }> {
    const where = backend.newLocation();
    const bot = await backend.open(dataDir, where);
    const cli = await backend.open(dataDir, where);
    cleanup.push(
      () => bot.close(),
      () => cli.close(),
    );
    return { bot, cli };
  }

  describe('a follower behind pruned changes', () => {
    it('is not disturbed by a prune of changes it applied', async () => {
      const { bot, cli } = await twoProcesses();
      const seen = collector();
      const resync = vi.fn(async () => 0);
      const follower = followChanges(bot, { after: 0, watch: false, apply: seen.apply, resync });
      cleanup.push(() => follower.close());
      await cli.addDocument(note(1), { actor: 'cli' });
      expect(await follower.catchUp()).toBe(1);
      expect(await pruneAll(cli)).toBe(1);
      await cli.addDocument(note(2), { actor: 'cli' });
      expect(await follower.catchUp()).toBe(2);
      expect(seen.applied.map((change) => change.documentId)).toEqual([
        'harbour-note-1',
        'harbour-note-2',
      ]);
      expect(resync).not.toHaveBeenCalled();
    });

    it('resyncs from the store instead of missing them, then follows from where that left it', async () => {
      const { bot, cli } = await twoProcesses();
      const seen = collector();
      const resync = vi.fn(() => bot.lastChangeId());
      const follower = followChanges(bot, { after: 0, watch: false, apply: seen.apply, resync });
      cleanup.push(() => follower.close());
      // Committed and pruned while this follower was cut off: it never read them.
      await cli.addDocument(note(1), { actor: 'cli' });
      await cli.addDocument(note(2), { actor: 'cli' });
      await cli.addDocument(note(3), { actor: 'cli', at: new Date(Date.now() + 3_600_000) });
      expect(await pruneAll(cli)).toBe(2);
      expect(await follower.catchUp()).toBe(3);
      expect(resync).toHaveBeenCalledTimes(1);
      // Change 3 survived the prune but came before the resync's position: not applied again.
      expect(seen.applied).toEqual([]);
      await cli.addDocument(note(4), { actor: 'cli' });
      expect(await follower.catchUp()).toBe(4);
      expect(seen.applied.map((change) => change.documentId)).toEqual(['harbour-note-4']);
      expect(resync).toHaveBeenCalledTimes(1);
    });

    it('without a way to resync, says so rather than carry on with a hole', async () => {
      const { bot, cli } = await twoProcesses();
      const seen = collector();
      const follower = followChanges(bot, { after: 0, watch: false, apply: seen.apply });
      cleanup.push(() => follower.close());
      await cli.addDocument(note(1), { actor: 'cli' });
      await pruneAll(cli);
      await expect(follower.catchUp()).rejects.toThrow(ChangesPrunedError);
      expect(follower.lastApplied).toBe(0);
    });

    it('brings a running corpus to the store’s documents: a pruned add indexed, a pruned remove removed', async () => {
      const where = backend.newLocation();
      const cli = await openCorpus({ dataDir, corpusDir, store: where });
      cleanup.push(() => cli.close());
      await cli.store.addDocument(note(1), { actor: 'cli' });
      const warnings: string[] = [];
      // Catches up only when asked (refresh), as if cut off from the store meanwhile.
      const bot = await openCorpus({
        dataDir,
        corpusDir,
        store: where,
        onWarning: (message) => warnings.push(message),
      });
      cleanup.push(() => bot.close());
      expect(bot.corpus.getDocument('harbour-note-1')).toBeDefined();
      await cli.store.removeDocument('harbour-note-1', GLOBAL_SCOPE, 'cli');
      await cli.store.addDocument(note(3), { actor: 'cli' });
      expect(await pruneAll(cli.store)).toBe(3);
      expect(await bot.corpusService.refresh()).toEqual({ added: 1, removed: 1 });
      expect(bot.corpus.getDocument('harbour-note-1')).toBeUndefined();
      expect(bot.corpus.getDocument('harbour-note-3')?.title).toBe('Harbour note 3');
      expect(bot.corpusService.heldIds()).toEqual(new Set(['harbour-note-3']));
      expect(warnings).toEqual([expect.stringMatching(/fell behind .*\(1 added, 1 removed\)/u)]);
      // Following goes on from there.
      await cli.store.addDocument(note(5), { actor: 'cli' });
      expect(await bot.corpusService.refresh()).toEqual({ added: 1, removed: 0 });
      expect(warnings).toHaveLength(1);
    });
  });
});
