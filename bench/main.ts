/**
 * `npm run bench`: retrieval quality on the shipped corpus, passage retrieval on SQuAD v1.1 dev
 * against peer libraries, and speed against Footnote's targets, printed as Markdown tables;
 * `npm run bench -- --json` prints one JSON object instead.
 * Benchmarks are kept apart from the tests: figures are reported, never asserted.
 *
 *   --squad <file>    SQuAD v1.1 dev file (default: ../shared/data/squad/dev-v1.1.json)
 *   --quick           smaller speed sizes, for a smoke run
 *   --only <list>     sections to run, comma-separated: corpus, squad, refusal, speed, load, scale
 *   --cached          refusal: reuse the SQuAD features cached in bench/results/ by an earlier run
 *   --near-topic      refusal: also ask dev-b with only each question's paragraph left out (~15 min)
 *   --verbose         list the shipped-corpus misses
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EMPTY_VOCABULARY } from '../src/core/vocabulary.ts';
import { openCorpusIndex } from '../src/corpus/open-index.ts';
import { loadWordNet } from '../src/corpus/wordnet.ts';
import {
  evaluate,
  footnoteRetriever,
  loadQuestionSet,
  miniSearchDefaultsRetriever,
  type QualityRow,
} from './quality.ts';
import { resolveSquadFile, SQUAD_SOURCE_NOTE } from './squad-data.ts';
import { runSquad, squadJson, squadMarkdown } from './squad.ts';
import {
  askLeavingArticlesOut,
  askLeavingParagraphsOut,
  refusalMarkdown,
  reportRefusal,
} from './refusal.ts';
import { runSpeed, speedMarkdown } from './speed.ts';
import { acknowledgementMarkdown, measureAcknowledgements } from './load.ts';
import { runScale, scaleMarkdown } from './scale.ts';

const SECTIONS = ['corpus', 'squad', 'refusal', 'speed', 'load', 'scale'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    cached: { type: 'boolean', default: false },
    'near-topic': { type: 'boolean', default: false },
    squad: { type: 'string' },
    only: { type: 'string' },
  },
  allowPositionals: true,
});

function selectedSections(only: string | undefined): Set<Section> {
  if (only === undefined) return new Set(SECTIONS);
  const names = only.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`--only ${unknown.join(',')}: sections are ${SECTIONS.join(', ')}`);
  return new Set(names as Section[]);
}

const sections = selectedSections(values.only);
const print = values.json ? () => {} : (text: string) => console.log(text);
// Progress goes to stderr, so stdout stays the report alone.
const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
// The load average says whether other work shared the machine, which moves every latency.
const machine =
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
  `Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)} at start`;

/**
 * Every `bench/questions*.json`: `questions.json` is the tuning set, `questions-<name>.json` the
 * others (held-out, unseen, vocabulary: questions worded with words the corpus does not use).
 */
async function questionSets(): Promise<Array<{ name: string; file: string }>> {
  const files = (await readdir(here('.'))).filter((file) =>
    /^questions(-[a-z-]+)?\.json$/u.test(file),
  );
  return files
    .map((file) => ({
      name: file === 'questions.json' ? 'tuning' : file.slice('questions-'.length, -'.json'.length),
      file: here(file),
    }))
    .sort((a, b) =>
      a.name === 'tuning' ? -1 : b.name === 'tuning' ? 1 : a.name.localeCompare(b.name),
    );
}

/**
 * What WordNet adds to a cold start: importing the lookup and building its map, time and heap.
 * Run before anything else imports it, so the JSON module is not cached yet.
 */
async function measureWordNetLoad(): Promise<{ words: number; ms: number; heapMb: number }> {
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const start = performance.now();
  const lookup = await loadWordNet();
  const ms = Math.round(performance.now() - start);
  globalThis.gc?.();
  const heapMb = Math.round(((process.memoryUsage().heapUsed - before) / 2 ** 20) * 10) / 10;
  return { words: lookup.size, ms, heapMb };
}

async function corpusQuality(): Promise<Record<string, QualityRow[]>> {
  const benchDataDir = await mkdtemp(join(tmpdir(), 'footnote-bench-'));
  const corpus = await openCorpusIndex({ dataDir: benchDataDir });
  // The same corpus without the synonym map, to show what `corpus/vocabulary.json` adds.
  const withoutVocabulary = await openCorpusIndex({
    dataDir: benchDataDir,
    vocabulary: EMPTY_VOCABULARY,
  });
  // And without WordNet's related words, to show what they add on top of the map.
  const withoutWordNet = await openCorpusIndex({
    dataDir: benchDataDir,
    wordNet: EMPTY_VOCABULARY,
  });
  const quality: Record<string, QualityRow[]> = {};
  for (const { name, file } of await questionSets()) {
    const set = await loadQuestionSet(file);
    quality[name] = [
      evaluate('footnote', footnoteRetriever(corpus), set),
      evaluate('footnote-without-wordnet', footnoteRetriever(withoutWordNet), set),
      evaluate('footnote-without-vocabulary', footnoteRetriever(withoutVocabulary), set),
      evaluate('minisearch-defaults', miniSearchDefaultsRetriever(corpus), set),
    ];
  }
  return quality;
}

