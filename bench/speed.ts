/**
 * Speed: per-question latency of `CorpusIndex.ask()` (search and answer composition, as `/ask`
 * runs it) against MiniSearch's defaults over the same passages, build time and heap at
 * growing corpus sizes; cold start from the index cache; moderator adds. Each figure is checked
 * against Footnote's targets.
 */
import { performance } from 'node:perf_hooks';
import MiniSearch from 'minisearch';
import { CorpusIndex } from '../src/core/corpus-index.ts';
import type { CorpusDocument } from '../src/core/types.ts';
import type { Vocabulary } from '../src/core/vocabulary.ts';
import { loadVocabulary } from '../src/corpus/corpus-loader.ts';
import { measureColdStart, type ColdStartReport } from './cold-start.ts';
import { pruningMarkdown, runPruningCheck, type PruningReport } from './pruning.ts';
import {
  canMeasureHeap,
  latencySummary,
  roundMs,
  settledHeapMB,
  timed,
  type Latency,
} from './metrics.ts';
import { openCorpusSource, takeCorpus, type CorpusSource } from './synthetic-corpus.ts';

interface QuestionPlan {
  /** Untimed questions first, so the JIT and lazy caches settle. */
  warmup: number;
  timed: number;
}

/**
 * Fewer questions at the larger sizes, so the whole bench stays near ten minutes on two cores:
 * building 100k passages alone takes over a minute, and MiniSearch's defaults take ~0.7 s per
 * question there.
 */
interface SizePlan {
  passages: number;
  footnote: QuestionPlan;
  minisearch: QuestionPlan;
}

interface SpeedPlan {
  sizes: SizePlan[];
  /** Documents for the cold-start and moderator-add measurements. */
  startupDocuments: number;
  adds: number;
}

const FULL_PLAN: SpeedPlan = {
  sizes: [
    {
      passages: 2_000,
      footnote: { warmup: 200, timed: 1_000 },
      minisearch: { warmup: 200, timed: 1_000 },
    },
    {
      passages: 20_000,
      footnote: { warmup: 100, timed: 500 },
      minisearch: { warmup: 30, timed: 150 },
    },
    {
      passages: 100_000,
      footnote: { warmup: 100, timed: 500 },
      minisearch: { warmup: 10, timed: 60 },
    },
  ],
  startupDocuments: 10_000,
  adds: 5,
};

const QUICK_PLAN: SpeedPlan = {
  sizes: [
    {
      passages: 2_000,
      footnote: { warmup: 50, timed: 200 },
      minisearch: { warmup: 50, timed: 200 },
    },
    {
      passages: 10_000,
      footnote: { warmup: 50, timed: 200 },
      minisearch: { warmup: 20, timed: 100 },
    },
  ],
  startupDocuments: 1_000,
  adds: 3,
};

export interface SystemSpeed {
  buildMs: number;
  /** Heap growth over building, MiB; null without `--expose-gc`. */
  heapMB: number | null;
  latency: Latency;
  warmup: number;
}

export interface SizeRow {
  targetPassages: number;
  passages: number;
  documents: number;
  footnote: SystemSpeed & {
    /** Share of timed questions `ask` answered rather than refused, in percent. */
    answered: number;
  };
  minisearchDefaults: SystemSpeed;
  /** Footnote ÷ MiniSearch defaults, same run, same passages. */
  ratios: { buildMs: number | null; heapMB: number | null; p50: number | null; p99: number | null };
}

export interface TargetResult {
  target: string;
  unit: 'ms' | 'KB' | '%';
  /** At most this (at least, for recall). */
  limit: number;
  /** The measured figure the target is judged on; null when this run did not measure it. */
  value: number | null;
  /** The same figure for MiniSearch's defaults, measured in the same run. */
  minisearchDefaults: number | null;
  /** value ÷ minisearchDefaults. */
  ratio: number | null;
  met: boolean | null;
  detail: string;
}

