/**
 * Run by `scale.ts` in a fresh Node process, one per measurement, so each heap figure is one
 * process's index as a running bot holds it.
 *
 *   --mode snapshot  builds the index of the documents the slice serves and saves it
 *   --mode start     starts as the bot does: the served documents, the saved index, then the
 *                    documents added since the snapshot (the changes table's adds)
 *
 * `--slice all` is today's process per shard under the ShardingManager, which indexes every
 * server's documents; `--slice 0-3` serves shards 0 to 3 of `--shard-count`.
 * Prints one JSON line on stdout (`SnapshotResult` or `StartResult`).
 */
import { parseArgs } from 'node:util';
import { CorpusIndex } from '../src/core/corpus-index.ts';
import { parseShardIds, servesScope, type ShardSlice } from '../src/core/shard-slice.ts';
import type { CorpusDocument } from '../src/core/types.ts';
import { loadVocabulary } from '../src/corpus/corpus-loader.ts';
import { readIndexCache, writeIndexCache } from '../src/corpus/index-cache.ts';
import { roundMs, settledHeapMB, timed, timedAsync } from './metrics.ts';
import { benchCorpus, type SnapshotResult, type StartResult } from './scale.ts';
import { openCorpusSource } from './synthetic-corpus.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    passages: { type: 'string' },
    'shard-count': { type: 'string' },
    slice: { type: 'string' },
    dir: { type: 'string' },
    squad: { type: 'string' },
    changes: { type: 'string', default: '20' },
  },
});
const shardCount = Number(values['shard-count']);
const parsed = values.slice === 'all' ? undefined : parseShardIds(values.slice ?? '');
if (!values.dir || !values.passages || !shardCount || (parsed && 'error' in parsed))
  throw new Error(
    'usage: scale-child.ts --mode snapshot|start --passages N --shard-count N --slice all|IDS --dir DIR',
  );
const slice: ShardSlice | undefined =
  parsed && 'ids' in parsed ? { ids: parsed.ids, count: shardCount } : undefined;
const dir = values.dir;
/** The saved index is keyed by what it holds; the bench checks nothing else. */
const FINGERPRINT = 'bench-scale';

const source = await openCorpusSource(values.squad);
const { documents, since } = benchCorpus(source, {
  passages: Number(values.passages),
  shardCount,
  changes: Number(values.changes),
});
const served = (document: CorpusDocument) => servesScope(slice, document.scope);
const vocabulary = await loadVocabulary();

async function snapshot(): Promise<SnapshotResult> {
  const held = documents.filter(served);
  const build = timed(() => new CorpusIndex(held, undefined, vocabulary));
  await writeIndexCache(dir, FINGERPRINT, build.result.serializeIndex());
  return {
    documents: held.length,
    passages: build.result.passageCount,
    buildMs: roundMs(build.ms),
  };
}

async function start(): Promise<StartResult> {
  const heapBefore = await settledHeapMB();
  const held = documents.filter(served);
  const read = await timedAsync(() => readIndexCache(dir, FINGERPRINT));
  if (!read.result) throw new Error(`no saved index in ${dir}`);
  const saved = read.result;
  const construct = timed(() => new CorpusIndex(held, saved, vocabulary));
  const corpus = construct.result;
  // The changes since the snapshot: documents added while the process was down, every slice's.
  const catchUp = timed(() => {
    let applied = 0;
    for (const document of since) {
      if (!served(document)) continue;
      corpus.add(document);
      applied += 1;
    }
    return applied;
  });
  const after = await settledHeapMB();
  return {
    documents: corpus.size,
    passages: corpus.passageCount,
    readMs: roundMs(read.ms),
    constructMs: roundMs(construct.ms),
    changesApplied: catchUp.result,
    changesSkipped: since.length - catchUp.result,
    catchUpMs: roundMs(catchUp.ms),
    totalMs: roundMs(read.ms + construct.ms + catchUp.ms),
    textMB: Math.round(
      [...held, ...since.filter(served)].reduce((sum, document) => sum + document.text.length, 0) /
        2 ** 20,
    ),
    heapMB: heapBefore === undefined || after === undefined ? null : Math.round(after - heapBefore),
  };
}

const result = values.mode === 'snapshot' ? await snapshot() : await start();
process.stdout.write(`${JSON.stringify(result)}\n`);
