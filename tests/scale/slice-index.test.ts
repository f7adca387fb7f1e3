import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActorContext } from '../../src/corpus/corpus-service.ts';
import { openCorpus, type OpenedCorpus } from '../../src/corpus/open-corpus.ts';
import { guildOnShard } from './guilds.ts';
import { GLOBAL_SCOPE, guildScope } from '../../src/core/scope.ts';

/** This process runs shards 0 and 1 of 4. */
const SLICE = { ids: [0, 1], count: 4 };
const OURS = guildOnShard(1, 4);
const THEIRS = guildOnShard(2, 4);

let dataDir: string;
const open: OpenedCorpus[] = [];
const opened = async (options: Partial<Parameters<typeof openCorpus>[0]> = {}) => {
  const corpus = await openCorpus({ dataDir, saveDelayMs: 10, ...options });
  open.push(corpus);
  return corpus;
};

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-slice-'));
});
afterEach(async () => {
  for (const corpus of open.splice(0)) await corpus.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Adds a short note in a scope, as a moderator (or the operator) would. */
async function add(corpus: OpenedCorpus, title: string, context: ActorContext) {
  const text = `${title} is written here so that the index has something to hold about it.`;
  const preview = await corpus.corpusService.preview({ kind: 'text', title, text }, context.scope);
  return corpus.corpusService.commit(preview, context);
}

/** The added notes the process's corpus holds, whoever they are for. */
const held = (corpus: OpenedCorpus) =>
  [...corpus.corpusService.heldIds()].map((id) => corpus.corpus.getDocument(id)!.title).sort();

describe('one index per process, holding what its shards serve', () => {
  it('opens with the documents for every server and those of its own servers only', async () => {
    const writer = await opened();
    await add(writer, 'Note for our server', {
      scope: guildScope(OURS),
      actor: 'moderator',
      origin: 'server',
    });
    await add(writer, 'Note for their server', {
      scope: guildScope(THEIRS),
      actor: 'moderator',
      origin: 'server',
    });
    await add(writer, 'Note for every server', {
      scope: GLOBAL_SCOPE,
      actor: 'cli:operator',
      origin: 'operator',
    });
    await writer.close();
    open.length = 0;

    const slice = await opened({ slice: SLICE });
    expect(held(slice)).toEqual(['Note for every server', 'Note for our server']);
    // Unsliced, as one process running every shard: all three.
    const whole = await opened();
    expect(held(whole)).toHaveLength(3);
  });

  it('takes in another process’s changes for its servers and passes over the rest', async () => {
    const slice = await opened({ slice: SLICE });
    const writer = await opened();
    await add(writer, 'Note for their server', {
      scope: guildScope(THEIRS),
      actor: 'moderator',
      origin: 'server',
    });
    await add(writer, 'Note for our server', {
      scope: guildScope(OURS),
      actor: 'moderator',
      origin: 'server',
    });
    expect(await slice.corpusService.refresh()).toEqual({ added: 1, removed: 0 });
    expect(held(slice)).toEqual(['Note for our server']);
    const answer = slice.corpus.ask('What is written about our server?', {
      scope: guildScope(OURS),
    });
    expect(answer.status).toBe('answered');
  });
});

describe('starting from the saved index', () => {
  /** Opens the slice, saves its index on close, as a process that stops would. */
  async function runOnce(options: Partial<Parameters<typeof openCorpus>[0]> = {}) {
    const corpus = await opened({ slice: SLICE, ...options });
    const source = corpus.indexSource;
    await corpus.close();
    open.splice(open.indexOf(corpus), 1);
    return source;
  }

  it('loads its snapshot and indexes only the documents added since', async () => {
    const writer = await opened();
    await add(writer, 'Note kept before', {
      scope: guildScope(OURS),
      actor: 'moderator',
      origin: 'server',
    });
    expect(await runOnce()).toBe('built');
    await add(writer, 'Note added while down', {
      scope: guildScope(OURS),
      actor: 'moderator',
      origin: 'server',
    });
    await add(writer, 'Note for their server', {
      scope: guildScope(THEIRS),
      actor: 'moderator',
      origin: 'server',
    });
    const slice = await opened({ slice: SLICE });
    expect(slice.indexSource).toBe('snapshot');
    expect(held(slice)).toEqual(['Note added while down', 'Note kept before']);
    expect(
      slice.corpus.ask('What is written about Note added while down?', { scope: guildScope(OURS) })
        .status,
    ).toBe('answered');
  });

  it('rebuilds when a document it held was removed meanwhile', async () => {
    const writer = await opened();
    const note = await add(writer, 'Note removed while down', {
      scope: guildScope(OURS),
      actor: 'moderator',
      origin: 'server',
    });
    expect(await runOnce()).toBe('built');
    await writer.corpusService.remove(note.id, {
      scope: guildScope(OURS),
      actor: 'moderator',
      origin: 'server',
    });
    const slice = await opened({ slice: SLICE });
    expect(slice.indexSource).toBe('built');
    expect(held(slice)).toEqual([]);
  });

  it('keeps one saved index per slice, so slices sharing a data directory do not overwrite it', async () => {
    const writer = await opened();
    await add(writer, 'Note for our server', {
      scope: guildScope(OURS),
      actor: 'moderator',
      origin: 'server',
    });
    await add(writer, 'Note for their server', {
      scope: guildScope(THEIRS),
      actor: 'moderator',
      origin: 'server',
    });
    const other = { slice: { ids: [2, 3], count: 4 } };
    expect([await runOnce(), await runOnce(other)]).toEqual(['built', 'built']);
    expect([await runOnce(), await runOnce(other)]).toEqual(['cache', 'cache']);
  });
});