export interface SpeedReport {
  corpus: string;
  quick: boolean;
  heapMeasured: boolean;
  sizes: SizeRow[];
  coldStart: ColdStartReport;
  /** Pruned against exhaustive evaluation on SQuAD dev; null without the SQuAD file. */
  pruning: PruningReport | null;
  targets: TargetResult[];
}

export interface SpeedOptions {
  squadFile: string | undefined;
  quick: boolean;
  progress?: (message: string) => void;
}

/** Runs the untimed warm-up, then times each question alone. */
function timeQuestions<T>(
  questions: readonly string[],
  plan: QuestionPlan,
  run: (question: string) => T,
): { latency: Latency; results: T[] } {
  for (const question of questions.slice(0, plan.warmup)) run(question);
  const timedQuestions = questions.slice(plan.warmup, plan.warmup + plan.timed);
  const milliseconds = new Float64Array(timedQuestions.length);
  const results = timedQuestions.map((question, index) => {
    const start = performance.now();
    const result = run(question);
    milliseconds[index] = performance.now() - start;
    return result;
  });
  return { latency: latencySummary(milliseconds), results };
}

async function heapGrowth(before: number | undefined): Promise<number | null> {
  const after = await settledHeapMB();
  return before === undefined || after === undefined
    ? null
    : Math.round(10 * (after - before)) / 10;
}

interface PassageRecord {
  id: string;
  title: string;
  text: string;
}

/** Builds the corpus, times `ask`, and hands back its passages for the MiniSearch row. */
async function measureFootnote(
  documents: readonly CorpusDocument[],
  questions: readonly string[],
  plan: QuestionPlan,
  vocabulary: Vocabulary,
): Promise<{ speed: SizeRow['footnote']; passages: PassageRecord[] }> {
  const heapBefore = await settledHeapMB();
  const build = timed(() => new CorpusIndex(documents, undefined, vocabulary));
  const corpus = build.result;
  const heapMB = await heapGrowth(heapBefore);
  const { latency, results } = timeQuestions(
    questions,
    plan,
    (question) => corpus.ask(question).status,
  );
  const answered = results.filter((status) => status === 'answered').length;
  const passages = documents.flatMap((document) =>
    corpus
      .passagesOf(document.id)
      .map((passage) => ({ id: passage.id, title: document.title, text: passage.text })),
  );
  return {
    speed: {
      buildMs: roundMs(build.ms),
      heapMB,
      latency,
      warmup: plan.warmup,
      answered: Math.round((1000 * answered) / Math.max(1, results.length)) / 10,
    },
    passages,
  };
}

/** MiniSearch as a developer would start: default options, title and text, `search(q)`. */
async function measureMiniSearchDefaults(
  passages: readonly PassageRecord[],
  questions: readonly string[],
  plan: QuestionPlan,
): Promise<SystemSpeed> {
  const heapBefore = await settledHeapMB();
  const build = timed(() => {
    const index = new MiniSearch<PassageRecord>({ fields: ['title', 'text'] });
    index.addAll(passages);
    return index;
  });
  const index = build.result;
  const heapMB = await heapGrowth(heapBefore);
  const { latency } = timeQuestions(questions, plan, (question) =>
    index.search(question).slice(0, 10),
  );
  return { buildMs: roundMs(build.ms), heapMB, latency, warmup: plan.warmup };
}

const count = (value: number) => value.toLocaleString('en-US');

const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || b === 0 ? null : Number((a / b).toPrecision(2));

