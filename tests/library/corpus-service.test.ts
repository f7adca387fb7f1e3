import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { segmentDocument } from '../../src/core/segment.ts';
import type { IngestPreview } from '../../src/ingest/preview.ts';
import { AlreadyAddedError, OPERATOR_SCOPE } from '../../src/library/corpus-service.ts';
import { openCorpus, type OpenedCorpus } from '../../src/library/open-corpus.ts';
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
async function state({ store, library }: OpenedCorpus) {
  return {
    documents: await store.allDocuments(),
    history: await store.history(undefined, 1000),
    changes: await store.changesSince(0),
    librarySize: library.size,
    passages: library.passageCount,
    answer: library.ask('When does the ferry to Gullholm depart?', { guildId: GUILD_A }).status,
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
    const { corpus, library, store } = opened;
    const preview = await corpus.preview(NOTE, { guildId: GUILD_A });
    expect(preview.duplicate).toBeUndefined();
    expect(await store.listDocuments()).toEqual([]);

    const added = await corpus.commit(preview, { guildId: GUILD_A, actor: 'user-1' });
    expect(added).toMatchObject({
      id: expect.stringMatching(/^ferry-timetable-[0-9a-f]{6}$/),
      guildId: GUILD_A,
    });
    expect((await store.getDocument(added.id))?.text).toBe(NOTE.text);
    expect(library.passagesOf(added.id)).toEqual(segmentDocument(added.id, NOTE.text));

    const question = 'When does the ferry to Gullholm depart?';
    const answer = library.ask(question, { guildId: GUILD_A });
    expect(answer.status === 'answered' && answer.citations[0]?.documentId).toBe(added.id);
    // Another server, and the CLI, do not see it.
    const elsewhere = library.ask(question, { guildId: GUILD_B });
    expect(
      elsewhere.status === 'answered' && elsewhere.citations.some((c) => c.documentId === added.id),
    ).toBe(false);
    expect(library.summarize(added.id, { guildId: GUILD_B })).toBeUndefined();
    expect((await corpus.history({ guildId: GUILD_A }))[0]).toMatchObject({
      action: 'add',
      actor: 'user-1',
    });
  });

  it('uses edited metadata at commit', async () => {
    const { corpus } = await openTestCorpus();
    const preview = corpus.edit(await corpus.preview(NOTE, { guildId: GUILD_A }), {
      title: 'Gullholm ferry',
      publishedAt: '2024-06-01',
    });
    const added = await corpus.commit(preview, { guildId: GUILD_A, actor: 'u' });
    expect(added).toMatchObject({ title: 'Gullholm ferry', publishedAt: '2024-06-01' });
    expect(added.id).toMatch(/^gullholm-ferry-/);
  });

  it('shows a duplicate in the preview and refuses it at commit, naming the existing document', async () => {
    const opened = await openTestCorpus();
    const { corpus } = opened;
    const first = await corpus.commit(await corpus.preview(NOTE, { guildId: GUILD_A }), {
      guildId: GUILD_A,
      actor: 'u',
    });
    const again = await corpus.preview({ ...NOTE, title: 'Another title' }, { guildId: GUILD_A });
    expect(again.duplicate).toEqual({
      id: first.id,
      title: 'Ferry timetable',
      reason: 'content',
      message: `The same text was already added as “Ferry timetable” (${first.id}).`,
    });
    const before = await state(opened);
    const error = await rejection(corpus.commit(again, { guildId: GUILD_A, actor: 'u' }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `The same text was already added as “Ferry timetable” (${first.id}).`,
    );
    expect(await state(opened)).toEqual(before);
    // Another server has its own documents: the same text is not a duplicate there.
    expect((await corpus.preview(NOTE, { guildId: GUILD_B })).duplicate).toBeUndefined();
  });

  it('refuses the text or the address of a shipped document in every scope', async () => {
    const { corpus } = await openTestCorpus();
    const sameText = await corpus.preview(
      { kind: 'text', title: 'Copy', text: SHIPPED_TEXT },
      { guildId: GUILD_B },
    );
    expect(sameText.duplicate?.message).toBe(
      'The same text was already added as “The Saltmarsh Point lighthouse” (saltmarsh-lighthouse).',
    );
    const sameUrl: IngestPreview = {
      ...(await corpus.preview(NOTE, OPERATOR_SCOPE)),
      urls: ['http://harbour.example/lighthouse/'],
    };
    const error = await rejection(corpus.commit(sameUrl, { ...OPERATOR_SCOPE, actor: 'cli' }));
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
    const preview = await opened.corpus.preview(NOTE, { guildId: GUILD_A });
    const error = await rejection(opened.corpus.commit(preview, { guildId: GUILD_A, actor: 'u' }));
    expect(error).toBeInstanceOf(StoreError);
    expect(await state(opened)).toEqual(before);
  });

  it('takes the stored document back when indexing fails', async () => {
    const opened = await openTestCorpus();
    const before = await state(opened);
    const preview = await opened.corpus.preview(NOTE, { guildId: GUILD_A });
    vi.spyOn(opened.library, 'add').mockImplementationOnce(() => {
      throw new Error('index exploded');
    });
    const error = await rejection(opened.corpus.commit(preview, { guildId: GUILD_A, actor: 'u' }));
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
    const { corpus } = opened;
    const mine = await corpus.preview(NOTE, { guildId: GUILD_A });
    const theirs = await corpus.preview({ ...NOTE, title: 'Gullholm ferry' }, { guildId: GUILD_A });
    const results = await Promise.allSettled([
      corpus.commit(mine, { guildId: GUILD_A, actor: 'u1' }),
      corpus.commit(theirs, { guildId: GUILD_A, actor: 'u2' }),
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
  it('refuses a null server id that does not say it is the operator (a DM’s guildId)', async () => {
    const { corpus, store } = await openTestCorpus();
    const preview = await corpus.preview(NOTE, { guildId: GUILD_A });
    const dm = { guildId: null, actor: 'user' } as unknown as Parameters<typeof corpus.commit>[1];
    await expect(corpus.commit(preview, dm)).rejects.toThrow(/needs a server id/);
    await expect(corpus.preview(NOTE, dm)).rejects.toThrow(/needs a server id/);
    expect(() => corpus.list({ guildId: '' })).toThrow(/needs a server id/);
    expect(await store.listDocuments()).toEqual([]);
  });
});

describe('CorpusService: remove', () => {
  it('removes a server’s document from that server only, from store and index', async () => {
    const opened = await openTestCorpus();
    const { corpus, library } = opened;
    const added = await corpus.commit(await corpus.preview(NOTE, { guildId: GUILD_A }), {
      guildId: GUILD_A,
      actor: 'u',
    });
    const fromB = await rejection(corpus.remove(added.id, { guildId: GUILD_B, actor: 'mod-b' }));
    expect(fromB.message).toBe(`No document added in this server has the id “${added.id}”.`);
    const fromCli = await rejection(corpus.remove(added.id, { ...OPERATOR_SCOPE, actor: 'cli' }));
    expect(fromCli.message).toBe(
      `“Ferry timetable” (${added.id}) belongs to server ${GUILD_A}: pass --guild ${GUILD_A} to remove it.`,
    );
    expect(library.getDocument(added.id)).toBeDefined();

    const removed = await corpus.remove(added.id, { guildId: GUILD_A, actor: 'mod-a' });
    expect(removed.id).toBe(added.id);
    expect(library.getDocument(added.id)).toBeUndefined();
    expect(
      library.ask('When does the ferry to Gullholm depart?', { guildId: GUILD_A }).status,
    ).toBe('no-answer');
    expect(
      (await corpus.history({ guildId: GUILD_A })).map((entry) => [entry.action, entry.actor]),
    ).toEqual([
      ['remove', 'mod-a'],
      ['add', 'u'],
    ]);
  });

  it('refuses to remove shipped documents, and says where they are managed', async () => {
    const { corpus } = await openTestCorpus();
    expect(
      (await rejection(corpus.remove('saltmarsh-lighthouse', { guildId: GUILD_A, actor: 'm' })))
        .message,
    ).toBe(
      '“The Saltmarsh Point lighthouse” ships with Footnote and cannot be removed from a server.',
    );
    expect(
      (await rejection(corpus.remove('saltmarsh-lighthouse', { ...OPERATOR_SCOPE, actor: 'cli' })))
        .message,
    ).toBe(
      '“The Saltmarsh Point lighthouse” ships with Footnote: remove it from corpus/manifest.json instead.',
    );
    expect(
      (await rejection(corpus.remove('nope', { ...OPERATOR_SCOPE, actor: 'cli' }))).message,
    ).toBe('No added document has the id “nope”.');
  });

  it('lets a server see but not remove the operator’s documents', async () => {
    const { corpus, library } = await openTestCorpus();
    const added = await corpus.commit(await corpus.preview(NOTE, OPERATOR_SCOPE), {
      ...OPERATOR_SCOPE,
      actor: 'cli:ops',
    });
    expect(library.summarize(added.id, { guildId: GUILD_B })?.title).toBe('Ferry timetable');
    expect(
      (await rejection(corpus.remove(added.id, { guildId: GUILD_B, actor: 'm' }))).message,
    ).toBe(
      '“Ferry timetable” was added for every server; it can only be removed from the command line.',
    );
    await corpus.remove(added.id, { ...OPERATOR_SCOPE, actor: 'cli:ops' });
    expect(await corpus.list(OPERATOR_SCOPE)).toEqual([]);
  });
});

describe('openCorpus: the index follows the store', () => {
  it('does not load a stored document whose id a shipped one took, and never removes the shipped one', async () => {
    const first = await openTestCorpus();
    const text = 'A stored note that happens to carry a shipped id.';
    await first.store.addDocument(
      {
        id: 'saltmarsh-lighthouse',
        guildId: GUILD_A,
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
    expect(second.library.getDocument('saltmarsh-lighthouse')?.title).toBe(
      'The Saltmarsh Point lighthouse',
    );
    await second.corpus.remove('saltmarsh-lighthouse', { guildId: GUILD_A, actor: 'mod' });
    expect(await second.store.hasDocument('saltmarsh-lighthouse')).toBe(false);
    expect(second.library.getDocument('saltmarsh-lighthouse')?.scope).toEqual({ kind: 'shipped' });
  });

  it('saves the index with the added documents and loads it from the cache next time', async () => {
    const first = await openTestCorpus();
    const added = await first.corpus.commit(
      await first.corpus.preview(NOTE, { guildId: GUILD_A }),
      {
        guildId: GUILD_A,
        actor: 'u',
      },
    );
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await openTestCorpus();
    expect(second.indexSource).toBe('cache');
    expect(second.library.getDocument(added.id)?.scope).toEqual({
      kind: 'guild',
      guildId: GUILD_A,
    });
    const answer = second.library.ask('When does the ferry to Gullholm depart?', {
      guildId: GUILD_A,
    });
    expect(answer.status === 'answered' && answer.citations[0]?.documentId).toBe(added.id);
  });

  it('rebuilds from the store when another process changed it, and refresh() catches up live', async () => {
    const bot = await openTestCorpus();
    const cli = await openTestCorpus();
    const added = await cli.corpus.commit(await cli.corpus.preview(NOTE, { guildId: GUILD_A }), {
      guildId: GUILD_A,
      actor: 'cli',
    });
    expect(bot.library.getDocument(added.id)).toBeUndefined();
    expect(await bot.corpus.refresh()).toEqual({ added: 1, removed: 0 });
    expect(bot.library.getDocument(added.id)?.text).toBe(NOTE.text);
    expect(await bot.corpus.refresh()).toEqual({ added: 0, removed: 0 });
    await cli.corpus.remove(added.id, { guildId: GUILD_A, actor: 'cli' });
    expect(await bot.corpus.refresh()).toEqual({ added: 0, removed: 1 });
    expect(bot.library.getDocument(added.id)).toBeUndefined();
  });
});

describe('CorpusService: changed events', () => {
  it('announces an add and a remove made here as local, with the document id', async () => {
    const { corpus } = await openTestCorpus();
    const changes: unknown[] = [];
    corpus.on('changed', (change) => changes.push(change));
    const added = await corpus.commit(await corpus.preview(NOTE, { guildId: GUILD_A }), {
      guildId: GUILD_A,
      actor: 'u',
    });
    await corpus.remove(added.id, { guildId: GUILD_A, actor: 'u' });
    expect(changes).toEqual([
      { added: [added.id], removed: [], origin: 'local' },
      { added: [], removed: [added.id], origin: 'local' },
    ]);
  });

  it('announces what refresh() found in the store as coming from it, and nothing when nothing changed', async () => {
    const bot = await openTestCorpus();
    const cli = await openTestCorpus();
    const changes: unknown[] = [];
    bot.corpus.on('changed', (change) => changes.push(change));
    const added = await cli.corpus.commit(await cli.corpus.preview(NOTE, { guildId: GUILD_A }), {
      guildId: GUILD_A,
      actor: 'cli',
    });
    await bot.corpus.refresh();
    await bot.corpus.refresh();
    expect(changes).toEqual([{ added: [added.id], removed: [], origin: 'store' }]);
  });

  it('stops calling a listener once it unsubscribes', async () => {
    const { corpus } = await openTestCorpus();
    const listener = vi.fn();
    const unsubscribe = corpus.on('changed', listener);
    unsubscribe();
    await corpus.commit(await corpus.preview(NOTE, { guildId: GUILD_A }), {
      guildId: GUILD_A,
      actor: 'u',
    });
    expect(listener).not.toHaveBeenCalled();
  });
});
