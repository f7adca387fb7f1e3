/**
 * Run by `cold-start.ts` in a fresh Node process, so that starting from the index cache is
 * measured as the bot pays for it: with nothing compiled or cached yet.
 *
 *   --mode rebuild  builds the corpus from the documents and writes the index cache
 *   --mode load     loads the corpus from that cache, answers one question, then times
 *                   moderator adds (add a document, ask about it, check it is cited)
 *
 * Prints one JSON line on stdout (`RebuildResult` or `LoadResult`).
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import MiniSearch from 'minisearch';
import { CorpusIndex } from '../src/core/corpus-index.ts';
import type { CorpusDocument } from '../src/core/types.ts';
import { loadVocabulary } from '../src/corpus/corpus-loader.ts';
import { corpusFingerprint, readIndexCache, writeIndexCache } from '../src/corpus/index-cache.ts';
import type { AddResult, LoadResult, RebuildResult } from './cold-start.ts';
import { roundMs, settledHeapMB, timed, timedAsync } from './metrics.ts';
import { mulberry32 } from './squad-data.ts';
import { openCorpusSource, takeCorpus } from './synthetic-corpus.ts';
import { guildScope } from '../src/core/scope.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    documents: { type: 'string' },
    dir: { type: 'string' },
    squad: { type: 'string' },
    adds: { type: 'string', default: '5' },
  },
});
if (!values.dir || !values.documents || (values.mode !== 'rebuild' && values.mode !== 'load')) {
  throw new Error(
    'usage: cold-start-child.ts --mode rebuild|load --documents N --dir DIR [--squad FILE] [--adds N]',
  );
}
const dir = values.dir;
/** MiniSearch's defaults saved next to (not inside) Footnote's cache folder. */
const minisearchFile = `${dir}.minisearch-defaults.json`;
const MINISEARCH_DEFAULTS = { fields: ['title', 'text'] };

// The documents stand for a corpus already read from disk: reading files is not timed.
const source = await openCorpusSource(values.squad);
const documents = takeCorpus(source, { documents: Number(values.documents) });
const vocabulary = await loadVocabulary();

const heapDelta = async (before: number | undefined) => {
  const after = await settledHeapMB();
  return before === undefined || after === undefined ? null : Math.round(after - before);
};

async function rebuild(): Promise<RebuildResult> {
  const heapBefore = await settledHeapMB();
  const build = timed(() => new CorpusIndex(documents, undefined, vocabulary));
  const heapMB = await heapDelta(heapBefore);
  const fingerprint = corpusFingerprint(documents);
  const serialized = timed(() => build.result.serializeIndex());
  const write = await timedAsync(() => writeIndexCache(dir, fingerprint, serialized.result));
  const minisearch = new MiniSearch(MINISEARCH_DEFAULTS);
  minisearch.addAll(
    documents.flatMap((document) =>
      build.result
        .passagesOf(document.id)
        .map((passage) => ({ id: passage.id, title: document.title, text: passage.text })),
    ),
  );
  await writeFile(minisearchFile, JSON.stringify(minisearch));
  return {
    documents: documents.length,
    passages: build.result.passageCount,
    buildMs: roundMs(build.ms),
    heapMB,
    serializeMs: roundMs(serialized.ms),
    writeMs: roundMs(write.ms),
    cacheBytes: await directoryBytes(dir),
  };
}