async function measureSize(
  source: CorpusSource,
  plan: SizePlan,
  vocabulary: Vocabulary,
): Promise<SizeRow> {
  const documents = takeCorpus(source, { passages: plan.passages });
  const longest = Math.max(
    plan.footnote.warmup + plan.footnote.timed,
    plan.minisearch.warmup + plan.minisearch.timed,
  );
  const questions = source.questions(longest);
  // Separate functions, so the corpus is unreachable (and collected) before MiniSearch is built.
  const { speed: footnote, passages } = await measureFootnote(
    documents,
    questions,
    plan.footnote,
    vocabulary,
  );
  const minisearchDefaults = await measureMiniSearchDefaults(passages, questions, plan.minisearch);
  return {
    targetPassages: plan.passages,
    passages: passages.length,
    documents: documents.length,
    footnote,
    minisearchDefaults,
    ratios: {
      buildMs: ratio(footnote.buildMs, minisearchDefaults.buildMs),
      heapMB: ratio(footnote.heapMB, minisearchDefaults.heapMB),
      p50: ratio(footnote.latency.p50, minisearchDefaults.latency.p50),
      p99: ratio(footnote.latency.p99, minisearchDefaults.latency.p99),
    },
  };
}

interface Measured {
  value: number | null;
  minisearchDefaults: number | null;
  detail: string;
}

function judge(
  target: string,
  unit: TargetResult['unit'],
  limit: number,
  { value, minisearchDefaults, detail }: Measured,
  extraCondition = true,
  atLeast = false,
): TargetResult {
  const rounded = value === null ? null : roundMs(value);
  return {
    target,
    unit,
    limit,
    value: rounded,
    minisearchDefaults: minisearchDefaults === null ? null : roundMs(minisearchDefaults),
    ratio: ratio(value, minisearchDefaults),
    met:
      rounded === null ? null : (atLeast ? rounded >= limit : rounded <= limit) && extraCondition,
    detail: value === null ? 'not measured in this run (--quick measures smaller sizes)' : detail,
  };
}

const NOT_MEASURED: Measured = { value: null, minisearchDefaults: null, detail: '' };

/** Heap growth per passage in KiB: the whole corpus (index, passages, documents) over its passages. */
const perPassageKB = (heapMB: number | null, passages: number) =>
  heapMB === null ? null : (heapMB * 1024) / passages;

function judgeTargets(
  sizes: readonly SizeRow[],
  coldStart: ColdStartReport,
  pruning: PruningReport | null,
): TargetResult[] {
  const largest = sizes.find((size) => size.targetPassages === 100_000);
  const askTarget = (passages: number, limitMs: number) => {
    const row = sizes.find((size) => size.targetPassages === passages);
    return judge(
      `ask p99 ≤ ${limitMs} ms at ${count(passages)} passages`,
      'ms',
      limitMs,
      row
        ? {
            value: row.footnote.latency.p99,
            minisearchDefaults: row.minisearchDefaults.latency.p99,
            detail: `p99 over ${count(row.footnote.latency.samples)} questions, ${count(row.passages)} passages`,
          }
        : NOT_MEASURED,
    );
  };
  const { load } = coldStart;
  const atTenThousand = load.documents === 10_000;
  const slowestAdd = Math.max(...load.adds.map((add) => add.totalMs));
  const cited = load.adds.filter((add) => add.cited).length;
  return [
    askTarget(2_000, 2),
    askTarget(100_000, 25),
    judge(
      'heap per passage ≤ 1.5 KB at 100,000 passages',
      'KB',
      1.5,
      largest
        ? {
            value: perPassageKB(largest.footnote.heapMB, largest.passages),
            minisearchDefaults: perPassageKB(largest.minisearchDefaults.heapMB, largest.passages),
            detail: `heap growth over building ${count(largest.passages)} passages: footnote ${orDash(largest.footnote.heapMB)} MB, minisearch-defaults ${orDash(largest.minisearchDefaults.heapMB)} MB`,
          }
        : NOT_MEASURED,
    ),
    judge(
      'cold start ≤ 1 s at 10,000 documents',
      'ms',
      1_000,
      atTenThousand
        ? {
            value: load.totalMs,
            minisearchDefaults: load.minisearchDefaultsLoadMs,
            detail:
              `fingerprint ${count(load.fingerprintMs)} + read ${count(load.readMs)} + ` +
              `new CorpusIndex ${count(load.constructMs)} ms, ${count(load.passages)} passages; ` +
              'minisearch-defaults: read + MiniSearch.loadJSON of its own index of the same passages',
          }
        : NOT_MEASURED,
    ),
    judge(
      'SQuAD dev R@1 ≥ 81.2 (pruned, top 30 as exhaustive)',
      '%',
      81.2,
      pruning
        ? {
            value: pruning.pruned.recallAt1,
            minisearchDefaults: pruning.minisearchDefaults.recallAt1,
            detail:
              `exhaustive evaluation ${pruning.exhaustive.recallAt1}; top ${pruning.depth} identical on ` +
              `${count(pruning.identical)} of ${count(pruning.questions)} questions`,
          }
        : { ...NOT_MEASURED, detail: 'no SQuAD file' },
      pruning !== null &&
        pruning.identical === pruning.questions &&
        pruning.pruned.recallAt1 >= pruning.exhaustive.recallAt1,
      true,
    ),
    judge(
      'moderator add answerable ≤ 200 ms at 10,000 documents',
      'ms',
      200,
      atTenThousand
        ? {
            value: slowestAdd,
            minisearchDefaults: null,
            detail: `slowest of ${load.adds.length} adds (add + ask); ${cited} of ${load.adds.length} answers cited the new document`,
          }
        : NOT_MEASURED,
      cited === load.adds.length,
    ),
  ];
}

