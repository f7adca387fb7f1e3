/**
 * `ask` latency at one corpus size, for profiling and for proving a speed change keeps every
 * answer: builds the speed section's synthetic SQuAD corpus, asks its questions, prints the
 * latency percentiles (wall and CPU time) and a digest of every answer (the whole `Answer`
 * object as JSON).
 *
 *   node bin/run-ts.js bench/profile-ask.ts --passages 2000 --questions 1200
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bin/run-ts.js bench/profile-ask.ts --passages 100000
 *
 * Two runs that print the same digest gave the same answers, citations, excerpts and marks.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CorpusIndex } from '../src/core/corpus-index.ts';
import { loadVocabulary } from '../src/corpus/corpus-loader.ts';
import { latencySummary } from './metrics.ts';
import { resolveSquadFile } from './squad-data.ts';
import { openCorpusSource, takeCorpus } from './synthetic-corpus.ts';

const { values } = parseArgs({
  options: {
    passages: { type: 'string', default: '2000' },
    questions: { type: 'string', default: '1200' },
    warmup: { type: 'string', default: '200' },
    squad: { type: 'string' },
  },
});

const passages = Number(values.passages);
const questionCount = Number(values.questions);
const warmup = Number(values.warmup);

const source = await openCorpusSource(resolveSquadFile(values.squad));
const documents = takeCorpus(source, { passages });
const vocabulary = await loadVocabulary();
const buildStart = performance.now();
const corpus = new CorpusIndex(documents, undefined, vocabulary);
const buildMs = performance.now() - buildStart;
const questions = source.questions(warmup + questionCount);

// A fixed clock, so answers that mention a document's age are the same in every run.
const now = new Date('2026-11-28T00:00:00Z');
for (const question of questions.slice(0, warmup)) corpus.ask(question, { now });

const digest = createHash('sha256');
const milliseconds = new Float64Array(questionCount);
// CPU time too: on a shared machine, wall time also counts the time other processes held the core.
const cpuMilliseconds = new Float64Array(questionCount);
let answered = 0;
questions.slice(warmup).forEach((question, index) => {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const answer = corpus.ask(question, { now });
  milliseconds[index] = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  cpuMilliseconds[index] = (cpu.user + cpu.system) / 1000;
  if (answer.status === 'answered') answered += 1;
  digest.update(JSON.stringify(answer));
});

console.log(
  JSON.stringify({
    passages: corpus.passageCount,
    documents: documents.length,
    buildMs: Math.round(buildMs),
    questions: questionCount,
    answered,
    latency: latencySummary(milliseconds),
    cpu: latencySummary(cpuMilliseconds),
    answersDigest: digest.digest('hex').slice(0, 16),
  }),
);