function corpusMarkdown(quality: Record<string, QualityRow[]>): string {
  const lines: string[] = [];
  for (const [name, rows] of Object.entries(quality)) {
    const first = rows[0]!;
    lines.push(
      `## Shipped corpus, ${name} questions (${first.answerable} answerable, ${first.unanswerable} unanswerable)\n`,
      '| system | hit@1 | hit@3 | MRR | answer shown (Discord) | answer shown (CLI) | unanswerable refused | answerable refused |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map(
        (row) =>
          `| ${row.system} | ${row.hitAt1} % | ${row.hitAt3} % | ${row.mrr.toFixed(3)} | ${percentOrDash(row.answerShown)} | ${percentOrDash(row.answerShownCli)} | ${row.refusedUnanswerable} % | ${row.wronglyRefused} |`,
      ),
      '',
    );
    if (values.verbose) {
      for (const miss of first.misses) {
        lines.push(
          `- miss (${miss.refused ? 'refused' : `rank ${miss.rank ?? '—'}`}): ${miss.question}`,
        );
      }
      for (const { question, answer, shown } of first.hidden)
        lines.push(
          `- answer not shown: ${question}\n  wanted: ${answer}\n  shown: ${shown[0] ?? '—'}`,
        );
      for (const question of first.falseAnswers)
        lines.push(`- answered, should refuse: ${question}`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

const percentOrDash = (value: number | null) => (value === null ? '—' : `${value} %`);

const strip = (rows: QualityRow[]) =>
  rows.map(({ misses: _m, hidden: _h, falseAnswers: _f, ...row }) => row);

const report: Record<string, unknown> = { machine };
const notes: string[] = [];
print(`# Footnote bench\n\nMachine: ${machine}\n`);

if (sections.has('corpus')) {
  progress('shipped corpus');
  const wordNet = await measureWordNetLoad();
  const quality = await corpusQuality();
  report['corpus'] = Object.fromEntries(
    Object.entries(quality).map(([name, rows]) => [name, strip(rows)]),
  );
  print(corpusMarkdown(quality));
  report['wordNetLoad'] = wordNet;
  print(
    `WordNet lookup (\`src/corpus/wordnet-related.json\`, ${wordNet.words} words): loaded in ${wordNet.ms} ms, ` +
      `${wordNet.heapMb} MB of heap (the first import in this process).\n`,
  );
}

// Resolved once for both sections that read SQuAD; a missing --squad file stops the bench.
const squadFile =
  sections.has('squad') || sections.has('refusal') || sections.has('speed') || sections.has('scale')
    ? resolveSquadFile(values.squad)
    : undefined;

if (sections.has('squad')) {
  if (squadFile) {
    const squad = await runSquad({ file: squadFile, progress });
    report['squad'] = squadJson(squad);
    print(squadMarkdown(squad));
  } else {
    report['squad'] = null;
    notes.push(`SQuAD section skipped: no SQuAD file. ${SQUAD_SOURCE_NOTE}`);
    print(`## SQuAD v1.1 dev passage retrieval\n\nSkipped: no SQuAD file. ${SQUAD_SOURCE_NOTE}\n`);
  }
}

if (sections.has('refusal')) {
  if (squadFile) {
    const asked = await askLeavingArticlesOut(squadFile, 'dev-b', {
      fresh: !values.cached,
      progress,
    });
    const nearTopic = values['near-topic']
      ? await askLeavingParagraphsOut(squadFile, 'dev-b', { fresh: !values.cached, progress })
      : undefined;
    const refusal = reportRefusal('dev-b', asked, undefined, nearTopic);
    report['refusal'] = { squadDevB: refusal };
    print(refusalMarkdown(refusal));
  } else {
    report['refusal'] = null;
    notes.push(`Refusal section skipped: no SQuAD file. ${SQUAD_SOURCE_NOTE}`);
    print(`## Refusal on SQuAD\n\nSkipped: no SQuAD file. ${SQUAD_SOURCE_NOTE}\n`);
  }
}

if (sections.has('speed')) {
  const speed = await runSpeed({ squadFile, quick: values.quick, progress });
  report['speed'] = speed;
  print(speedMarkdown(speed));
}

if (sections.has('load')) {
  progress('load: 200 /ask at once through the local Discord stand-in');
  const load = await measureAcknowledgements({ count: 200 });
  report['load'] = load;
  print(acknowledgementMarkdown(load));
}

if (sections.has('scale')) {
  const scale = await runScale({ squadFile, quick: values.quick, progress });
  report['scale'] = scale;
  print(scaleMarkdown(scale));
}

// Other processes on the machine slow every timing: say how busy it was when the run ended.
report['loadAverageAtEnd'] = Number(loadavg()[0]!.toFixed(2));
print(`Load average at end: ${String(report['loadAverageAtEnd'])}.`);

if (values.json)
  console.log(JSON.stringify(notes.length > 0 ? { ...report, notes } : report, null, 2));