export async function runSpeed(options: SpeedOptions): Promise<SpeedReport> {
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const source = await openCorpusSource(options.squadFile);
  // The bot searches with the shipped corpus's vocabulary alternatives: ask pays for them too.
  const vocabulary = await loadVocabulary();
  const sizes: SizeRow[] = [];
  for (const size of plan.sizes) {
    options.progress?.(`speed: ${size.passages} passages`);
    sizes.push(await measureSize(source, size, vocabulary));
  }
  options.progress?.(`speed: cold start and moderator adds at ${plan.startupDocuments} documents`);
  const coldStart = await measureColdStart({
    squadFile: options.squadFile,
    documents: plan.startupDocuments,
    adds: plan.adds,
  });
  const pruning = options.squadFile
    ? await runPruningCheck(options.squadFile, options.progress)
    : null;
  return {
    corpus: source.description,
    quick: options.quick,
    heapMeasured: canMeasureHeap,
    sizes,
    coldStart,
    pruning,
    targets: judgeTargets(sizes, coldStart, pruning),
  };
}

// ------------------------------------------------------------------------------ Markdown
const times = (value: number | null) => (value === null ? '—' : `×${value}`);
const orDash = (value: number | null) => (value === null ? '—' : String(value));

function sizeTable(sizes: readonly SizeRow[]): string[] {
  const system = (label: string, speed: SystemSpeed) =>
    `| ${label} | ${(speed.buildMs / 1000).toFixed(2)} | ${orDash(speed.heapMB)} | ${speed.latency.p50} | ` +
    `${speed.latency.p95} | ${speed.latency.p99} | ${speed.latency.samples} after ${speed.warmup} |`;
  return [
    '| corpus | system | build s | heap MB | p50 ms | p95 ms | p99 ms | questions timed |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...sizes.flatMap((row) => {
      const corpus = `${count(row.passages)} passages (${count(row.documents)} docs)`;
      return [
        system(
          `${corpus} | footnote \`ask()\` (${row.footnote.answered} % answered)`,
          row.footnote,
        ),
        system(`${corpus} | minisearch-defaults \`search()\``, row.minisearchDefaults),
        `| ${corpus} | footnote ÷ minisearch | ${times(row.ratios.buildMs)} | ${times(row.ratios.heapMB)} | ` +
          `${times(row.ratios.p50)} | | ${times(row.ratios.p99)} | |`,
      ];
    }),
  ];
}

