/**
 * `ask` of two versions side by side in one process: this checkout's `CorpusIndex` and the one in
 * another checkout (`--base`, e.g. a detached worktree of main with `node_modules` linked),
 * over the same synthetic SQuAD corpus and questions, asked alternately so that whatever else
 * loads the machine falls on both alike. Prints wall and CPU percentiles for each, the ratios
 * (this ÷ base), and how many answers differ (the whole `Answer` as JSON).
 *
 *   git worktree add --detach /tmp/base main && ln -s "$PWD/node_modules" /tmp/base/
 *   node bin/run-ts.js bench/compare-ask.ts --base /tmp/base --passages 2000 --questions 1000
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CorpusIndex } from '../src/core/corpus-index.ts';
import type { Answer } from '../src/core/types.ts';
import { loadVocabulary } from '../src/corpus/corpus-loader.ts';
import { latencySummary, type Latency } from './metrics.ts';
import { resolveSquadFile } from './squad-data.ts';
import { openCorpusSource, takeCorpus } from './synthetic-corpus.ts';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    passages: { type: 'string', default: '2000' },
    questions: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '200' },
    squad: { type: 'string' },
  },
});
if (values.base === undefined) throw new Error('--base <checkout to compare with> is required');
const baseDir = values.base;

interface Asker {
  ask(question: string, options: { now: Date }): Answer;
}
type AskerClass = new (...args: ConstructorParameters<typeof CorpusIndex>) => Asker;
// The class was `Library` in src/core/library.ts before it became `CorpusIndex`.
const BaseIndex = await import(
  pathToFileURL(resolve(baseDir, 'src/core/corpus-index.ts')).href
).then(
  (module: { CorpusIndex: AskerClass }) => module.CorpusIndex,
  () =>
    import(pathToFileURL(resolve(baseDir, 'src/core/library.ts')).href).then(
      (module: { Library: AskerClass }) => module.Library,
    ),
);

const source = await openCorpusSource(resolveSquadFile(values.squad));
const documents = takeCorpus(source, { passages: Number(values.passages) });
const vocabulary = await loadVocabulary();
const systems = {
  base: new BaseIndex(documents, undefined, vocabulary),
  this: new CorpusIndex(documents, undefined, vocabulary),
};
const warmup = Number(values.warmup);
const count = Number(values.questions);
const questions = source.questions(warmup + count);
// A fixed clock, so answers that mention a document's age are the same for both.
const now = new Date('2026-11-28T00:00:00Z');
for (const question of questions.slice(0, warmup)) {
  systems.base.ask(question, { now });
  systems.this.ask(question, { now });
}

const timings = {
  base: { wall: new Float64Array(count), cpu: new Float64Array(count) },
  this: { wall: new Float64Array(count), cpu: new Float64Array(count) },
};
const digests = { base: createHash('sha256'), this: createHash('sha256') };
let differing = 0;
questions.slice(warmup).forEach((question, index) => {
  const run = (name: 'base' | 'this') => {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const answer = JSON.stringify(systems[name].ask(question, { now }));
    timings[name].wall[index] = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    timings[name].cpu[index] = (cpu.user + cpu.system) / 1000;
    digests[name].update(answer);
    return answer;
  };
  // Each goes first every other question, so neither always meets the warmer caches.
  const baseFirst = index % 2 === 0;
  const first = run(baseFirst ? 'base' : 'this');
  const second = run(baseFirst ? 'this' : 'base');
  if (first !== second) differing += 1;
});

const ratios = (a: Latency, b: Latency) => ({
  p50: Number((a.p50 / b.p50).toFixed(2)),
  p95: Number((a.p95 / b.p95).toFixed(2)),
  p99: Number((a.p99 / b.p99).toFixed(2)),
});
const summary = (name: 'base' | 'this') => ({
  wall: latencySummary(timings[name].wall),
  cpu: latencySummary(timings[name].cpu),
});
const base = summary('base');
const current = summary('this');
console.log(
  JSON.stringify({
    passages: systems.this.passageCount,
    questions: count,
    base,
    this: current,
    ratio: { wall: ratios(current.wall, base.wall), cpu: ratios(current.cpu, base.cpu) },
    answersDiffering: differing,
    answersDigest: {
      base: digests.base.digest('hex').slice(0, 16),
      this: digests.this.digest('hex').slice(0, 16),
    },
  }),
);
