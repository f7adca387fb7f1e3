import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { GLOBAL_SCOPE, guildScope, type Scope } from '../../src/core/scope.ts';
import { segmentDocument } from '../../src/core/segment.ts';
import type { IngestPreview } from '../../src/ingest/preview.ts';
import { AlreadyAddedError } from '../../src/corpus/corpus-service.ts';
import { openCorpus, type OpenedCorpus } from '../../src/corpus/open-corpus.ts';
import { contentHash } from '../../src/core/content-hash.ts';
import { StoreError } from '../../src/store/errors.ts';
import { describeEachBackend } from '../store/backends.ts';

const GUILD_A = '111111111111111111';
const GUILD_B = '222222222222222222';
const SHIPPED_TEXT =
  'The lighthouse at Saltmarsh Point was built in 1872 and automated in 1989. Its lamp can be seen thirty kilometres out to sea.';
const NOTE = {
  kind: 'text',
  title: 'Ferry timetable',
  text: 'The Saltmarsh ferry to Gullholm departs at nine and at noon, every day except Sunday.',
} as const;

let root: string;
let corpusDir: string;
let dataDir: string;
const open: OpenedCorpus[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'footnote-corpus-'));
  corpusDir = join(root, 'corpus');
  dataDir = join(root, 'data');
  await mkdir(corpusDir);
  await writeFile(
    join(corpusDir, 'manifest.json'),
    JSON.stringify({
      documents: [
        {
          id: 'saltmarsh-lighthouse',
          title: 'The Saltmarsh Point lighthouse',
          site: 'Harbour Office',
          url: 'https://harbour.example/lighthouse',
          language: 'en',
          seed: 'lighthouse.txt',
          provenance: 'written for the test',
        },
      ],
    }),
  );
  await writeFile(join(corpusDir, 'saltmarsh-lighthouse.txt'), SHIPPED_TEXT);
});
afterEach(async () => {
  for (const opened of open.splice(0)) await opened.close();
  await rm(root, { recursive: true, force: true });
});

async function openTestCorpus(options: Partial<Parameters<typeof openCorpus>[0]> = {}) {
  const opened = await openCorpus({ corpusDir, dataDir, saveDelayMs: 10, ...options });
  open.push(opened);
  return opened;
}