function coldStartTable({ rebuild, load }: ColdStartReport): string[] {
  const ms = (value: number) => count(Math.round(value));
  return [
    '| step | ms | heap MB |',
    '|---|---:|---:|',
    `| rebuild: \`new CorpusIndex(documents)\` | ${ms(rebuild.buildMs)} | ${orDash(rebuild.heapMB)} |`,
    `| cache: \`corpusFingerprint(documents)\` | ${ms(load.fingerprintMs)} | |`,
    `| cache: \`readIndexCache\` (${(rebuild.cacheBytes / 2 ** 20).toFixed(1)} MiB file) | ${ms(load.readMs)} | |`,
    `| cache: \`new CorpusIndex(documents, savedIndex)\` | ${ms(load.constructMs)} | |`,
    `| **cache: total (cold start)** | **${ms(load.totalMs)}** | ${orDash(load.heapMB)} |`,
    `| first \`ask()\` after loading | ${ms(load.firstAskMs)} | |`,
    `| minisearch-defaults: read its saved index + \`MiniSearch.loadJSON\` | ${ms(load.minisearchDefaultsLoadMs)} | |`,
  ];
}

function addTable({ load }: ColdStartReport): string[] {
  return [
    '| # | `add()` ms | `ask()` ms | total ms | answer cites it |',
    '|---:|---:|---:|---:|---|',
    ...load.adds.map(
      (add, index) =>
        `| ${index + 1} | ${roundMs(add.addMs)} | ${roundMs(add.askMs)} | ${roundMs(add.totalMs)} | ${add.cited ? 'yes' : '**no**'} |`,
    ),
  ];
}

function targetTable(targets: readonly TargetResult[]): string[] {
  const status = (target: TargetResult) =>
    target.met === null ? 'not measured' : target.met ? 'met' : '**missed**';
  const figure = (value: number | null, unit: string) =>
    value === null ? '—' : `${count(value)} ${unit}`;
  return [
    '| target | measured | minisearch-defaults | ratio | status | how |',
    '|---|---:|---:|---:|---|---|',
    ...targets.map(
      (target) =>
        `| ${target.target} | ${figure(target.value, target.unit)} | ${figure(target.minisearchDefaults, target.unit)} | ${times(target.ratio)} | ${status(target)} | ${target.detail} |`,
    ),
  ];
}

export function speedMarkdown(report: SpeedReport): string {
  const { load, rebuild } = report.coldStart;
  return [
    `## Speed${report.quick ? ' (--quick: smaller sizes)' : ''}`,
    '',
    `Corpus: ${report.corpus}. Latency is per question, each timed alone after untimed warm-up questions; ` +
      '`ask()` includes the answer rules and excerpt, MiniSearch returns its top 10. ' +
      (report.heapMeasured
        ? 'Heap: growth of `heapUsed` over building, once forced collections settle. '
        : 'Heap not measured: run node with `--expose-gc` (`npm run bench` does). ') +
      'Latencies move by up to ~30 % between runs: read the ratios.',
    '',
    '### Targets',
    '',
    ...targetTable(report.targets),
    '',
    '### Latency, build time and heap by corpus size',
    '',
    ...sizeTable(report.sizes),
    '',
    `### Cold start at ${count(load.documents)} documents (${count(load.passages)} passages)`,
    '',
    'Each path in a fresh Node process. The cache path is what `openLibrary` does on a hit, ' +
      'after the documents are read from disk (not timed). ' +
      `Saving the cache after the rebuild: serialize ${count(Math.round(rebuild.serializeMs))} ms, ` +
      `write ${count(Math.round(rebuild.writeMs))} ms.`,
    '',
    ...coldStartTable(report.coldStart),
    '',
    ...(report.pruning ? pruningMarkdown(report.pruning) : []),
    `### Moderator adds at ${count(load.documents)} documents`,
    '',
    'On the corpus just loaded from the cache: add a server document about an invented subject, then ask the question it answers.',
    '',
    ...addTable(report.coldStart),
    '',
  ].join('\n');
}