async function directoryBytes(directory: string): Promise<number> {
  const names = await readdir(directory);
  const sizes = await Promise.all(
    names.map(async (name) => (await stat(join(directory, name))).size),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

/** The steps `openLibrary` takes on a cache hit, each timed. */
async function loadFromCache() {
  const fingerprint = timed(() => corpusFingerprint(documents));
  const read = await timedAsync(() => readIndexCache(dir, fingerprint.result));
  const saved = read.result;
  if (!saved) throw new Error(`no usable index cache in ${dir}`);
  const construct = timed(() => new CorpusIndex(documents, saved, vocabulary));
  return {
    corpus: construct.result,
    fingerprintMs: fingerprint.ms,
    readMs: read.ms,
    constructMs: construct.ms,
  };
}

async function load(): Promise<LoadResult> {
  const heapBefore = await settledHeapMB();
  // The saved index's JSON is unreachable once this returns, so the heap figure is the corpus's.
  const { corpus, fingerprintMs, readMs, constructMs } = await loadFromCache();
  const heapMB = await heapDelta(heapBefore);
  const passages = corpus.passageCount;
  const minisearchLoad = await timedAsync(async () =>
    MiniSearch.loadJSON(await readFile(minisearchFile, 'utf8'), MINISEARCH_DEFAULTS),
  );
  const firstAsk = timed(() => corpus.ask(source.questions(1)[0]!));
  const adds = Array.from({ length: Number(values.adds) }, (_, index) =>
    moderatorAdd(corpus, index),
  );
  return {
    documents: documents.length,
    passages,
    fingerprintMs: roundMs(fingerprintMs),
    readMs: roundMs(readMs),
    constructMs: roundMs(constructMs),
    totalMs: roundMs(fingerprintMs + readMs + constructMs),
    heapMB,
    minisearchDefaultsLoadMs: roundMs(minisearchLoad.ms),
    firstAskMs: roundMs(firstAsk.ms),
    adds,
  };
}

const GUILD_ID = 'bench-guild';

/** Adds a new server document and asks the question it answers, as a moderator would check it. */
function moderatorAdd(corpus: CorpusIndex, index: number): AddResult {
  const { document, question } = moderatorDocument(index);
  const add = timed(() => corpus.add(document));
  const ask = timed(() => corpus.ask(question, { scope: guildScope(GUILD_ID) }));
  const cited =
    ask.result.status === 'answered' &&
    ask.result.citations.some((citation) => citation.documentId === document.id);
  return {
    question,
    addMs: roundMs(add.ms),
    askMs: roundMs(ask.ms),
    totalMs: roundMs(add.ms + ask.ms),
    cited,
  };
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tav',
  'ur',
  'vel',
  'zor',
  'bri',
  'sun',
  'dal',
  'ock',
  'ith',
  'mar',
  'nes',
];
const MONTHS = ['March', 'April', 'May', 'June', 'September', 'October'];

/**
 * A short document about an invented water compact, whose made-up names occur nowhere in the
 * corpus: the only passage that can answer its question is the one just added.
 */
function moderatorDocument(index: number): { document: CorpusDocument; question: string } {
  const random = mulberry32(1000 + index);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const name = (syllables: number) => {
    const word = Array.from({ length: syllables }, () => pick(SYLLABLES)).join('');
    return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
  };
  const compact = name(3);
  const [townA, townB, river] = [name(2), name(2), name(2)];
  const signed = `${1 + Math.floor(random() * 28)} ${pick(MONTHS)} ${1990 + Math.floor(random() * 30)}`;
  const share = 40 + Math.floor(random() * 20);
  const text = [
    `The ${compact} water-sharing compact was signed on ${signed} by the councils of ${townA} and ${townB}. ` +
      `It fixes how much water each town may draw from the ${river} river during dry summers, ` +
      'and it set up a joint board of six members to settle disputes between them.',
    `Under the compact, ${townA} may take ${share} percent of the summer flow and ${townB} the rest. ` +
      'The board meets twice a year and publishes its decisions; either council can ask it to review the shares after a drought.',
    `Farmers downstream of ${townB} had asked for such an agreement for more than a decade. ` +
      `Their association called the ${compact} compact a first step, but wants a farmers' representative on the board.`,
  ].join('\n\n');
  return {
    document: {
      id: `moderator-${index + 1}`,
      title: `${compact} water-sharing compact`,
      language: 'en',
      text,
      scope: guildScope(GUILD_ID),
      origin: 'server',
    },
    question: `When was the ${compact} water-sharing compact signed?`,
  };
}

const result = values.mode === 'rebuild' ? await rebuild() : await load();
process.stdout.write(`${JSON.stringify(result)}\n`);