/** What the store and the index hold, to compare before and after a failed write. */
async function state({ store, corpus }: OpenedCorpus) {
  return {
    documents: await store.allDocuments(),
    history: await store.history(undefined, 1000),
    changes: await store.changesSince(0),
    librarySize: corpus.size,
    passages: corpus.passageCount,
    answer: corpus.ask('When does the ferry to Gullholm depart?', { scope: guildScope(GUILD_A) })
      .status,
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

describe('CorpusService: preview, then commit', () => {
  it('writes nothing at preview; commit stores the document and indexes it for its server only', async () => {
    const opened = await openTestCorpus();
    const { corpusService, corpus, store } = opened;
    const preview = await corpusService.preview(NOTE, guildScope(GUILD_A));
    expect(preview.duplicate).toBeUndefined();
    expect(await store.listDocuments()).toEqual([]);

    const added = await corpusService.commit(preview, {
      scope: guildScope(GUILD_A),
      actor: 'user-1',
      origin: 'server',
    });
    expect(added).toMatchObject({
      id: expect.stringMatching(/^ferry-timetable-[0-9a-f]{6}$/),
      scope: guildScope(GUILD_A),
      origin: 'server',
    });
    expect((await store.getDocument(added.id))?.text).toBe(NOTE.text);
    expect(corpus.passagesOf(added.id)).toEqual(segmentDocument(added.id, NOTE.text));

    const question = 'When does the ferry to Gullholm depart?';
    const answer = corpus.ask(question, { scope: guildScope(GUILD_A) });
    expect(answer.status === 'answered' && answer.citations[0]?.documentId).toBe(added.id);
    // Another server, and the CLI, do not see it.
    const elsewhere = corpus.ask(question, { scope: guildScope(GUILD_B) });
    expect(
      elsewhere.status === 'answered' && elsewhere.citations.some((c) => c.documentId === added.id),
    ).toBe(false);
    expect(corpus.summarize(added.id, { scope: guildScope(GUILD_B) })).toBeUndefined();
    expect((await corpusService.history(guildScope(GUILD_A)))[0]).toMatchObject({
      action: 'add',
      actor: 'user-1',
    });
  });

  it('uses edited metadata at commit', async () => {
    const { corpusService } = await openTestCorpus();
    const preview = corpusService.edit(await corpusService.preview(NOTE, guildScope(GUILD_A)), {
      title: 'Gullholm ferry',
      publishedAt: '2024-06-01',
    });
    const added = await corpusService.commit(preview, {
      scope: guildScope(GUILD_A),
      actor: 'u',
      origin: 'server',
    });
    expect(added).toMatchObject({ title: 'Gullholm ferry', publishedAt: '2024-06-01' });
    expect(added.id).toMatch(/^gullholm-ferry-/);
  });

  it('shows a duplicate in the preview and refuses it at commit, naming the existing document', async () => {
    const opened = await openTestCorpus();
    const { corpusService } = opened;
    const first = await corpusService.commit(
      await corpusService.preview(NOTE, guildScope(GUILD_A)),
      {
        scope: guildScope(GUILD_A),
        actor: 'u',
        origin: 'server',
      },
    );
    const again = await corpusService.preview(
      { ...NOTE, title: 'Another title' },
      guildScope(GUILD_A),
    );
    expect(again.duplicate).toEqual({
      id: first.id,
      title: 'Ferry timetable',
      reason: 'content',
      message: `The same text was already added as “Ferry timetable” (${first.id}).`,
    });
    const before = await state(opened);
    const error = await rejection(
      corpusService.commit(again, { scope: guildScope(GUILD_A), actor: 'u', origin: 'server' }),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `The same text was already added as “Ferry timetable” (${first.id}).`,
    );
    expect(await state(opened)).toEqual(before);
    // Another server has its own documents: the same text is not a duplicate there.
    expect((await corpusService.preview(NOTE, guildScope(GUILD_B))).duplicate).toBeUndefined();
  });

  it('refuses the text or the address of a shipped document in every scope', async () => {
    const { corpusService } = await openTestCorpus();
    const sameText = await corpusService.preview(
      { kind: 'text', title: 'Copy', text: SHIPPED_TEXT },
      guildScope(GUILD_B),
    );
    expect(sameText.duplicate?.message).toBe(
      'The same text was already added as “The Saltmarsh Point lighthouse” (saltmarsh-lighthouse).',
    );
    const sameUrl: IngestPreview = {
      ...(await corpusService.preview(NOTE, GLOBAL_SCOPE)),
      urls: ['http://harbour.example/lighthouse/'],
    };
    const error = await rejection(
      corpusService.commit(sameUrl, { scope: GLOBAL_SCOPE, actor: 'cli', origin: 'operator' }),
    );
    expect(error.message).toBe(
      'That address was already added as “The Saltmarsh Point lighthouse” (saltmarsh-lighthouse).',
    );
  });

  it('leaves store and index as they were when the store fails', async () => {
    const opened = await openTestCorpus({
      store: {
        configure: (db) =>
          db.exec(`CREATE TEMP TRIGGER audit_fails BEFORE INSERT ON audit
                   BEGIN SELECT RAISE(ABORT, 'no space left'); END`),
      },
    });
    const before = await state(opened);
    const preview = await opened.corpusService.preview(NOTE, guildScope(GUILD_A));
    const error = await rejection(
      opened.corpusService.commit(preview, {
        scope: guildScope(GUILD_A),
        actor: 'u',
        origin: 'server',
      }),
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(await state(opened)).toEqual(before);
  });

  it('takes the stored document back when indexing fails', async () => {
    const opened = await openTestCorpus();
    const before = await state(opened);
    const preview = await opened.corpusService.preview(NOTE, guildScope(GUILD_A));
    vi.spyOn(opened.corpus, 'add').mockImplementationOnce(() => {
      throw new Error('index exploded');
    });
    const error = await rejection(
      opened.corpusService.commit(preview, {
        scope: guildScope(GUILD_A),
        actor: 'u',
        origin: 'server',
      }),
    );
    expect(error.message).toBe('index exploded');
    const after = await state(opened);
    expect({ ...after, changes: before.changes }).toEqual(before);
    // Another process may have indexed it meanwhile: a remove change tells it to let go.
    expect(after.changes.map((change) => change.kind)).toEqual(['add', 'remove']);
  });
});

describeEachBackend(import.meta.url, (backend) => {
  it('lets one of two moderators confirming the same text at once add it; the other is told it is there', async () => {
    const opened = await openTestCorpus({ store: backend.newLocation() });
    const { corpusService } = opened;
    const mine = await corpusService.preview(NOTE, guildScope(GUILD_A));
    const theirs = await corpusService.preview(
      { ...NOTE, title: 'Gullholm ferry' },
      guildScope(GUILD_A),
    );
    const results = await Promise.allSettled([
      corpusService.commit(mine, { scope: guildScope(GUILD_A), actor: 'u1', origin: 'server' }),
      corpusService.commit(theirs, { scope: guildScope(GUILD_A), actor: 'u2', origin: 'server' }),
    ]);
    const added = results.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    const refused = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason] : [],
    );
    expect(added).toHaveLength(1);
    expect(refused).toEqual([expect.any(AlreadyAddedError)]);
    expect((refused[0] as AlreadyAddedError).message).toBe(
      `The same text was already added as “${added[0]!.title}” (${added[0]!.id}).`,
    );
    expect((await opened.store.listDocuments()).map((document) => document.id)).toEqual([
      added[0]!.id,
    ]);
    expect((await opened.store.changesSince(0)).map((change) => change.kind)).toEqual(['add']);
  });
});

describe('CorpusService: scope fails closed', () => {
  type Context = Parameters<OpenedCorpus['corpusService']['commit']>[1];

  it('refuses a server scope without a server id (a DM’s guildId) rather than reading it as global', async () => {
    const { corpusService, store } = await openTestCorpus();
    const preview = await corpusService.preview(NOTE, guildScope(GUILD_A));
    const dm = { kind: 'guild', guildId: null } as unknown as Scope;
    await expect(
      corpusService.commit(preview, { scope: dm, actor: 'user', origin: 'server' }),
    ).rejects.toThrow(/needs a server id/);
    await expect(corpusService.preview(NOTE, dm)).rejects.toThrow(/needs a server id/);
    expect(() => corpusService.list({ kind: 'guild', guildId: '' })).toThrow(/needs a server id/);
    expect(() => guildScope(null)).toThrow(/needs a server id/);
    expect(await store.listDocuments()).toEqual([]);
  });

  it('refuses a write for every server that does not come from the operator', async () => {
    const { corpusService, store } = await openTestCorpus();
    const preview = await corpusService.preview(NOTE, GLOBAL_SCOPE);
    const moderator: Context = { scope: GLOBAL_SCOPE, actor: 'user', origin: 'server' };
    await expect(corpusService.commit(preview, moderator)).rejects.toThrow(/Only the operator/);
    expect(await store.listDocuments()).toEqual([]);
  });

  it('refuses what is not a scope, such as the old { guildId: null } shape', async () => {
    const { corpusService, store } = await openTestCorpus();
    const preview = await corpusService.preview(NOTE, guildScope(GUILD_A));
    const old = { guildId: null, operator: true } as unknown as Scope;
    await expect(
      corpusService.commit(preview, { scope: old, actor: 'cli', origin: 'operator' }),
    ).rejects.toThrow(/Expected a scope/);
    expect(() => corpusService.history(old)).toThrow(/Expected a scope/);
    expect(await store.listDocuments()).toEqual([]);
  });
});

describe('CorpusService: remove', () => {
  it('removes a server’s document from that server only, from store and index', async () => {
    const opened = await openTestCorpus();
    const { corpusService, corpus } = opened;
    const added = await corpusService.commit(
      await corpusService.preview(NOTE, guildScope(GUILD_A)),
      {
        scope: guildScope(GUILD_A),
        actor: 'u',
        origin: 'server',
      },
    );
    const fromB = await rejection(
      corpusService.remove(added.id, {
        scope: guildScope(GUILD_B),
        actor: 'mod-b',
        origin: 'server',
      }),
    );
    expect(fromB.message).toBe(`No document added in this server has the id “${added.id}”.`);
    const fromCli = await rejection(
      corpusService.remove(added.id, { scope: GLOBAL_SCOPE, actor: 'cli', origin: 'operator' }),
    );
    expect(fromCli.message).toBe(
      `“Ferry timetable” (${added.id}) belongs to server ${GUILD_A}: pass --guild ${GUILD_A} to remove it.`,
    );
    expect(corpus.getDocument(added.id)).toBeDefined();

    const removed = await corpusService.remove(added.id, {
      scope: guildScope(GUILD_A),
      actor: 'mod-a',
      origin: 'server',
    });
    expect(removed.id).toBe(added.id);
    expect(corpus.getDocument(added.id)).toBeUndefined();
    expect(
      corpus.ask('When does the ferry to Gullholm depart?', { scope: guildScope(GUILD_A) }).status,
    ).toBe('no-answer');
    expect(
      (await corpusService.history(guildScope(GUILD_A))).map((entry) => [
        entry.action,
        entry.actor,
      ]),
    ).toEqual([
      ['remove', 'mod-a'],
      ['add', 'u'],
    ]);
  });

  it('refuses to remove shipped documents, and says where they are managed', async () => {
    const { corpusService } = await openTestCorpus();
    expect(
      (
        await rejection(
          corpusService.remove('saltmarsh-lighthouse', {
            scope: guildScope(GUILD_A),
            actor: 'm',
            origin: 'server',
          }),
        )
      ).message,
    ).toBe(
      '“The Saltmarsh Point lighthouse” ships with Footnote and cannot be removed from a server.',
    );
    expect(
      (
        await rejection(
          corpusService.remove('saltmarsh-lighthouse', {
            scope: GLOBAL_SCOPE,
            actor: 'cli',
            origin: 'operator',
          }),
        )
      ).message,
    ).toBe(
      '“The Saltmarsh Point lighthouse” ships with Footnote: remove it from corpus/manifest.json instead.',
    );
    expect(
      (
        await rejection(
          corpusService.remove('nope', { scope: GLOBAL_SCOPE, actor: 'cli', origin: 'operator' }),
        )
      ).message,
    ).toBe('No added document has the id “nope”.');
  });

  it('lets a server see but not remove the operator’s documents', async () => {
    const { corpusService, corpus } = await openTestCorpus();
    const added = await corpusService.commit(await corpusService.preview(NOTE, GLOBAL_SCOPE), {
      scope: GLOBAL_SCOPE,
      actor: 'cli:ops',
      origin: 'operator',
    });
    expect(corpus.summarize(added.id, { scope: guildScope(GUILD_B) })?.title).toBe(
      'Ferry timetable',
    );
    expect(
      (
        await rejection(
          corpusService.remove(added.id, {
            scope: guildScope(GUILD_B),
            actor: 'm',
            origin: 'server',
          }),
        )
      ).message,
    ).toBe(
      '“Ferry timetable” was added for every server; it can only be removed from the command line.',
    );
    await corpusService.remove(added.id, {
      scope: GLOBAL_SCOPE,
      actor: 'cli:ops',
      origin: 'operator',
    });
    expect(await corpusService.list(GLOBAL_SCOPE)).toEqual([]);
  });
});

describe('openCorpus: the index follows the store', () => {
  it('does not load a stored document whose id a shipped one took, and never removes the shipped one', async () => {
    const first = await openTestCorpus();
    const text = 'A stored note that happens to carry a shipped id.';
    await first.store.addDocument(
      {
        id: 'saltmarsh-lighthouse',
        scope: guildScope(GUILD_A),
        origin: 'server',
        title: 'Collision',
        language: 'en',
        text,
        contentHash: contentHash(text),
        source: { kind: 'text', ref: 'pasted text' },
      },
      { actor: 'u' },
    );
    await first.close();
    open.splice(open.indexOf(first), 1);
    const warnings: string[] = [];
    const second = await openTestCorpus({ onWarning: (message) => warnings.push(message) });
    expect(warnings).toEqual([
      'Added document saltmarsh-lighthouse is not loaded: a shipped one has its id.',
    ]);
    expect(second.corpus.getDocument('saltmarsh-lighthouse')?.title).toBe(
      'The Saltmarsh Point lighthouse',
    );
    await second.corpusService.remove('saltmarsh-lighthouse', {
      scope: guildScope(GUILD_A),
      actor: 'mod',
      origin: 'server',
    });
    expect(await second.store.hasDocument('saltmarsh-lighthouse')).toBe(false);
    expect(second.corpus.getDocument('saltmarsh-lighthouse')).toMatchObject({
      scope: GLOBAL_SCOPE,
      origin: 'shipped',
    });
  });

  it('saves the index with the added documents and loads it from the cache next time', async () => {
    const first = await openTestCorpus();
    const added = await first.corpusService.commit(
      await first.corpusService.preview(NOTE, guildScope(GUILD_A)),
      {
        scope: guildScope(GUILD_A),
        actor: 'u',
        origin: 'server',
      },
    );
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await openTestCorpus();
    expect(second.indexSource).toBe('cache');
    expect(second.corpus.getDocument(added.id)).toMatchObject({
      scope: guildScope(GUILD_A),
      origin: 'server',
    });
    const answer = second.corpus.ask('When does the ferry to Gullholm depart?', {
      scope: guildScope(GUILD_A),
    });
    expect(answer.status === 'answered' && answer.citations[0]?.documentId).toBe(added.id);
  });

  it('rebuilds from the store when another process changed it, and refresh() catches up live', async () => {
    const bot = await openTestCorpus();
    const cli = await openTestCorpus();
    const added = await cli.corpusService.commit(
      await cli.corpusService.preview(NOTE, guildScope(GUILD_A)),
      {
        scope: guildScope(GUILD_A),
        actor: 'cli',
        origin: 'operator',
      },
    );
    expect(bot.corpus.getDocument(added.id)).toBeUndefined();
    expect(await bot.corpusService.refresh()).toEqual({ added: 1, removed: 0 });
    expect(bot.corpus.getDocument(added.id)?.text).toBe(NOTE.text);
    expect(await bot.corpusService.refresh()).toEqual({ added: 0, removed: 0 });
    await cli.corpusService.remove(added.id, {
      scope: guildScope(GUILD_A),
      actor: 'cli',
      origin: 'operator',
    });
    expect(await bot.corpusService.refresh()).toEqual({ added: 0, removed: 1 });
    expect(bot.corpus.getDocument(added.id)).toBeUndefined();
  });
});

describe('CorpusService: changed events', () => {
  it('announces an add and a remove made here as local, with the document id', async () => {
    const { corpusService } = await openTestCorpus();
    const changes: unknown[] = [];
    corpusService.on('changed', (change) => changes.push(change));
    const added = await corpusService.commit(
      await corpusService.preview(NOTE, guildScope(GUILD_A)),
      {
        scope: guildScope(GUILD_A),
        actor: 'u',
        origin: 'server',
      },
    );
    await corpusService.remove(added.id, {
      scope: guildScope(GUILD_A),
      actor: 'u',
      origin: 'server',
    });
    expect(changes).toEqual([
      { added: [added.id], removed: [], from: 'local' },
      { added: [], removed: [added.id], from: 'local' },
    ]);
  });

  it('announces what refresh() found in the store as coming from it, and nothing when nothing changed', async () => {
    const bot = await openTestCorpus();
    const cli = await openTestCorpus();
    const changes: unknown[] = [];
    bot.corpusService.on('changed', (change) => changes.push(change));
    const added = await cli.corpusService.commit(
      await cli.corpusService.preview(NOTE, guildScope(GUILD_A)),
      {
        scope: guildScope(GUILD_A),
        actor: 'cli',
        origin: 'operator',
      },
    );
    await bot.corpusService.refresh();
    await bot.corpusService.refresh();
    expect(changes).toEqual([{ added: [added.id], removed: [], from: 'store' }]);
  });

  it('stops calling a listener once it unsubscribes', async () => {
    const { corpusService } = await openTestCorpus();
    const listener = vi.fn();
    const unsubscribe = corpusService.on('changed', listener);
    unsubscribe();
    await corpusService.commit(await corpusService.preview(NOTE, guildScope(GUILD_A)), {
      scope: guildScope(GUILD_A),
      actor: 'u',
      origin: 'server',
    });
    expect(listener).not.toHaveBeenCalled();
  });
});
